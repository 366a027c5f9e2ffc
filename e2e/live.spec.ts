/* Issue 15 items 2 and 3: live charts at the sampling rate, and a restarted server is the same server. */
import { StringCodec } from 'nats';
import { test, expect, eventually } from './fixtures';
import { OverviewPage, shot } from './pages';

const sc = StringCodec();
const attr = async (o: OverviewPage, name: string) => Number(await o.chart('msgs').getAttribute(name));

test('a burst shows on the live chart within seconds, and the rate falls back to 0 once it stops', async ({ page, sb, nats, loginAsAdmin }) => {
  await loginAsAdmin();
  const overview = new OverviewPage(page);
  // Live samples arrive every second: the chart has points before any 30 s STATSZ could come.
  await eventually(async () => (await overview.points('msgs')) >= 3, 15_000, 'three live points');
  expect(await attr(overview, 'data-peak-in-rate')).toBeLessThan(1000);

  const nc = await nats({ servers: sb.natsUrl, name: 'burst' });
  for (let i = 0; i < 20_000; i++) nc.publish('burst.x', sc.encode('b'));
  await nc.flush();
  const sent = Date.now();
  // 20 000 messages within a second or two: the peak rate is far above the idle rate.
  await expect.poll(() => attr(overview, 'data-peak-in-rate'), { timeout: 8_000 }).toBeGreaterThanOrEqual(5_000);
  const seenAfter = Date.now() - sent;
  await shot(page, 'overview-burst');
  // ...and the latest point is back at 0 msgs/s a few seconds later (no 30 s average lingering).
  await expect.poll(() => attr(overview, 'data-latest-in-rate'), { timeout: 10_000 }).toBe(0);
  test.info().annotations.push({ type: 'burst visible after', description: `${seenAfter} ms` });

  // The 1 h window holds the same burst (10 s steps: the same messages, over 10 s).
  await page.getByRole('button', { name: '1 hour' }).click();
  await expect.poll(() => attr(overview, 'data-peak-in-rate'), { timeout: 15_000 }).toBeGreaterThanOrEqual(20_000 / 20);
  test.info().annotations.push({ type: '1 h points', description: String(await overview.points('msgs')) });
  // Back on 5 min, reloaded from the server: the burst is where it was drawn live.
  await page.reload();
  await page.getByRole('button', { name: '5 min' }).click();
  await expect.poll(() => attr(overview, 'data-peak-in-rate'), { timeout: 15_000 }).toBeGreaterThanOrEqual(5_000);
});

test.describe('a restarted server', () => {
  test.use({ sbOptions: { name: 'steady', conf: 'server_name: steady\n' } });
  test('is the same server: one row, no Down, history continues', async ({ page, sb, loginAsAdmin }) => {
    test.setTimeout(120_000);
    await loginAsAdmin();
    const overview = new OverviewPage(page);
    await eventually(async () => (await overview.points('msgs')) >= 3, 15_000, 'points before the restart');
    const firstT = await attr(overview, 'data-first-t');
    await sb.restart();
    // The session lives in the data dir: the same browser stays logged in.
    await page.reload();
    await expect(page.getByRole('table', { name: 'Servers' })).toBeVisible();
    await eventually(async () => (await overview.points('msgs')) >= 5, 20_000, 'points after the restart');
    const rows = page.getByRole('table', { name: 'Servers' }).locator('tbody tr');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('steady');
    await expect(rows.first()).toContainText('this console');
    await expect(page.getByTestId('verdict')).not.toContainText('Down');
    await expect(page.getByTestId('gone-servers')).toHaveCount(0);
    // The chart still starts where it started before the restart.
    expect(await attr(overview, 'data-first-t')).toBe(firstT);
    await shot(page, 'overview-after-restart');
  });
});
