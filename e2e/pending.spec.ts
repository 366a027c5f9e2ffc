/* Issue 15 items 5 and 7: changes nats-server cannot reload are saved for the next restart; running vs on disk shown. */
import { test, expect } from './fixtures';
import { Nav, ReviewDialog, shot } from './pages';
import { SEEDED_CONF } from './seed';

/**
 * [ERR] lines other than the gateway's own connect attempts: the seeded config names a remote
 * gateway that is not running, and the gateway module really dials it.
 */
function errLines(out: string): string[] {
  return out.split('\n').filter((l) => l.includes('[ERR]') && !/connecting to (explicit|implicit) gateway/i.test(l));
}

test.use({ sbOptions: { name: 'seeded', conf: SEEDED_CONF } });

test('a gateway change is saved as "applies at next restart"; review writes no [ERR]; history shows running vs on disk', async ({ page, sb, loginAsAdmin }) => {
  await loginAsAdmin();
  await new Nav(page).to('Gateways & routes');
  await page.getByLabel('Remote gateway 1 name').fill('south');
  await page.getByRole('form', { name: 'Gateway configuration' }).getByRole('button', { name: 'Review changes' }).click();
  const review = new ReviewDialog(page);
  await expect(review.dialog.getByTestId('applies-at-restart')).toBeVisible();
  await shot(page, 'gateway-review-restart');
  expect(errLines(sb.output())).toEqual([]);
  await review.dialog.getByRole('button', { name: 'Save for next restart' }).click();
  await expect(review.dialog.getByTestId('apply-result')).toContainText('applies at the next restart');
  await review.done();
  expect(sb.readConf()).toContain('south');
  await expect(page.getByTestId('pending-restart')).toContainText('gateway');
  expect(errLines(sb.output())).toEqual([]);

  await new Nav(page).to('Config history');
  await expect(page.getByTestId('disk-vs-running')).toContainText('apply at the next restart');
  const table = page.getByRole('table', { name: 'Revisions' });
  await expect(table.getByText('running', { exact: true })).toBeVisible();
  await expect(table.getByText('on disk', { exact: true })).toBeVisible();
  await shot(page, 'history-running-vs-disk');
});
