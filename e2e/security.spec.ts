/* The console under its Content-Security-Policy: every page works and the browser reports no violation. */
import { test, expect } from './fixtures';

const PAGES = ['/', '/accounts', '/map', '/gateways', '/connections', '/history', '/ops', '/users', '/audit'];

test('every page renders under the CSP with no violation; assets come compressed and cached', async ({ page, sb, loginAsAdmin }) => {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`Refused to (CSP) ${e.violatedDirective} ${e.blockedURI}`));
  });
  const index = await page.request.get(`${sb.url}/`);
  expect(index.headers()['content-security-policy']).toContain("script-src 'self'");
  expect(index.headers()['x-frame-options']).toBe('DENY');
  expect(index.headers()['cache-control']).toBe('no-cache');

  const assets: { url: string; encoding?: string; cache?: string }[] = [];
  page.on('response', (r) => {
    if (r.url().includes('/assets/')) assets.push({ url: r.url(), encoding: r.headers()['content-encoding'], cache: r.headers()['cache-control'] });
  });
  await loginAsAdmin();
  for (const path of PAGES) {
    await page.goto(sb.url + path);
    await expect(page.getByTestId('whoami')).toHaveText('admin');
    await expect(page.locator('main')).not.toBeEmpty();
  }
  expect(violations).toEqual([]);
  const js = assets.filter((a) => a.url.endsWith('.js'));
  expect(js.length).toBeGreaterThan(0);
  for (const a of js) {
    expect(a.cache, a.url).toBe('public, max-age=31536000, immutable');
    expect(['br', 'gzip'], a.url).toContain(a.encoding);
  }
  const map = await page.request.get(`${js[0].url}.map`);
  expect(map.status()).toBe(404);
});
