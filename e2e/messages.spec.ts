/*
 * The Messages page against real nats clients: a message published from the UI reaches a client
 * of the chosen account with its headers and payload; a request from the UI is answered by a
 * client's responder and shows the reply and its latency (and "no responders" when nobody
 * serves the subject); a wildcard tail shows what a client publishes, says how many it dropped
 * over its rate, and its subscription goes when the page is left; the subject explorer lists a
 * client's subscription with its queue group. A viewer sees every tool read-only with the reason.
 * Screenshots at 1280×800 and 600 px land in test-results/screenshots/messages-*.png.
 */
import { headers as natsHeaders, StringCodec } from 'nats';
import type { Page } from '@playwright/test';
import { test, expect, eventually } from './fixtures';
import { VIEWER_PASSWORD } from './harness';
import { controls, horizontalOverflow, LoginPage, Nav, shot } from './pages';

const sc = StringCodec();
const APP = 'accounts { APP { users [{user: app, password: app}] }, OTHER { users [{user: other, password: other}] } }\n';

test.use({ sbOptions: { conf: APP } });

const tool = (page: Page, name: string) => page.getByRole('tab', { name: new RegExp(`^${name}`) }).click();

test('publish from the UI is received by a real client of the chosen account, headers and JSON payload included', async ({ page, sb, nats, loginAsAdmin, admin }) => {
  const nc = await nats({ servers: sb.natsUrl, user: 'app', pass: 'app' });
  const got: { subject: string; data: string; trace?: string }[] = [];
  nc.subscribe('orders.>', { callback: (_e, m) => got.push({ subject: m.subject, data: sc.decode(m.data), trace: m.headers?.get('Trace-Id') }) });
  await nc.flush();
  const other = await nats({ servers: sb.natsUrl, user: 'other', pass: 'other' });
  let leaked = 0;
  other.subscribe('orders.>', { callback: () => void leaked++ });
  await other.flush();

  await loginAsAdmin();
  await new Nav(page).to('Messages');
  await expect(page.getByRole('heading', { name: 'Messages', exact: true })).toBeVisible();
  const form = page.getByRole('form', { name: 'Publish a message' });
  await form.getByLabel('Account').selectOption('APP');
  await form.getByLabel('Subject', { exact: true }).fill('orders.new');
  await form.getByRole('button', { name: 'Add header' }).click();
  await form.getByLabel('Header 1 name').fill('Trace-Id');
  await form.getByLabel('Header 1 value').fill('e2e-1');
  await form.getByRole('button', { name: 'JSON', exact: true }).click();
  // Invalid JSON is caught at the field, before anything is sent.
  await form.getByLabel('Payload', { exact: true }).fill('{"id": ');
  await expect(form.getByText(/not valid JSON/)).toBeVisible();
  await form.getByLabel('Payload', { exact: true }).fill('{"id": 42}');
  await form.getByRole('button', { name: 'Publish', exact: true }).click();
  await expect(page.getByTestId('publish-result')).toContainText('delivered to at least one subscriber');
  await eventually(() => got.length === 1, 10_000, 'the message at the client');
  expect(got[0]).toEqual({ subject: 'orders.new', data: '{"id": 42}', trace: 'e2e-1' });
  await other.flush();
  expect(leaked).toBe(0);

  // Nothing subscribed: said plainly.
  await form.getByLabel('Subject', { exact: true }).fill('nobody.here');
  await form.getByRole('button', { name: 'Publish', exact: true }).click();
  await expect(page.getByTestId('publish-result')).toContainText('no subscriber received it');

  const audit = (await (await admin.api.get('/api/audit?action=messages.publish')).json()) as { entries: { target: string; outcome: string }[] };
  expect(audit.entries.map((e) => e.target)).toEqual(['APP nobody.here', 'APP orders.new']);
  await page.setViewportSize({ width: 1280, height: 800 });
  await shot(page, 'messages-publish-wide');
});

test('a request from the UI is answered by a real responder: reply, headers and latency; no responders shown plainly', async ({ page, sb, nats, loginAsAdmin }) => {
  const nc = await nats({ servers: sb.natsUrl, user: 'app', pass: 'app' });
  nc.subscribe('svc.time', {
    callback: (_e, m) => {
      const h = natsHeaders();
      h.set('Served-By', 'e2e-responder');
      m.respond(sc.encode(JSON.stringify({ asked: sc.decode(m.data), ok: true })), { headers: h });
    },
  });
  await nc.flush();
  await loginAsAdmin();
  await page.goto(sb.url + '/messages?tool=request&account=APP');
  const form = page.getByRole('form', { name: 'Send a request' });
  await expect(form.getByLabel('Account')).toHaveValue('APP');
  await form.getByLabel('Subject', { exact: true }).fill('svc.time');
  await form.getByLabel('Payload', { exact: true }).fill('now?');
  await form.getByRole('button', { name: 'Send request' }).click();
  const result = page.getByTestId('request-result');
  await expect(result.getByText('reply', { exact: true })).toBeVisible();
  await expect(page.getByTestId('request-latency')).toHaveText(/^\d+(\.\d)? (ms|µs)$/);
  await expect(page.getByTestId('received-payload')).toContainText('"asked": "now?"');
  await expect(page.getByTestId('received-headers')).toContainText('Served-By: e2e-responder');
  await shot(page, 'messages-request-wide');
  await page.setViewportSize({ width: 600, height: 800 });
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
  await shot(page, 'messages-request-narrow');

  await form.getByLabel('Subject', { exact: true }).fill('svc.nobody');
  await form.getByRole('button', { name: 'Send request' }).click();
  await expect(page.getByTestId('request-no-responders')).toContainText('No responders');
  await expect(page.getByTestId('request-no-responders')).toContainText('svc.nobody');
});

test('tail with a wildcard shows what a real client publishes, counts what it drops over its rate, and ends when the page is left', async ({ page, sb, nats, loginAsAdmin, admin }) => {
  await loginAsAdmin();
  await page.goto(sb.url + '/messages?tool=tail&account=APP');
  const form = page.getByRole('form', { name: 'Tail a subject' });
  await form.getByLabel('Subject').fill('sensors.*.temp');
  await form.getByLabel('Max msgs/s to the browser').fill('5');
  await form.getByRole('button', { name: 'Start tail' }).click();
  await expect(page.getByTestId('tail-status')).toContainText('Tailing sensors.*.temp in APP');

  const nc = await nats({ servers: sb.natsUrl, user: 'app', pass: 'app' });
  nc.publish('sensors.kitchen.temp', sc.encode('{"c": 21.5}'));
  nc.publish('sensors.kitchen.humidity', sc.encode('not tailed'));
  nc.publish('sensors.garage.temp', sc.encode('7'));
  await nc.flush();
  const items = page.getByTestId('tail-message');
  await expect(items).toHaveCount(2);
  // Newest first.
  await expect(items.nth(0)).toContainText('sensors.garage.temp');
  await expect(items.nth(1)).toContainText('sensors.kitchen.temp');
  await expect(items.nth(1)).toContainText('"c": 21.5');
  await expect(page.getByTestId('tail-messages')).not.toContainText('not tailed');

  // Over the rate: the browser gets at most 5 a second, and is told how many were dropped.
  for (let i = 0; i < 200; i++) nc.publish(`sensors.s${i}.temp`, sc.encode(String(i)));
  await nc.flush();
  await expect(page.getByTestId('tail-counts')).toContainText('202 matched');
  const dropped = Number((await page.getByTestId('tail-dropped').textContent())?.replace(/\D/g, ''));
  expect(dropped).toBeGreaterThan(100);
  await shot(page, 'messages-tail-wide');
  await page.setViewportSize({ width: 600, height: 800 });
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
  await shot(page, 'messages-tail-narrow');

  // Leaving the page ends the tail: its subscription is gone from the account.
  await new Nav(page).to('Overview');
  await eventually(
    async () => {
      const r = (await (await admin.api.get('/api/audit?action=messages.tail.end')).json()) as { entries: { detail: string }[] };
      return r.entries.length === 1 && /202 matched/.test(r.entries[0].detail);
    },
    10_000,
    'the tail to end',
  );
  const subsz = (await (await fetch(`${sb.url}/subsz?subs=1&acc=APP`)).json()) as { subscriptions_list?: { subject: string }[] };
  expect((subsz.subscriptions_list ?? []).map((s) => s.subject)).not.toContain('sensors.*.temp');
});

test('the subject explorer lists a real client subscription with its queue group, searchable, with account rates', async ({ page, sb, nats, loginAsAdmin }) => {
  const w1 = await nats({ servers: sb.natsUrl, user: 'app', pass: 'app', name: 'worker-1' });
  const w2 = await nats({ servers: sb.natsUrl, user: 'app', pass: 'app', name: 'worker-2' });
  w1.subscribe('jobs.*', { queue: 'workers', callback: () => undefined });
  w2.subscribe('jobs.*', { queue: 'workers', callback: () => undefined });
  w1.subscribe('jobs.audit', { callback: () => undefined });
  await Promise.all([w1.flush(), w2.flush()]);
  await loginAsAdmin();
  await page.goto(sb.url + '/messages?tool=subjects');
  const subjects = page.getByRole('table', { name: 'Subjects' });
  const row = subjects.getByRole('row').filter({ has: page.getByRole('cell', { name: 'jobs.*', exact: true }) });
  await expect(row).toContainText('APP');
  await expect(row).toContainText('workers ×2');
  // Search by a subject a publish would use: the wildcard subscription it reaches is found too.
  await page.getByRole('searchbox', { name: 'Search subjects' }).fill('jobs.audit');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(subjects.getByRole('row')).toHaveCount(3);
  await expect(subjects).toContainText('jobs.audit');
  // Traffic shows as a rate on the account's row (Msgs in: what its clients publish), and as
  // messages delivered to the queue group.
  const accounts = page.getByRole('table', { name: 'Accounts' });
  const msgsIn = accounts.getByRole('row').filter({ has: page.getByRole('cell', { name: 'APP', exact: true }) }).getByRole('cell').nth(3);
  await eventually(
    async () => {
      for (let i = 0; i < 50; i++) w1.publish('jobs.x', sc.encode('j'));
      await w1.flush();
      return /^[1-9][\d.]*K?\/s$/.test((await msgsIn.textContent()) ?? '');
    },
    15_000,
    'a message rate on the APP row',
  );
  await expect(row.getByRole('cell').nth(5)).not.toHaveText('0');
  await shot(page, 'messages-subjects-wide');
  await page.setViewportSize({ width: 600, height: 800 });
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
  await shot(page, 'messages-subjects-narrow');
});

test('a viewer sees every message tool read-only with the reason, and the explorer working', async ({ page, sb, nats }) => {
  const nc = await nats({ servers: sb.natsUrl, user: 'app', pass: 'app' });
  nc.subscribe('seen.by.viewer', { callback: () => undefined });
  await nc.flush();
  await new LoginPage(page).login(sb.url, 'viewer', VIEWER_PASSWORD);
  await new Nav(page).to('Messages');
  await expect(page.getByTestId('read-only-notice')).toContainText('viewer');
  const tabs = /^button "(Publish|Request|Tail|Subjects)( ●)?"$/;
  for (const name of ['Publish', 'Request', 'Tail']) {
    await tool(page, name);
    const { enabled, disabled } = await controls(page);
    expect(enabled.map((c) => c.what).filter((w) => !tabs.test(w) && !/^button "Clear"$/.test(w)), `enabled controls on ${name}`).toEqual([]);
    expect(disabled.filter((c) => !/viewer/.test(c.reason ?? '') && !/^button "Clear"$/.test(c.what)).map((c) => c.what), `disabled without the reason on ${name}`).toEqual([]);
    expect(disabled.length).toBeGreaterThan(2);
  }
  await tool(page, 'Publish');
  await shot(page, 'messages-viewer-publish');
  await tool(page, 'Subjects');
  await expect(page.getByRole('table', { name: 'Subjects' })).toContainText('seen.by.viewer');
  // No Tail link for a viewer.
  await expect(page.getByRole('button', { name: /^Tail seen.by.viewer/ })).toHaveCount(0);
  await page.setViewportSize({ width: 600, height: 800 });
  await tool(page, 'Publish');
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
  await shot(page, 'messages-viewer-publish-narrow');
});
