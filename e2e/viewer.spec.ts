import { test, expect } from './fixtures';
import { VIEWER_PASSWORD } from './harness';
import { controls, LoginPage, Nav, openAllDetails, shot } from './pages';
import { PAGES, SEEDED_CONF, seedHistory } from './seed';

test.use({ sbOptions: { conf: SEEDED_CONF } });

const VIEWER_REASON = /Read-only: you are signed in as a viewer/;

/*
 * What a viewer may still use on each page: looking around (filters, sorting, paging, chart
 * window, comparing revisions, the live feed's pause). Anything else enabled is a write control
 * a viewer should not be offered.
 */
const READ_ONLY: Record<string, RegExp[]> = {
  '/': [/^button "(5 min|1 hour|24 hours)"$/],
  '/accounts': [/^input\[text\] "Filter accounts"$/, /^button "(Account|Connections|Subscriptions|Users)( [▲▼])?"$/],
  '/accounts/SHIP': [/^button "Back to accounts"$/],
  '/map': [],
  '/gateways': [],
  '/connections': [/^select "(open|State)/, /^input\[text\] "(Account|User) filter"$/, /^select "Sort by"$/, /^button "(CID|Uptime|Idle|Subs|Pending|Msgs in|Msgs out|Bytes in|Bytes out)( [▲▼])?"$/],
  '/messages': [/^button "(Publish|Request|Tail|Subjects)"$/],
  '/config': [],
  '/history': [/^input\[radio\] "Compare (from|to) \d+"$/],
  '/ops': [/^button "(Pause|Resume)"$/],
  '/users': [/^input\[text\] "Filter users"$/, /^button "(User|Role|Created)( [▲▼])?"$/],
  '/audit': [/^input\[text\] "(Search the audit log|Filter by user|Filter by action)"$/, /^select "Filter by outcome"$/, /^button "(When|User|Action|Target|Outcome|Revision)( [▲▼])?"$/],
};

/** Disabled for reasons other than the role (nothing to page through, nothing to clear). */
const DISABLED_FOR_OTHER_REASONS = [/^button "(← Previous|Next →|Clear)"$/, /^input\[text\] "Subject filter"$/];

test('a viewer walks every page and is offered no enabled write control; each disabled one says why', async ({ page, sb, admin }) => {
  test.setTimeout(120_000);
  await seedHistory(admin);
  await new LoginPage(page).login(sb.url, 'viewer', VIEWER_PASSWORD);
  for (const p of PAGES) {
    await page.goto(sb.url + p.path);
    await expect(page.getByRole('heading', { name: p.heading, exact: true })).toBeVisible();
    await expect(page.locator('main .loading')).toHaveCount(0);
    await openAllDetails(page);
    const { enabled, disabled } = await controls(page);
    const allowed = READ_ONLY[p.path] ?? [];
    expect(
      enabled.map((c) => c.what).filter((w) => !allowed.some((re) => re.test(w))),
      `enabled write controls on ${p.path}`,
    ).toEqual([]);
    const unexplained = disabled.filter((c) => !c.reason && !DISABLED_FOR_OTHER_REASONS.some((re) => re.test(c.what)));
    expect(unexplained.map((c) => c.what), `disabled controls without a reason on ${p.path}`).toEqual([]);
    if (p.path === '/accounts/SHIP') {
      // The form is all there, readable and disabled: fields, add/remove, generate, review.
      expect(disabled.length).toBeGreaterThan(20);
      for (const name of ['Add user', 'Add export', 'Add import', 'Review changes']) await expect(page.getByRole('button', { name, exact: true })).toBeDisabled();
      await expect(page.getByLabel('User 1 name')).toHaveValue('sue');
      await expect(page.getByLabel('User 1 name')).toBeDisabled();
      await expect(page.getByRole('button', { name: 'Remove user 1' })).toBeDisabled();
      await expect(page.getByRole('button', { name: 'Generate an nkey pair for user 2' })).toBeDisabled();
      await shot(page, 'viewer-account-editor');
    }
    if (['/accounts', '/accounts/SHIP', '/gateways', '/history', '/ops', '/users'].includes(p.path)) {
      await expect(page.getByTestId('read-only-notice'), p.path).toContainText('viewer');
      expect(disabled.some((c) => VIEWER_REASON.test(c.reason ?? '')), `a control on ${p.path} names the viewer role`).toBe(true);
    }
  }
  await page.goto(sb.url + '/gateways');
  await expect(page.getByRole('checkbox', { name: 'this server accepts and makes gateway connections' })).toBeDisabled();
  await expect(page.getByLabel('Remote gateway 1 name')).toBeDisabled();
  await shot(page, 'viewer-gateways');
  await page.goto(sb.url + '/history');
  await expect(page.getByRole('button', { name: /^Roll back to/ }).first()).toBeDisabled();
  await page.goto(sb.url + '/config');
  await expect(page.getByTestId('config-file-hidden')).toContainText('admins only');
  await expect(page.getByRole('button', { name: /^Download/ })).toBeDisabled();
});

test('a viewer sees everything but cannot write: buttons disabled with the reason, API refuses', async ({ page, sb, playwright }) => {
  await new LoginPage(page).login(sb.url, 'viewer', VIEWER_PASSWORD);
  const nav = new Nav(page);
  await nav.to('Accounts');
  const create = page.getByRole('button', { name: 'New account' });
  await expect(create).toBeDisabled();
  await expect(page.getByTestId('read-only-notice')).toContainText('viewer');
  await expect(page.locator('span[title*="viewer"]').first()).toBeVisible();
  await shot(page, 'viewer-accounts');
  await nav.to('Operations');
  await expect(page.getByRole('button', { name: 'Reload from disk' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Enter lame duck mode…' })).toBeDisabled();
  await nav.to('Overview');
  await expect(page.getByTestId('verdict')).toBeVisible();

  const api = await playwright.request.newContext({ baseURL: sb.url, extraHTTPHeaders: { 'x-switchboard-csrf': '1' } });
  expect((await api.post('/api/login', { data: { user: 'viewer', password: VIEWER_PASSWORD } })).status()).toBe(200);
  const cfg = (await (await api.get('/api/config')).json()) as { revision: string; options: Record<string, unknown> };
  const put = await api.put('/api/config', { data: { options: { ...cfg.options, accounts: { X: {} } } }, headers: { 'if-match': `"${cfg.revision}"` } });
  expect(put.status()).toBe(403);
  expect(((await put.json()) as { code: string }).code).toBe('FORBIDDEN');
  await api.dispose();
});
