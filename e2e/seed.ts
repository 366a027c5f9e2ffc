/*
 * A console with something on every page: accounts with users (password, bcrypt hash and nkey),
 * exports and imports (sue's hash is `switchboard passwd --pass sue-pw`), a gateway block with a remote, and (after `seedHistory`) two revisions.
 * Used by the specs that walk every page (viewer, layout).
 */
import { nkeys } from 'nats';
import type { Admin } from './fixtures';

const USER_NKEY = nkeys.createUser().getPublicKey();

export const SEEDED_CONF = `server_name: seeded
gateway {
  name: east
  host: 127.0.0.1
  port: {{FREE_PORT_GW}}
  gateways: [ { name: west, urls: ["nats://127.0.0.1:{{FREE_PORT_WEST}}"] } ]
}
accounts {
  SALES {
    users: [ { user: sam, password: "sam-pw", permissions: { publish: { allow: ["orders.>"] }, subscribe: { deny: [">"] } } } ]
    exports: [ { stream: "orders.>" }, { service: "sales.quote", accounts: [SHIP] } ]
  }
  SHIP {
    users: [
      { user: sue, password: "$2a$11$rieYY/3z2Eb5tvyQGTfBNOXBNU4hSvwFhVlaBAyDFiyjBQBQDUwL." }
      { nkey: ${USER_NKEY} }
    ]
    imports: [
      { stream: { account: SALES, subject: "orders.>" }, prefix: sales }
      { service: { account: SALES, subject: "sales.quote" }, to: quote }
    ]
  }
}
`;

/** A second revision (a new account), so that History has something to compare and roll back. */
export async function seedHistory(admin: Admin): Promise<string> {
  const { revision, options } = await admin.config();
  const res = await admin.putConfig({ ...options, accounts: { ...((options.accounts as object) ?? {}), AUDIT: { users: [{ user: 'aud', password: 'aud-pw' }] } } }, revision);
  if (res.status !== 200) throw new Error(`seeding a revision failed: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { revision: string }).revision;
}

/** Every page of the console: its path, its nav label and the heading that says it is shown. */
export const PAGES = [
  { path: '/', nav: 'Overview', heading: 'Overview' },
  { path: '/accounts', nav: 'Accounts', heading: 'Accounts' },
  { path: '/accounts/SHIP', nav: undefined, heading: 'Account SHIP' },
  { path: '/map', nav: 'Import/export map', heading: 'Import/export map' },
  { path: '/gateways', nav: 'Gateways & routes', heading: 'Gateways & routes' },
  { path: '/connections', nav: 'Connections', heading: 'Connections' },
  { path: '/messages', nav: 'Messages', heading: 'Messages' },
  { path: '/config', nav: 'Config file', heading: 'Config file' },
  { path: '/history', nav: 'Config history', heading: 'Config history' },
  { path: '/ops', nav: 'Operations', heading: 'Operations' },
  { path: '/users', nav: 'Console users', heading: 'Console users' },
  { path: '/audit', nav: 'Audit log', heading: 'Audit log' },
] as const;
