import { test, expect } from './fixtures';
import { VIEWER_PASSWORD } from './harness';
import { LoginPage, Nav, shot } from './pages';

test('a viewer sees everything but cannot write: buttons disabled with the reason, API refuses', async ({ page, sb, playwright }) => {
  await new LoginPage(page).login(sb.url, 'viewer', VIEWER_PASSWORD);
  const nav = new Nav(page);
  await nav.to('Accounts');
  const create = page.getByRole('button', { name: 'New account' });
  await expect(create).toBeDisabled();
  await expect(page.getByTestId('read-only-notice')).toContainText('viewer');
  await expect(page.locator('span[title*="viewer"]').first()).toBeVisible();
  await shot(page, 'viewer-accounts');
  await nav.to('Operations');
  await expect(page.getByRole('button', { name: 'Reload from disk' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Enter lame duck mode…' })).toBeDisabled();
  await nav.to('Overview');
  await expect(page.getByTestId('verdict')).toBeVisible();

  const api = await playwright.request.newContext({ baseURL: sb.url, extraHTTPHeaders: { 'x-switchboard-csrf': '1' } });
  expect((await api.post('/api/login', { data: { user: 'viewer', password: VIEWER_PASSWORD } })).status()).toBe(200);
  const cfg = (await (await api.get('/api/config')).json()) as { revision: string; options: Record<string, unknown> };
  const put = await api.put('/api/config', { data: { options: { ...cfg.options, accounts: { X: {} } } }, headers: { 'if-match': `"${cfg.revision}"` } });
  expect(put.status()).toBe(403);
  expect(((await put.json()) as { code: string }).code).toBe('FORBIDDEN');
  await api.dispose();
});
