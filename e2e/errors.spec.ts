/* Issue 15 item 4: every failure shows the server's real reason where the user acted. */
import { writeFileSync } from 'node:fs';
import { test, expect } from './fixtures';
import { AccountEditor, shot } from './pages';
import { SEEDED_CONF } from './seed';

test.use({ sbOptions: { name: 'seeded', conf: SEEDED_CONF } });

test('reload from disk shows why the file was refused, with file:line:col', async ({ page, sb, loginAsAdmin }) => {
  await loginAsAdmin();
  // Straight to the page (the live Overview redraws every second; a loaded machine makes clicks on it slow).
  await page.goto(`${sb.url}/ops`);
  await expect(page.getByRole('heading', { name: 'Operations' })).toBeVisible();
  writeFileSync(sb.confPath, `${sb.readConf()}\nmax_payload: "lots"\naccounts {\n`);
  await page.getByRole('button', { name: 'Reload from disk' }).click();
  const result = page.getByTestId('reload-result');
  await expect(result).toContainText("The reload was refused");
  await expect(result).toContainText(/switchboard\.conf:\d+:\d+/);
  await expect(page.getByText('422 Unprocessable Entity')).toHaveCount(0);
  await shot(page, 'ops-reload-refused');
});

test('removing or restricting an export another account imports is flagged at the export, naming the importer', async ({ page, loginAsAdmin }) => {
  await loginAsAdmin();
  await page.goto(page.url().replace(/\/[^/]*$/, '/accounts/SALES'));
  const editor = new AccountEditor(page);
  await expect(page.getByRole('heading', { name: 'Account SALES' })).toBeVisible();
  // Restrict the stream export to SALES only: SHIP imports it.
  await page.getByLabel('Export 1 accounts').fill('SALES');
  await expect(page.getByTestId('export-0')).toContainText('account "SHIP" imports stream "orders.>" from this account');
  await page.getByLabel('Export 1 accounts').fill('');
  await expect(page.getByTestId('export-0')).not.toContainText('SHIP');
  // Remove it: the list says who still imports it, before any review.
  await page.getByRole('button', { name: 'Remove export 1' }).click();
  await expect(page.getByTestId('exports-dependents')).toContainText('account "SHIP" imports stream "orders.>"');
  await shot(page, 'account-export-dependents');
  void editor;
});

test('renaming an account works: imports follow, the editor opens under the new name', async ({ page, loginAsAdmin, sb }) => {
  await loginAsAdmin();
  await page.goto(page.url().replace(/\/[^/]*$/, '/accounts/SALES'));
  const editor = new AccountEditor(page);
  await expect(page.getByRole('heading', { name: 'Account SALES' })).toBeVisible();
  await editor.setName('RETAIL');
  const review = await editor.review();
  await review.apply();
  await review.expectApplied();
  await review.done();
  await expect(page.getByRole('heading', { name: 'Account RETAIL' })).toBeVisible();
  await expect(page.getByText('is not in the configuration file')).toHaveCount(0);
  const conf = sb.readConf();
  expect(conf).toContain('RETAIL');
  expect(conf).toMatch(/account:\s*"?RETAIL/);
  expect(conf).not.toContain("SALES");
});
