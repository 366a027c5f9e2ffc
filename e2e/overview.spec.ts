import { StringCodec } from 'nats';
import { test, expect, eventually } from './fixtures';
import { OverviewPage, shot } from './pages';

const sc = StringCodec();

test('log in, see the health verdict and STATSZ charts grow while a client publishes', async ({ page, sb, nats, loginAsAdmin }) => {
  await loginAsAdmin();
  const overview = new OverviewPage(page);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await expect(page.getByTestId('verdict')).toContainText(/Healthy|Degraded/);
  await expect(page.getByRole('table', { name: 'Servers' })).toContainText(sb.name);

  const nc = await nats({ servers: sb.natsUrl, name: 'e2e-publisher' });
  nc.subscribe('e2e.>');
  const before = await overview.points('msgs');
  const timer = setInterval(() => {
    for (let i = 0; i < 50; i++) nc.publish('e2e.tick', sc.encode('x'.repeat(100)));
  }, 100);
  try {
    // New points arrive live (SSE statsz), and the message rate shows traffic.
    await eventually(async () => (await overview.points('msgs')) > before, 40_000, 'new STATSZ points');
    await expect(overview.chart('msgs').locator('figcaption')).not.toContainText('in 0/s ·', { timeout: 40_000 });
    await expect(overview.chart('connections').locator('.recharts-surface')).toBeVisible();
  } finally {
    clearInterval(timer);
  }
  await shot(page, 'overview');

  await page.getByRole('button', { name: '1 hour' }).click();
  await expect(page.getByRole('button', { name: '1 hour' })).toHaveAttribute('aria-pressed', 'true');
  await expect(overview.chart('msgs')).toBeVisible();
});
