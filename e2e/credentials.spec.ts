/*
 * The user form makes credentials in the browser, as `switchboard passwd` and `nk -gen user` do:
 * passwords are stored as bcrypt hashes unless plain text is chosen, and a generated nkey keeps
 * only its public key in the config while the seed is shown once. Real clients then sign in.
 */
import { nkeyAuthenticator } from 'nats';
import { test, expect } from './fixtures';
import { AccountEditor, Nav, shot } from './pages';

test('passwords are hashed in the browser by default, nkeys are generated there, and real clients sign in with them', async ({ page, context, sb, admin, nats, loginAsAdmin }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await loginAsAdmin();
  const nav = new Nav(page);
  const editor = new AccountEditor(page);
  await nav.to('Accounts');
  await editor.openNew();
  await editor.setName('CREDS');

  const hashed = await editor.addUser('hashed', 'hashed-pw-1');
  await expect(editor.storage(hashed)).toHaveValue('bcrypt');
  await expect(editor.storageHint(hashed)).toContainText('Hashed in your browser (bcrypt, cost 11)');
  const plain = await editor.addUser('plain', 'plain-pw-1', { plain: true });
  await expect(editor.storageHint(plain)).toContainText('Plain text: anyone who can read the config file');

  const keyed = await editor.addNkeyUser();
  const seed = await editor.seedValue(keyed);
  const publicKey = await editor.publicKey(keyed);
  expect(seed).toMatch(/^SU[A-Z2-7]{56}$/);
  expect(publicKey).toMatch(/^U[A-Z2-7]{55}$/);
  await expect(editor.seed(keyed)).toContainText('shown only once');
  await page.getByRole('button', { name: 'Copy seed' }).click();
  await expect(editor.seed(keyed)).toContainText('Copied to the clipboard');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(seed);
  await shot(page, 'user-form-credentials');

  // The review shows each user field by field: the hash by kind, never a secret.
  const review = await editor.review();
  await review.expectChanges();
  const lines = (await review.lines('accounts.CREDS')).join('\n');
  expect(lines).toMatch(/\+ {3}- user: "hashed"\n\+ {5}password: •••• bcrypt hash #[0-9a-f]{6}/);
  expect(lines).toMatch(/password: •••• plain text #[0-9a-f]{6}/);
  expect(lines).toContain(`nkey: "${publicKey}"`);
  for (const secret of ['hashed-pw-1', 'plain-pw-1', seed]) expect(lines).not.toContain(secret);
  await shot(page, 'user-form-review');
  await review.apply();
  await review.expectApplied();
  await review.done();

  // Only the hash, the plain password chosen as such and the public key are stored.
  const users = ((await admin.config()).options.accounts as Record<string, { users: { user?: string; password?: string; nkey?: string }[] }>).CREDS!.users;
  expect(users[0]!.password).toMatch(/^\$2a\$11\$.{53}$/);
  expect(users[1]!.password).toBe('plain-pw-1');
  expect(users[2]).toEqual({ nkey: publicKey });
  const file = sb.readConf();
  expect(file).not.toContain('hashed-pw-1');
  expect(file).not.toContain(seed);
  expect(file).toContain(publicKey);

  // The seed is gone from the page once saved.
  await expect(page.getByTestId(`user-${keyed}-seed`)).toHaveCount(0);

  // Real clients authenticate: password against the bcrypt hash, the nkey with its seed.
  const a = await nats({ servers: sb.natsUrl, user: 'hashed', pass: 'hashed-pw-1' });
  const b = await nats({ servers: sb.natsUrl, user: 'plain', pass: 'plain-pw-1' });
  const c = await nats({ servers: sb.natsUrl, authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)) });
  for (const nc of [a, b, c]) await nc.flush();
  await expect(nats({ servers: sb.natsUrl, user: 'hashed', pass: 'wrong', maxReconnectAttempts: 0, reconnect: false })).rejects.toThrow(/Authorization/i);
});

test('the review of an edit shows the changed field on its own line', async ({ page, admin, loginAsAdmin }) => {
  const { revision, options } = await admin.config();
  const res = await admin.putConfig({ ...options, accounts: { SRC: { users: [{ user: 'u1', password: 'p1' }], exports: [{ stream: 'news.>' }, { service: 'svc.a' }] } } }, revision);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  await loginAsAdmin();
  await new Nav(page).to('Accounts');
  const editor = new AccountEditor(page);
  await editor.open('SRC');
  await page.getByLabel('Export 2 subject').fill('svc.b');
  const review = await editor.review();
  await review.expectChanges();
  const lines = await review.lines('accounts.SRC');
  const changed = lines.filter((l) => /^[+-]/.test(l));
  expect(changed).toEqual(['-   - service: "svc.a"', '+   - service: "svc.b"']);
  expect(lines).toContain('    - stream: "news.>"');
  await shot(page, 'review-field-diff');
});
