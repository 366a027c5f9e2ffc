import { test, expect } from './fixtures';
import { ADMIN_PASSWORD } from './harness';
import { ConsoleUsersPage, LoginPage, Nav, shot, signOut } from './pages';

const VIEWER = 'ops-viewer';
const VIEWER_PW = 'ops-viewer-pw-1';

test('an admin adds a console viewer, who can sign in but not write, then removes it', async ({ page, sb, admin, loginAsAdmin }) => {
  await loginAsAdmin();
  const users = new ConsoleUsersPage(page);
  await users.open();
  await expect(users.row('admin')).toContainText('admin');
  // The only admin cannot be removed: the button says why.
  await expect(users.removeButton('admin')).toBeDisabled();

  // Error paths keep the input and say why: the schema's field error, then the server's refusal.
  let dialog = await users.add(VIEWER, 'short', 'viewer');
  await expect(dialog.getByText('at least 8 characters', { exact: true })).toBeVisible();
  dialog = await users.add('admin', VIEWER_PW, 'viewer');
  await expect(dialog.getByRole('alert').filter({ hasText: 'Failed to add user: A console user with this name exists' })).toBeVisible();
  await expect(dialog.getByText('a console user with this name exists', { exact: true })).toBeVisible();
  await expect(dialog.getByLabel('User name')).toHaveValue('admin');
  await shot(page, 'console-users-add-failed');

  await users.add(VIEWER, VIEWER_PW, 'viewer');
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('users-notice')).toContainText(`Added viewer ${VIEWER}`);
  await expect(users.row(VIEWER)).toContainText('viewer');
  await shot(page, 'console-users-admin');

  await signOut(page);
  await new LoginPage(page).login(sb.url, VIEWER, VIEWER_PW);
  await expect(page.locator('.who')).toContainText('(viewer)');
  await new Nav(page).to('Accounts');
  await expect(page.getByRole('button', { name: 'New account' })).toBeDisabled();
  await users.open();
  await expect(users.addButton()).toBeDisabled();
  await expect(users.removeButton(VIEWER)).toBeDisabled();
  await expect(page.getByTestId('read-only-notice')).toContainText('viewer');
  await shot(page, 'console-users-viewer');

  await signOut(page);
  await new LoginPage(page).login(sb.url, 'admin', ADMIN_PASSWORD);
  await users.open();
  await users.remove(VIEWER);
  await expect(users.row(VIEWER)).toHaveCount(0);
  await expect(page.getByTestId('users-notice')).toContainText(`Removed ${VIEWER}`);

  const list = (await (await admin.api.get('/api/users')).json()) as { users: { user: string }[] };
  expect(list.users.map((u) => u.user)).not.toContain(VIEWER);
  const relogin = await admin.api.post('/api/login', { data: { user: VIEWER, password: VIEWER_PW } });
  expect(relogin.status()).toBe(401);
});
