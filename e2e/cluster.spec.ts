/*
 * The cluster in the console: two Switchboard nodes joined by a route. The Gateways & routes page
 * shows the route connected with the traffic that crossed it (as /routez counts it), its /routez
 * detail, and the route lost within a few seconds when the peer stops; the Overview lists both
 * servers with their own STATSZ and can chart them summed (state in the URL).
 */
import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect, eventually } from './fixtures';
import { ADMIN_PASSWORD, freePort, startSwitchboard, type Switchboard } from './harness';
import { LoginPage, Nav } from './pages';

/** A full-page screenshot; a generous bound, as the live charts keep a loaded machine's page busy. */
const shot = async (page: Page, name: string) => {
  mkdirSync('test-results/screenshots', { recursive: true });
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true, timeout: 60_000 });
};
const routeRow = (page: Page) => page.getByTestId('route-row');

test.describe('cluster in the console', () => {
  test('route connected with traffic, detail, lost when the peer stops, back when it returns; overview per server and summed', async ({ page, nats }) => {
    test.setTimeout(150_000);
    const [r1, r2] = [await freePort(), await freePort()];
    const cluster = (me: number, other: number) => `cluster { name: e2e-cl, listen: "127.0.0.1:${me}", routes: ["nats-route://127.0.0.1:${other}"] }\n`;
    const a = await startSwitchboard({ name: 'cl-a', conf: `server_name: cl-a\n${cluster(r1, r2)}` });
    let b: Switchboard | undefined;
    try {
      b = await startSwitchboard({ name: 'cl-b', conf: `server_name: cl-b\n${cluster(r2, r1)}` });
      // Traffic across the route: a subscriber on b, a publisher on a.
      const sub = await nats({ servers: b.natsUrl, name: 'sub-b' });
      const pub = await nats({ servers: a.natsUrl, name: 'pub-a' });
      let got = 0;
      const s = sub.subscribe('e2e.cluster.>', { callback: () => void got++ });
      await sub.flush();
      // Until interest has crossed the route, messages published on a go nowhere: publish until 200 arrive.
      await eventually(
        async () => {
          for (let i = 0; i < 50; i++) pub.publish(`e2e.cluster.${i}`, new Uint8Array(64));
          await pub.flush();
          return got >= 200;
        },
        30_000,
        '200 messages across the route',
      );

      await new LoginPage(page).login(a.url, 'admin', ADMIN_PASSWORD);
      // By URL: on a loaded machine the Overview's live charts can keep the page busy past a click's timeout.
      await page.goto(`${a.url}/gateways`);
      await expect(routeRow(page)).toHaveCount(1);
      await expect(routeRow(page)).toHaveAttribute('data-state', 'connected');
      await expect(page.getByTestId('cluster-map').locator('line[data-state="up"]')).toHaveCount(1);
      // The page shows what /routez counts: at least the 200 messages a sent to b.
      await expect.poll(async () => Number(await routeRow(page).getAttribute('data-out-msgs')), { timeout: 15_000 }).toBeGreaterThanOrEqual(200);
      // The peer is named from its STATSZ once the console heard it across the route.
      await expect(routeRow(page)).toHaveAttribute('data-peer', 'cl-b', { timeout: 30_000 });
      await routeRow(page).getByRole('button', { name: /Route detail/ }).click();
      const detail = page.getByTestId('route-detail');
      await expect(detail).toContainText('did_solicit');
      await expect(detail).toContainText('remote_id');
      await expect(detail).toContainText(`127.0.0.1`);
      await shot(page, 'cluster-route-up');
      await page.setViewportSize({ width: 600, height: 900 });
      await shot(page, 'cluster-route-up-600');
      await page.setViewportSize({ width: 1280, height: 800 });

      // The peer stops: the page shows the route lost within a few seconds (polled every 2 s).
      s.unsubscribe();
      await sub.close();
      await b.stop();
      b = undefined;
      await expect(routeRow(page)).toHaveAttribute('data-state', 'lost', { timeout: 10_000 });
      await expect(routeRow(page)).toContainText('disconnected');
      await expect(page.getByTestId('cluster-map').locator('line[data-state="down"]')).toHaveCount(1);
      await shot(page, 'cluster-route-lost');

      // It comes back (a new process, same name and route port): one row again, connected.
      b = await startSwitchboard({ name: 'cl-b', conf: `server_name: cl-b\n${cluster(r2, r1)}` });
      await expect(routeRow(page).and(page.locator('[data-state="connected"]'))).toHaveCount(1, { timeout: 30_000 });
      await expect(routeRow(page)).toHaveCount(1, { timeout: 30_000 });

      // Overview: both servers, each with its own STATSZ, and the charts per server or summed.
      await new Nav(page).to('Overview');
      const table = page.getByRole('table', { name: 'Servers' });
      await expect(table.getByRole('row', { name: /cl-a/ })).toBeVisible();
      await expect(table.getByRole('row', { name: /cl-b/ })).toBeVisible({ timeout: 30_000 });
      await expect(table.getByRole('row', { name: /cl-b/ })).toContainText('e2e-cl');
      // Routes: each server's STATSZ lists its one route (nats-server's RouteStat list, counted).
      for (const n of [/cl-a/, /cl-b/]) await expect(table.getByRole('row', { name: n }).getByRole('cell').nth(10)).toHaveText('1');
      // The Overview redraws its live charts every second per server: on a loaded machine a click can wait.
      await page.getByRole('group', { name: 'Charts of' }).getByRole('button', { name: 'All summed' }).click({ timeout: 30_000 });
      await expect(page).toHaveURL(/charts=sum/);
      await expect(page.getByText(/all 2 servers summed/)).toBeVisible();
      await expect(page.getByTestId('chart-msgs')).toBeVisible();
      await page.reload();
      await expect(page.getByRole('group', { name: 'Charts of' }).getByRole('button', { name: 'All summed' })).toHaveAttribute('aria-pressed', 'true');
      await shot(page, 'cluster-overview-summed');
      await page.setViewportSize({ width: 600, height: 900 });
      await shot(page, 'cluster-overview-summed-600');
    } finally {
      await b?.stop();
      await a.stop();
    }
  });
});
