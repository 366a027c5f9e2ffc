import { StringCodec } from 'nats';
import { test, expect, eventually } from './fixtures';
import { AccountEditor, Nav, ReviewDialog, shot } from './pages';

const sc = StringCodec();

test.describe('accounts, exports and imports', () => {
  test('stream export and prefixed import: a real client receives through the import', async ({ page, sb, nats, loginAsAdmin }) => {
    await loginAsAdmin();
    const nav = new Nav(page);
    const editor = new AccountEditor(page);
    await nav.to('Accounts');

    await editor.openNew();
    await editor.setName('SALES');
    await editor.addUser('sam', 'sam-pw');
    await editor.addExport('stream', 'orders.>');
    let review = await editor.review();
    await review.apply();
    await review.expectApplied();
    await shot(page, 'accounts-create-review');
    await review.done();

    await nav.to('Accounts');
    await editor.openNew();
    await editor.setName('SHIP');
    await editor.addUser('sue', 'sue-pw');
    await editor.addImport('stream', 'SALES', 'orders.>', { prefix: 'sales' });
    review = await editor.review();
    await review.apply();
    await review.expectApplied();
    await review.done();

    const sub = await nats({ servers: sb.natsUrl, user: 'sue', pass: 'sue-pw' });
    const got: string[] = [];
    sub.subscribe('sales.orders.>', { callback: (_e, m) => got.push(`${m.subject} ${sc.decode(m.data)}`) });
    await sub.flush();
    const pub = await nats({ servers: sb.natsUrl, user: 'sam', pass: 'sam-pw' });
    await eventually(async () => {
      pub.publish('orders.new', sc.encode('o-1'));
      await pub.flush();
      await new Promise((r) => setTimeout(r, 100));
      return got.length > 0;
    }, 10_000, 'a message through the import');
    expect(got[0]).toBe('sales.orders.new o-1');

    await nav.to('Accounts');
    await expect(page.getByRole('table', { name: 'Accounts' })).toContainText('SHIP');
    await shot(page, 'accounts-list');
    await nav.to('Import/export map');
    await expect(page.getByTestId('map-edge')).toHaveCount(1);
    await shot(page, 'import-export-map');
  });

  test('service export and import: a real request crosses accounts', async ({ page, sb, nats, loginAsAdmin }) => {
    await loginAsAdmin();
    const nav = new Nav(page);
    const editor = new AccountEditor(page);
    await nav.to('Accounts');
    await editor.openNew();
    await editor.setName('API');
    await editor.addUser('svc', 'svc-pw');
    await editor.addExport('service', 'time.now');
    let review = await editor.review();
    await review.apply();
    await review.expectApplied();
    await review.done();

    await nav.to('Accounts');
    await editor.openNew();
    await editor.setName('APP');
    await editor.addUser('app', 'app-pw');
    await editor.addImport('service', 'API', 'time.now', { to: 'api.time' });
    review = await editor.review();
    await review.apply();
    await review.expectApplied();
    await shot(page, 'service-import-applied');
    await review.done();

    const svc = await nats({ servers: sb.natsUrl, user: 'svc', pass: 'svc-pw' });
    svc.subscribe('time.now', { callback: (_e, m) => m.respond(sc.encode('12:00')) });
    await svc.flush();
    const app = await nats({ servers: sb.natsUrl, user: 'app', pass: 'app-pw' });
    const reply = await app.request('api.time', sc.encode(''), { timeout: 5000 });
    expect(sc.decode(reply.data)).toBe('12:00');
  });

  test('an import naming a missing export is refused at the field before sending', async ({ page, admin, loginAsAdmin }) => {
    const { revision, options } = await admin.config();
    const res = await admin.putConfig({ ...options, accounts: { ...((options.accounts as object) ?? {}), SRC: { exports: [{ stream: 'news.>' }] } } }, revision);
    expect(res.status, JSON.stringify(res.body)).toBe(200);

    await loginAsAdmin();
    const nav = new Nav(page);
    const editor = new AccountEditor(page);
    await nav.to('Accounts');
    await editor.openNew();
    await editor.setName('DST');
    const i = await editor.addImport('stream', 'SRC', 'sports.>');
    await expect(editor.importError(i)).toHaveText('account "SRC" has no stream export covering "sports.>"');
    const j = await editor.addImport('stream', 'SRC', 'news..x');
    await expect(editor.importError(j)).toContainText('empty token');
    let previews = 0;
    page.on('request', (r) => {
      if (/\/api\/(config|accounts)/.test(r.url()) && r.method() !== 'GET') previews++;
    });
    await page.getByRole('button', { name: 'Review changes' }).click();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expect(page.getByText('Some fields need attention')).toBeVisible();
    expect(previews).toBe(0);
    await shot(page, 'import-refused-at-field');
  });

  test('a stale edit shows the conflict and overwrites nothing', async ({ page, admin, loginAsAdmin }) => {
    await loginAsAdmin();
    const nav = new Nav(page);
    const editor = new AccountEditor(page);
    await nav.to('Accounts');
    await editor.openNew();
    await editor.setName('LATE');
    await editor.addUser('late', 'late-pw');

    // Someone else saves meanwhile.
    const { revision, options } = await admin.config();
    const res = await admin.putConfig({ ...options, accounts: { ...((options.accounts as object) ?? {}), EARLY: {} } }, revision);
    expect(res.status, JSON.stringify(res.body)).toBe(200);

    const review: ReviewDialog = await editor.review();
    await review.apply();
    await expect(review.conflict()).toBeVisible();
    await expect(review.conflict()).toContainText('nobody’s change was overwritten');
    await shot(page, 'conflict');
    const after = await admin.config();
    const accounts = (after.options.accounts ?? {}) as Record<string, unknown>;
    expect(Object.keys(accounts)).toContain('EARLY');
    expect(Object.keys(accounts)).not.toContain('LATE');
    // The user's input is still there.
    await page.getByRole('button', { name: 'Back to editing' }).click();
    await expect(page.getByRole('textbox', { name: 'Name', exact: true })).toHaveValue('LATE');

    // The edit stays based on the revision it started from until the latest is loaded; then it applies on top.
    const again = await editor.review();
    await again.apply();
    await expect(again.conflict()).toBeVisible();
    await again.dialog.getByRole('button', { name: 'Load the latest configuration' }).click();
    await expect(again.dialog).toBeHidden();
    await expect(page.getByRole('textbox', { name: 'Name', exact: true })).toHaveValue('LATE');
    const third = await editor.review();
    await third.apply();
    await third.expectApplied();
    const merged = Object.keys(((await admin.config()).options.accounts ?? {}) as Record<string, unknown>);
    expect(merged).toEqual(expect.arrayContaining(['EARLY', 'LATE']));
  });
});
