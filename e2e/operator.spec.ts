/*
 * The console as the operator's tool, end to end in Chromium against a real Switchboard in
 * operator mode (full resolver): the operator the server trusts is imported with its seed, an
 * account and a user are made in the forms, the user's .creds file is downloaded, a real `nats`
 * client connects with it, and one confirmed click revokes the user: the client is cut. Then the
 * pieces that spare the operator nsc: an activation token for a private export issued in the
 * exporter's panel and pasted into the importer's import (a real client receives across it, until
 * the token is revoked in the exporter's panel with one confirmed click), a
 * scoped signing key whose user gets the scope's permissions, and deleting an account on a
 * resolver with allow_delete.
 */
import { readFileSync } from 'node:fs';
import { encodeAccount, encodeOperator } from '@nats-io/jwt';
import { createAccount, createOperator } from '@nats-io/nkeys';
import { connect, credsAuthenticator, StringCodec, type NatsConnection } from 'nats';
import { test, expect } from './fixtures';
import { ADMIN_PASSWORD, VIEWER_PASSWORD, startSwitchboard } from './harness';
import { LoginPage, Nav, shot } from './pages';

const op = createOperator();
const sys = createAccount();
const opSeed = new TextDecoder().decode(op.getSeed());

async function operatorConf(allowDelete = false): Promise<string> {
  const opJwt = await encodeOperator('ACME', op, { system_account: sys.getPublicKey() });
  const limits = { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 };
  const sysJwt = await encodeAccount('SYS', sys, { limits } as never, { signer: op });
  return [
    'listen: 127.0.0.1:{{PORT}}',
    `operator: "${opJwt}"`,
    `system_account: ${sys.getPublicKey()}`,
    `resolver: { type: full, dir: "./jwt", allow_delete: ${allowDelete} }`,
    `resolver_preload: { ${sys.getPublicKey()}: "${sysJwt}" }`,
    '',
  ].join('\n');
}

test.describe('operator mode', () => {
  test('create an account and a user, download the creds, a nats client connects; revoke it in the UI and the client is cut', async ({ page, playwright }) => {
    test.setTimeout(120_000);
    const sb = await startSwitchboard({ conf: await operatorConf() });
    let nc: NatsConnection | undefined;
    try {
      await new LoginPage(page).login(sb.url, 'admin', ADMIN_PASSWORD);
      await new Nav(page).to('Operator');
      await expect(page.getByRole('heading', { name: 'Operator', exact: true })).toBeVisible();
      await expect(page.getByTestId('server-operator')).toContainText('full resolver');

      // Import the operator the server trusts (its JWT is filled in), with its seed, stored.
      const importForm = page.getByRole('form', { name: 'Import an operator' });
      await expect(importForm.getByRole('textbox', { name: 'Operator JWT' })).not.toBeEmpty();
      await importForm.getByLabel('Operator seed').fill(opSeed);
      await importForm.getByRole('button', { name: 'Import operator' }).click();
      await expect(page.getByTestId('operator-panel')).toContainText('trusted by this server');
      await expect(page.getByTestId('account-SYS')).toContainText('system account');

      // An account in the form: limits and an export; signed and pushed on $SYS.REQ.CLAIMS.UPDATE.
      await page.getByRole('button', { name: 'New account' }).click();
      const dialog = page.getByRole('dialog', { name: 'New account' });
      await dialog.getByLabel('Account name').fill('SHOP');
      await dialog.getByLabel('Max connections').fill('5');
      await dialog.getByLabel('Exports', { exact: true }).fill('service stock.check');
      await dialog.getByRole('button', { name: 'Create and push' }).click();
      await expect(page.getByTestId('new-seeds')).toContainText('shown only once');
      await expect(page.getByLabel('Seed of account SHOP')).toHaveValue(/^SA[A-Z2-7]{56}$/);
      const account = page.getByTestId('account-SHOP');
      await expect(account).toContainText('on the server');
      await expect(account).toContainText('connections 5');
      await expect(account).toContainText('exports service stock.check');
      await page.getByRole('button', { name: 'I have kept them' }).click();

      // A user: the creds file downloads.
      await page.getByRole('button', { name: 'New user in SHOP' }).click();
      const userDialog = page.getByRole('dialog', { name: 'New user in SHOP' });
      await userDialog.getByLabel('User name').fill('alice');
      await userDialog.getByLabel('Publish allow').fill('orders.>, _INBOX.>');
      await userDialog.getByLabel('Subscribe allow').fill('orders.>\n_INBOX.>');
      const [download] = await Promise.all([page.waitForEvent('download'), userDialog.getByRole('button', { name: 'Issue and download creds' }).click()]);
      expect(download.suggestedFilename()).toBe('alice.creds');
      const creds = readFileSync((await download.path())!, 'utf8');
      expect(creds).toMatch(/^-----BEGIN NATS USER JWT-----\n/);
      expect(creds).toMatch(/-----BEGIN USER NKEY SEED-----\nSU[A-Z2-7]{56}\n/);
      await expect(account.getByTestId('user-alice')).toContainText('active');
      await expect(account).toContainText('alice.creds downloaded');

      // A real client connects with the downloaded creds, and its permissions are the JWT's.
      nc = await connect({ servers: sb.natsUrl, authenticator: credsAuthenticator(new TextEncoder().encode(creds)), reconnect: false });
      const sc = StringCodec();
      const sub = nc.subscribe('orders.new', { max: 1 });
      await nc.flush();
      nc.publish('orders.new', sc.encode('lamp'));
      for await (const m of sub) expect(sc.decode(m.data)).toBe('lamp');

      await page.setViewportSize({ width: 1280, height: 800 });
      await shot(page, 'operator-1280');
      await page.setViewportSize({ width: 600, height: 800 });
      await shot(page, 'operator-600');
      expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
      await page.setViewportSize({ width: 1280, height: 800 });

      // Revoke with one confirmed click: the client is cut.
      const closed = nc.closed();
      await account.getByRole('button', { name: 'Revoke alice' }).click();
      const confirm = page.getByRole('dialog', { name: 'Revoke alice?' });
      await shot(page, 'operator-revoke-dialog');
      await confirm.getByRole('button', { name: 'Revoke alice' }).click();
      await expect(account.getByTestId('user-alice')).toContainText('revoked');
      const err = await Promise.race([closed, new Promise<string>((r) => setTimeout(() => r('still connected'), 15_000))]);
      expect(String(err)).toMatch(/revoked/i);
      await expect(connect({ servers: sb.natsUrl, authenticator: credsAuthenticator(new TextEncoder().encode(creds)), reconnect: false })).rejects.toThrow(/Authorization Violation/i);

      // The audit log has every step, and no seed.
      const api = await playwright.request.newContext({ baseURL: sb.url, extraHTTPHeaders: { 'x-switchboard-csrf': '1' } });
      await api.post('/api/login', { data: { user: 'admin', password: ADMIN_PASSWORD } });
      const audit = await (await api.get('/api/audit?action=operator.*')).text();
      await api.dispose();
      for (const a of ['operator.import', 'operator.account.create', 'operator.user.issue', 'operator.user.revoke']) expect(audit).toContain(`"${a}"`);
      expect(audit).not.toMatch(/S[OAU][A-Z2-7]{56}/);

      // A viewer sees the same state read-only, and no seed.
      const viewerContext = await page.context().browser()!.newContext();
      const viewer = await viewerContext.newPage();
      await new LoginPage(viewer).login(sb.url, 'viewer', VIEWER_PASSWORD);
      await viewer.goto(sb.url + '/operator');
      await expect(viewer.getByTestId('account-SHOP').getByTestId('user-alice')).toContainText('revoked');
      await expect(viewer.getByRole('button', { name: 'New account' })).toBeDisabled();
      await expect(viewer.getByRole('button', { name: 'New user in SHOP' })).toBeDisabled();
      await expect(viewer.getByTestId('read-only-notice')).toContainText('viewer');
      expect(await viewer.content()).not.toMatch(/S[OAU][A-Z2-7]{56}/);
      await viewerContext.close();
    } finally {
      if (nc && !nc.isClosed()) await nc.close();
      await sb.stop();
    }
  });

  test('activation token for a private export, imported in the form: a client receives across it; a scoped signing key issues a user with the scope\'s permissions; delete an account', async ({ page }) => {
    test.setTimeout(180_000);
    const sb = await startSwitchboard({ conf: await operatorConf(true) });
    const conns: NatsConnection[] = [];
    const sc = StringCodec();
    const open = async (creds: string) => {
      const nc = await connect({ servers: sb.natsUrl, authenticator: credsAuthenticator(new TextEncoder().encode(creds)), reconnect: false });
      conns.push(nc);
      return nc;
    };
    const issue = async (account: string, name: string, fill?: (d: import('@playwright/test').Locator) => Promise<void>) => {
      await page.getByRole('button', { name: `New user in ${account}` }).click();
      const d = page.getByRole('dialog', { name: `New user in ${account}` });
      await d.getByLabel('User name').fill(name);
      if (fill) await fill(d);
      const [download] = await Promise.all([page.waitForEvent('download'), d.getByRole('button', { name: 'Issue and download creds' }).click()]);
      await expect(page.getByTestId(`account-${account}`).getByTestId(`user-${name}`)).toBeVisible();
      return readFileSync((await download.path())!, 'utf8');
    };
    const newAccount = async (name: string, exportsText?: string) => {
      await page.getByRole('button', { name: 'New account' }).click();
      const d = page.getByRole('dialog', { name: 'New account' });
      await d.getByLabel('Account name').fill(name);
      if (exportsText) await d.getByLabel('Exports', { exact: true }).fill(exportsText);
      await d.getByRole('button', { name: 'Create and push' }).click();
      await expect(page.getByTestId(`account-${name}`)).toContainText('on the server');
      await page.getByRole('button', { name: 'I have kept them' }).click();
    };
    try {
      await new LoginPage(page).login(sb.url, 'admin', ADMIN_PASSWORD);
      await page.goto(sb.url + '/operator');
      const importForm = page.getByRole('form', { name: 'Import an operator' });
      await importForm.getByLabel('Operator seed').fill(opSeed);
      await importForm.getByRole('button', { name: 'Import operator' }).click();
      await expect(page.getByTestId('operator-panel')).toContainText('trusted by this server');

      await newAccount('EXP', 'stream private.> token');
      await newAccount('IMP');
      const exp = page.getByTestId('account-EXP');
      const imp = page.getByTestId('account-IMP');
      await expect(exp).toContainText('private: token required');
      const impKey = (await imp.locator('code').first().getAttribute('title'))!;

      // The exporter issues a token for IMP.
      await exp.getByRole('button', { name: 'Activation token for private.>' }).click();
      const act = page.getByRole('dialog', { name: 'Activation token for private.>' });
      await act.getByLabel('Importing account', { exact: true }).selectOption(impKey);
      await act.getByLabel('Token expires after (days)').fill('30');
      await shot(page, 'operator-activation-dialog');
      await act.getByRole('button', { name: 'Issue token' }).click();
      const tokenBox = act.getByLabel('Issued activation token');
      await expect(tokenBox).toHaveValue(/^eyJ/);
      const token = await tokenBox.inputValue();
      await act.getByRole('button', { name: 'Done' }).click();

      // The importer pastes it: the import's type, account and subject come from the token.
      await imp.getByRole('button', { name: 'Edit' }).click();
      const edit = page.getByRole('dialog', { name: 'Edit account IMP' });
      await edit.getByRole('button', { name: 'Add import' }).click();
      await edit.getByLabel('Activation token').fill(token);
      await expect(edit.getByLabel('Import subject')).toHaveValue('private.>');
      await expect(edit.getByLabel('Import type')).toHaveValue('stream');
      await shot(page, 'operator-import-token');
      await edit.getByRole('button', { name: 'Sign and push' }).click();
      await expect(imp).toContainText('imports stream private.> from EXP (with activation token)');

      // Real clients: published in EXP, received in IMP across the import.
      const publisher = await open(await issue('EXP', 'pub'));
      const subscriber = await open(await issue('IMP', 'sub'));
      const sub = subscriber.subscribe('private.>', { max: 1 });
      await subscriber.flush();
      const pump = setInterval(() => publisher.publish('private.news', sc.encode('across')), 250);
      try {
        for await (const m of sub) expect(`${m.subject} ${sc.decode(m.data)}`).toBe('private.news across');
      } finally {
        clearInterval(pump);
      }

      // The issued token is listed by the export; one confirmed click revokes it and the import stops.
      const issued = exp.getByTestId('activation-IMP');
      await expect(issued).toContainText('active');
      await issued.getByRole('button', { name: 'Revoke activation of IMP for private.>' }).click();
      await page.getByRole('dialog', { name: 'Revoke activation tokens?' }).getByRole('button', { name: 'Revoke, sign and push' }).click();
      await expect(issued).toContainText('revoked');
      await expect(exp.getByTestId('export-revocation-IMP')).toContainText('issued until');
      // A probe: a private message, then a marker IMP sends itself (queued to it after anything EXP's flushed publish delivered).
      const got = new Set<string>();
      const marks = new Set<string>();
      subscriber.subscribe('private.>', { callback: (_e, m) => got.add(sc.decode(m.data)) });
      subscriber.subscribe('mark', { callback: (_e, m) => marks.add(sc.decode(m.data)) });
      await subscriber.flush();
      let n = 0;
      const delivers = async () => {
        const id = String(++n);
        publisher.publish('private.news', sc.encode(id));
        await publisher.flush();
        subscriber.publish('mark', sc.encode(id));
        await expect.poll(() => marks.has(id)).toBe(true);
        return got.has(id);
      };
      await expect.poll(delivers, { timeout: 15_000 }).toBe(false);
      await shot(page, 'operator-activation-revoked');

      // A scoped signing key for IMP, role ops: its users may publish on ops.<their name>.> only.
      await imp.getByRole('button', { name: 'New signing key for IMP' }).click();
      const skd = page.getByRole('dialog', { name: 'New signing key for IMP' });
      await skd.getByLabel('Role name').fill('ops');
      await skd.getByLabel('Scope Publish allow').fill('ops.{{name()}}.>');
      await skd.getByLabel('Scope Subscribe allow').fill('ops.>');
      await shot(page, 'operator-scoped-key-dialog');
      await skd.getByRole('button', { name: 'Add key, sign and push' }).click();
      await expect(imp.getByTestId('signing-key-ops')).toContainText('pub ops.{{name()}}.>');
      await expect(page.getByTestId('new-signing-key-seed').getByLabel('New signing key seed')).toHaveValue(/^SA[A-Z2-7]{56}$/);
      const bobCreds = await issue('IMP', 'bob', async (d) => {
        const value = await d.getByLabel('Signed by').locator('option', { hasText: 'role ops' }).getAttribute('value');
        await d.getByLabel('Signed by').selectOption(value!);
        await expect(d.getByTestId('scope-notice')).toContainText('role ops');
        await expect(d.getByLabel('Publish allow')).toHaveCount(0);
      });
      await expect(imp.getByTestId('user-bob')).toContainText('scope ops');
      const bob = await open(bobCreds);
      const seen = subscriber.subscribe('>', { max: 1 });
      await subscriber.flush();
      bob.publish('forbidden.x', sc.encode('no'));
      bob.publish('ops.bob.ok', sc.encode('yes'));
      await bob.flush();
      for await (const m of seen) expect(m.subject).toBe('ops.bob.ok');

      await page.setViewportSize({ width: 1280, height: 900 });
      await shot(page, 'operator-keys-1280');

      // Delete EXP (the resolver allows it): typed confirmation; its client is cut.
      const cut = publisher.closed();
      await exp.getByRole('button', { name: 'Delete account EXP' }).click();
      const del = page.getByRole('dialog', { name: 'Delete account EXP' });
      await expect(del).toContainText('allows deleting');
      await del.getByLabel('Type EXP to confirm').fill('EXP');
      await del.getByRole('button', { name: 'Delete account' }).click();
      await expect(page.getByTestId('account-EXP')).toHaveCount(0);
      const r = await Promise.race([cut.then(() => 'closed'), new Promise<string>((res) => setTimeout(() => res('still connected'), 15_000))]);
      expect(r).toBe('closed');
    } finally {
      for (const nc of conns) if (!nc.isClosed()) await nc.close();
      await sb.stop();
    }
  });

  test('a server not in operator mode says so; the console makes an operator, its system account and a config to save', async ({ page, sb, loginAsAdmin }) => {
    await loginAsAdmin();
    await page.goto(sb.url + '/operator');
    await expect(page.getByTestId('not-operator-mode')).toContainText('examples/operator/operator.conf');
    await shot(page, 'operator-not-operator-mode');
    const form = page.getByRole('form', { name: 'Create an operator' });
    await form.getByLabel('Operator name').fill('NEWOP');
    await form.getByLabel('Resolver').selectOption('full');
    await form.getByRole('button', { name: 'Create operator' }).click();
    const seeds = page.getByTestId('new-seeds');
    await expect(seeds).toContainText('shown only once');
    for (const kind of ['operator', 'operator signing key', 'system account']) await expect(seeds.getByLabel(`Seed of ${kind} ${kind === 'system account' ? 'SYS' : 'NEWOP'}`, { exact: true })).toHaveValue(/^S[OA][A-Z2-7]{56}$/);
    await expect(page.getByTestId('operator-config')).toContainText('resolver: {');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download operator.conf' }).click()]);
    const conf = readFileSync((await download.path())!, 'utf8');
    expect(conf).toMatch(/^operator: "eyJ/m);
    expect(conf).toMatch(/^system_account: A[A-Z2-7]{55}$/m);
    expect(conf).not.toMatch(/S[OAU][A-Z2-7]{56}/);
    await shot(page, 'operator-created');
    await page.getByRole('button', { name: 'I have kept them' }).click();
    await expect(page.getByTestId('new-seeds')).toHaveCount(0);
    await expect(page.getByTestId('operator-panel')).toContainText('not trusted by this server');
  });
});
