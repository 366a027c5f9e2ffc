/*
 * The super cluster in the console: two single-node clusters (Switchboard processes) joined by a
 * gateway. The Gateways & routes page shows the link connected with its traffic and interest
 * modes, the link down within a few seconds when the remote process stops, and connected again
 * when it is started again.
 */
import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect, eventually } from './fixtures';
import { ADMIN_PASSWORD, freePort, startSwitchboard, type Switchboard } from './harness';
import { LoginPage } from './pages';

/** A full-page screenshot; a generous bound, as the live charts keep a loaded machine's page busy. */
const shot = async (page: Page, name: string) => {
  mkdirSync('test-results/screenshots', { recursive: true });
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true, timeout: 60_000 });
};
const gatewayRow = (page: Page, remote: string) => page.locator(`[data-testid="gateway-row"][data-remote="${remote}"]`);

test.describe('super cluster in the console', () => {
  test('a gateway link goes down and comes back', async ({ page, nats }) => {
    test.setTimeout(150_000);
    const [gEast, gWest] = [await freePort(), await freePort()];
    const gateway = (name: string, me: number, other: string, otherPort: number) =>
      `server_name: ${name}\ngateway { name: ${name}, listen: "127.0.0.1:${me}", gateways: [ { name: ${other}, url: "nats://127.0.0.1:${otherPort}" } ] }\n`;
    const westConf = gateway('west', gWest, 'east', gEast);
    const east = await startSwitchboard({ name: 'east', conf: gateway('east', gEast, 'west', gWest) });
    let west: Switchboard | undefined;
    try {
      const varz = (await (await fetch(`${east.url}/varz`)).json()) as { gateway?: { name?: string } };
      test.skip(!varz.gateway?.name, 'this build has no gateway module (packages/broker/src/gateway is on branch gateways)');
      west = await startSwitchboard({ name: 'west', conf: westConf });

      // Traffic across the gateway: a subscriber in west, a publisher in east.
      const sub = await nats({ servers: west.natsUrl, name: 'sub-west' });
      const pub = await nats({ servers: east.natsUrl, name: 'pub-east' });
      let got = 0;
      sub.subscribe('e2e.gw.>', { callback: () => void got++ });
      await sub.flush();
      await eventually(
        async () => {
          for (let i = 0; i < 50; i++) pub.publish(`e2e.gw.${i}`, new Uint8Array(32));
          await pub.flush();
          return got >= 100;
        },
        30_000,
        '100 messages across the gateway',
      );

      // A subject nobody in west wants: west answers with no-interest, so east keeps per-account state.
      pub.publish('e2e.nobody.listens', new Uint8Array(1));
      await pub.flush();

      await new LoginPage(page).login(east.url, 'admin', ADMIN_PASSWORD);
      await page.goto(`${east.url}/gateways`);
      const row = gatewayRow(page, 'west');
      await expect(row).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
      await expect(row.getByTestId('gateway-state')).toHaveText('connected');
      await expect(page.getByTestId('supercluster-map').locator('line[data-link="west"]')).toHaveAttribute('data-state', 'up');
      await expect.poll(async () => Number(await row.getAttribute('data-out-msgs')), { timeout: 15_000 }).toBeGreaterThanOrEqual(100);
      // Interest mode per account, as /gatewayz?accs=true reports it.
      await expect(row).toContainText(/\$G: (Optimistic|Interest-Only|Transitioning)/);
      await shot(page, 'gateways-link-up');
      await page.setViewportSize({ width: 600, height: 900 });
      await shot(page, 'gateways-link-up-600');
      await page.setViewportSize({ width: 1280, height: 800 });

      // The remote cluster's process stops: the link shows down within a few seconds.
      await sub.close();
      await west.stop();
      west = undefined;
      await expect(row).toHaveAttribute('data-state', 'lost', { timeout: 10_000 });
      await expect(row.getByTestId('gateway-state')).toHaveText('down (retrying)');
      // Why it is down, from the server's gateway module (/gatewayz has no error text).
      await expect(row.getByTestId('gateway-last-error')).toHaveText(/\S/, { timeout: 10_000 });
      await expect(page.getByTestId('supercluster-map').locator('line[data-link="west"]')).toHaveAttribute('data-state', 'down');
      await shot(page, 'gateways-link-down');

      // Started again on the same gateway port: east's retries reconnect and the page says so.
      west = await startSwitchboard({ name: 'west', conf: westConf });
      await expect(row).toHaveAttribute('data-state', 'connected', { timeout: 30_000 });
      await shot(page, 'gateways-link-back');
    } finally {
      await west?.stop();
      await east.stop();
    }
  });
});
