/* Playwright fixtures: a real Switchboard per test, an admin API helper, and nats clients closed at the end. */
import { test as base, expect, type APIRequestContext } from '@playwright/test';
import { connect, type ConnectionOptions, type NatsConnection } from 'nats';
import { ADMIN_PASSWORD, startSwitchboard, type StartOptions, type Switchboard } from './harness';
import { LoginPage } from './pages';

export interface Admin {
  /** A logged-in API client (cookie + CSRF header) for setting up and checking state. */
  api: APIRequestContext;
  config(): Promise<{ revision: string; options: Record<string, unknown> }>;
  putConfig(options: Record<string, unknown>, revision: string): Promise<{ status: number; body: unknown }>;
}

interface Fixtures {
  sbOptions: StartOptions;
  sb: Switchboard;
  admin: Admin;
  nats: (opts: ConnectionOptions) => Promise<NatsConnection>;
  loginAsAdmin: () => Promise<void>;
}

export const test = base.extend<Fixtures>({
  sbOptions: [{}, { option: true }],
  sb: async ({ sbOptions }, use) => {
    const sb = await startSwitchboard(sbOptions);
    try {
      await use(sb);
    } finally {
      await sb.stop();
    }
  },
  admin: async ({ sb, playwright }, use) => {
    const api = await playwright.request.newContext({ baseURL: sb.url, extraHTTPHeaders: { 'x-switchboard-csrf': '1' } });
    const r = await api.post('/api/login', { data: { user: 'admin', password: ADMIN_PASSWORD } });
    expect(r.status(), await r.text()).toBe(200);
    await use({
      api,
      config: async () => (await (await api.get('/api/config')).json()) as { revision: string; options: Record<string, unknown> },
      putConfig: async (options, revision) => {
        const res = await api.put('/api/config', { data: { options }, headers: { 'if-match': `"${revision}"` } });
        return { status: res.status(), body: await res.json().catch(() => null) };
      },
    });
    await api.dispose();
  },
  nats: async ({}, use) => {
    const conns: NatsConnection[] = [];
    await use(async (opts) => {
      const nc = await connect({ reconnectTimeWait: 200, ...opts });
      conns.push(nc);
      return nc;
    });
    await Promise.all(conns.map((c) => c.close().catch(() => undefined)));
  },
  loginAsAdmin: async ({ page, sb }, use) => {
    await use(() => new LoginPage(page).login(sb.url, 'admin', ADMIN_PASSWORD));
  },
});

export { expect };

/** Polls until `fn` returns true (no fixed sleeps). */
export async function eventually(fn: () => Promise<boolean> | boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
