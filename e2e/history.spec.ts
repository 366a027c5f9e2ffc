import { readFileSync } from 'node:fs';
import { StringCodec } from 'nats';
import { test, expect, eventually } from './fixtures';
import { Nav, shot } from './pages';

const sc = StringCodec();

test('roll back a revision: the import goes away and the client flow stops', async ({ page, sb, admin, nats, loginAsAdmin }) => {
  // Revision 1: two accounts, no import. Revision 2: the import.
  let { revision, options } = await admin.config();
  const base = {
    ...options,
    accounts: {
      PROD: { users: [{ user: 'p', password: 'p-pw' }], exports: [{ stream: 'metrics.>' }] },
      MON: { users: [{ user: 'm', password: 'm-pw' }] },
    },
  };
  let res = await admin.putConfig(base, revision);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const before = (res.body as { revision: string }).revision;
  ({ revision, options } = await admin.config());
  res = await admin.putConfig({ ...options, accounts: { ...base.accounts, MON: { ...base.accounts.MON, imports: [{ stream: { account: 'PROD', subject: 'metrics.>' } }] } } }, revision);
  expect(res.status, JSON.stringify(res.body)).toBe(200);

  const mon = await nats({ servers: sb.natsUrl, user: 'm', pass: 'm-pw' });
  let got = 0;
  mon.subscribe('metrics.>', { callback: () => got++ });
  await mon.flush();
  const prod = await nats({ servers: sb.natsUrl, user: 'p', pass: 'p-pw' });
  const send = async () => {
    prod.publish('metrics.cpu', sc.encode('1'));
    await prod.flush();
    await new Promise((r) => setTimeout(r, 150));
  };
  await eventually(async () => (await send(), got > 0), 10_000, 'flow through the import');

  await loginAsAdmin();
  await new Nav(page).to('Config history');
  await expect(page.getByRole('table', { name: 'Revisions' })).toContainText(before);
  await page.getByLabel(`Compare from ${before}`).check();
  await page.getByRole('row').filter({ has: page.getByText('on disk', { exact: true }) }).getByRole('radio', { name: /Compare to/ }).check();
  await expect(page.getByTestId('revision-diff')).toContainText('accounts.MON');
  await page.getByRole('button', { name: `Roll back to ${before}` }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('button', { name: 'Roll back' })).toBeDisabled();
  await dialog.getByRole('textbox').fill(before);
  await shot(page, 'rollback-confirm');
  await dialog.getByRole('button', { name: 'Roll back' }).click();
  await expect(page.getByTestId('rollback-result')).toBeVisible();
  await shot(page, 'history-after-rollback');

  // The flow stops: nothing more arrives.
  await send();
  const settled = got;
  for (let i = 0; i < 5; i++) await send();
  expect(got).toBe(settled);
});

test('the config file: shown whole, read-only, and downloaded as it is on disk', async ({ page, sb, loginAsAdmin }) => {
  await loginAsAdmin();
  await new Nav(page).to('Config file');
  const file = sb.readConf();
  const view = page.getByTestId('config-file');
  await expect(view).toContainText(`server_name: ${sb.name}`);
  await expect(view.locator('td.code')).toHaveCount(file.replace(/\n$/, '').split('\n').length);
  await expect(page.getByTestId('config-file-meta')).toContainText(sb.confPath);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download switchboard.conf' }).click()]);
  expect(download.suggestedFilename()).toBe('switchboard.conf');
  expect(readFileSync(await download.path(), 'utf8')).toBe(file);
  await shot(page, 'config-file');
});
