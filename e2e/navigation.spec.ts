/*
 * Leaving a form with unsaved changes asks first (in-app links and closing the tab); views that
 * are worth sharing (chart window, audit filters and page) survive a reload through the URL.
 */
import { test, expect } from './fixtures';
import { AccountEditor, Nav, UnsavedPrompt, shot } from './pages';

test('leaving an edited form asks first; after saving it does not', async ({ page, sb, loginAsAdmin }) => {
  await loginAsAdmin();
  const nav = new Nav(page);
  const editor = new AccountEditor(page);
  const prompt = new UnsavedPrompt(page);
  await nav.to('Accounts');
  await editor.openNew();
  // Untouched: leaving asks nothing.
  await nav.to('Overview');
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await nav.to('Accounts');
  await editor.openNew();
  await editor.setName('DRAFT');

  await nav.to('Overview');
  await expect(prompt.dialog).toBeVisible();
  await shot(page, 'unsaved-prompt');
  await prompt.stay();
  await expect(page.getByRole('heading', { name: 'New account' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Name', exact: true })).toHaveValue('DRAFT');

  // Closing the tab (or reloading) gets the browser's own prompt.
  const unload = new Promise<string>((resolve) => page.once('dialog', (d) => (resolve(d.type()), void d.dismiss())));
  await page.close({ runBeforeUnload: true });
  expect(await unload).toBe('beforeunload');
  expect(page.isClosed()).toBe(false);

  await page.getByRole('button', { name: 'Cancel' }).first().click();
  await prompt.leave();
  await expect(page.getByRole('heading', { name: 'Accounts' })).toBeVisible();

  // Saved changes are no reason to ask.
  await editor.openNew();
  await editor.setName('SAVED');
  const review = await editor.review();
  await review.apply();
  await review.expectApplied();
  await review.done();
  await expect(page.getByRole('heading', { name: 'Account SAVED' })).toBeVisible();
  await nav.to('Overview');
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await expect(prompt.dialog).toHaveCount(0);
  expect(sb.readConf()).toContain('SAVED');
});

test('the chart window and the audit view are kept in the URL across a reload', async ({ page, sb, loginAsAdmin, admin }) => {
  // Some audit entries to filter: a refused login and config changes.
  await admin.api.post('/api/login', { data: { user: 'admin', password: 'wrong-password' } }).catch(() => undefined);
  for (const name of ['A1', 'A2']) {
    const { revision, options } = await admin.config();
    expect((await admin.putConfig({ ...options, accounts: { ...((options.accounts as object) ?? {}), [name]: {} } }, revision)).status).toBe(200);
  }
  await loginAsAdmin();
  await page.getByRole('button', { name: '1 hour' }).click();
  await expect(page).toHaveURL(/[?&]window=1h/);
  await page.reload();
  await expect(page.getByRole('button', { name: '1 hour' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('button', { name: '5 min' })).toHaveAttribute('aria-pressed', 'false');

  await new Nav(page).to('Audit log');
  await page.getByLabel('Filter by action').fill('config.*');
  await page.getByLabel('Filter by outcome').selectOption('ok');
  await page.getByRole('button', { name: 'Action' }).click();
  await expect(page).toHaveURL(/action=config\.\*/);
  await expect(page).toHaveURL(/outcome=ok/);
  await expect(page).toHaveURL(/sort=action/);
  const table = page.getByRole('table', { name: 'Audit log' });
  await expect(table.getByRole('row')).toHaveCount(3);
  const url = page.url();

  // A fresh page at the shared URL shows the same view.
  const other = await page.context().newPage();
  await other.goto(url);
  await expect(other.getByLabel('Filter by action')).toHaveValue('config.*');
  await expect(other.getByLabel('Filter by outcome')).toHaveValue('ok');
  await expect(other.getByRole('button', { name: /^Action/ })).toHaveAttribute('aria-pressed', 'true');
  await expect(other.getByRole('table', { name: 'Audit log' }).getByRole('row')).toHaveCount(3);
  await expect(other.getByRole('table', { name: 'Audit log' })).not.toContainText('login');
  await other.close();
  expect(new URL(url).origin).toBe(sb.url);
});
