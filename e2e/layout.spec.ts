/*
 * Every page at a desktop size (1280×800) and a narrow window (600 px): the page itself never
 * scrolls sideways (wide tables scroll inside their own box). Screenshots of each, light and
 * dark, land in test-results/screenshots/layout-*.png for a look by eye.
 */
import { test, expect } from './fixtures';
import { AccountEditor, horizontalOverflow, shot } from './pages';
import { PAGES, SEEDED_CONF, seedHistory } from './seed';

test.use({ sbOptions: { conf: SEEDED_CONF } });

const SIZES = [
  { name: 'wide', width: 1280, height: 800 },
  { name: 'narrow', width: 600, height: 800 },
];

const slug = (path: string) => path.replace(/^\/($|\?)/, 'overview$1').replace(/^\//, '').replaceAll('/', '-').replace(/[?=]/g, '-');

for (const size of SIZES) {
  test(`every page fits a ${size.width} px window`, async ({ page, sb, admin, nats, loginAsAdmin }) => {
    test.setTimeout(120_000);
    await seedHistory(admin);
    await nats({ servers: sb.natsUrl, user: 'sam', pass: 'sam-pw', name: 'layout-client' });
    await page.setViewportSize({ width: size.width, height: size.height });
    await loginAsAdmin();
    for (const p of [...PAGES, { path: '/?window=24h', nav: undefined, heading: 'Overview' }]) {
      await page.goto(sb.url + p.path);
      await expect(page.getByRole('heading', { name: p.heading, exact: true })).toBeVisible();
      await expect(page.locator('main .loading')).toHaveCount(0);
      await shot(page, `layout-${size.name}-${slug(p.path)}`);
      expect(await horizontalOverflow(page), `${p.path} at ${size.width} px sticks out sideways`).toBeLessThanOrEqual(0);
    }
    // The navigation stays usable: every link visible and reachable without scrolling sideways.
    for (const p of PAGES.filter((x) => x.nav)) {
      const link = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: p.nav, exact: true });
      await expect(link).toBeInViewport();
    }
  });
}

test('the account form, a generated seed and the review fit 600 px', async ({ page, sb, loginAsAdmin }) => {
  await page.setViewportSize({ width: 600, height: 800 });
  await loginAsAdmin();
  await page.goto(sb.url + '/accounts/new');
  const editor = new AccountEditor(page);
  await editor.setName('NARROW');
  await editor.addUser('n1', 'n1-password');
  const i = await editor.addNkeyUser();
  await expect(editor.seed(i)).toBeVisible();
  await editor.addExport('service', 'narrow.svc', 'SHIP');
  await editor.addImport('stream', 'SALES', 'orders.>', { prefix: 'n' });
  await shot(page, 'layout-narrow-account-form');
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
  const review = await editor.review();
  await review.expectChanges();
  await shot(page, 'layout-narrow-review');
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
  const box = await review.dialog.boundingBox();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(600);
});

test.describe('dark mode', () => {
  test.use({ colorScheme: 'dark' });
  test('follows the browser setting, charts included', async ({ page, sb, loginAsAdmin }) => {
    await loginAsAdmin();
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor || getComputedStyle(document.documentElement).backgroundColor);
    const rootBg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    // A dark page: the background's channels are all low.
    const channels = (rootBg === 'rgba(0, 0, 0, 0)' ? bg : rootBg).match(/\d+/g)!.slice(0, 3).map(Number);
    expect(Math.max(...channels)).toBeLessThan(60);
    await expect(page.getByTestId('chart-msgs').locator('.recharts-cartesian-grid line').first()).toHaveAttribute('stroke', '#2a3240', { timeout: 40_000 });
    await shot(page, 'layout-dark-overview');
    for (const p of PAGES.filter((x) => x.path !== '/')) {
      await page.goto(sb.url + p.path);
      await expect(page.getByRole('heading', { name: p.heading, exact: true })).toBeVisible();
      await shot(page, `layout-dark-${slug(p.path)}`);
    }
  });
});
