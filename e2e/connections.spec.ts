/* Issue 15 item 8: the Connections "Subscribed to" filter filters on the server, over subscriptions. */
import { test, expect } from './fixtures';
import { shot } from './pages';

test.use({ sbOptions: { name: 'conns', conf: 'server_name: conns\naccounts { A { users: [ { user: a, password: a } ] } }\n' } });

test('"Subscribed to" lists only the connections with a matching subscription', async ({ page, sb, nats, loginAsAdmin }) => {
  const orders = await nats({ servers: sb.natsUrl, user: 'a', pass: 'a', name: 'orders-reader' });
  orders.subscribe('orders.>');
  const other = await nats({ servers: sb.natsUrl, user: 'a', pass: 'a', name: 'billing-reader' });
  other.subscribe('billing.*');
  await Promise.all([orders.flush(), other.flush()]);
  await loginAsAdmin();
  await page.goto(`${sb.url}/connections?acc=A`);
  const table = page.getByRole('table', { name: 'Connections' });
  await expect(table).toContainText('orders-reader');
  await expect(table).toContainText('billing-reader');
  const subject = page.getByLabel('Subject filter');
  await subject.fill('orders.new');
  await subject.press('Enter');
  await expect(table).toContainText('orders-reader');
  await expect(table).not.toContainText('billing-reader');
  await expect(page).toHaveURL(/subject=orders\.new/);
  await shot(page, 'connections-subject-filter');
  await subject.fill('billing.x');
  await subject.press('Enter');
  await expect(table).toContainText('billing-reader');
  await expect(table).not.toContainText('orders-reader');
  await subject.fill('nothing.here');
  await subject.press('Enter');
  await expect(page.getByText('No connections match.')).toBeVisible();
});

test('the review lists the connections a change will close before Apply (renaming their account)', async ({ page, sb, nats, loginAsAdmin }) => {
  await nats({ servers: sb.natsUrl, user: 'a', pass: 'a', name: 'will-be-cut', reconnect: false });
  await loginAsAdmin();
  await page.goto(`${sb.url}/accounts/A`);
  await expect(page.getByRole('heading', { name: 'Account A' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill('B');
  await page.getByRole('button', { name: 'Review changes' }).click();
  const closes = page.getByRole('dialog').getByTestId('closes');
  await expect(closes).toContainText('Applying closes 1 connection');
  await expect(closes).toContainText('"will-be-cut"');
  await expect(closes).toContainText('moves from account A to B');
  await shot(page, 'review-closes-connections');
});
