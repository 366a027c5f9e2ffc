import { test, expect, eventually } from './fixtures';
import { ADMIN_PASSWORD, freePort, startSwitchboard } from './harness';
import { LoginPage, Nav, shot } from './pages';

test.describe('lame duck across a cluster', () => {
  test('clients move to the second server', async ({ page, nats }) => {
    test.setTimeout(120_000);
    const [r1, r2] = [await freePort(), await freePort()];
    const cluster = (me: number, other: number) =>
      `lame_duck_duration: "30s"\nlame_duck_grace_period: "1s"\ncluster { name: e2e, listen: "127.0.0.1:${me}", routes: ["nats-route://127.0.0.1:${other}"] }\n`;
    const a = await startSwitchboard({ name: 'ldm-a', conf: `server_name: ldm-a\n${cluster(r1, r2)}` });
    const b = await startSwitchboard({ name: 'ldm-b', conf: `server_name: ldm-b\n${cluster(r2, r1)}` });
    try {
      const clients = await Promise.all([1, 2, 3].map((i) => nats({ servers: [a.natsUrl, b.natsUrl], name: `mover-${i}`, noRandomize: true, maxReconnectAttempts: -1 })));
      for (const c of clients) expect(c.getServer()).toContain(String(a.port));

      await new LoginPage(page).login(a.url, 'admin', ADMIN_PASSWORD);
      await new Nav(page).to('Operations');
      await page.getByRole('button', { name: 'Enter lame duck mode…' }).click();
      const dialog = page.getByRole('dialog');
      const confirm = dialog.getByRole('button', { name: 'Enter lame duck mode' });
      await expect(confirm).toBeDisabled();
      await dialog.getByRole('textbox').fill('ldm-b');
      await expect(confirm).toBeDisabled();
      await dialog.getByRole('textbox').fill('ldm-a');
      await shot(page, 'lameduck-confirm');
      await confirm.click();
      await expect(page.getByTestId('ldm-progress')).toBeVisible();
      await expect(page.getByTestId('ldm-progress')).toContainText(/client/);
      await shot(page, 'lameduck-progress');

      await eventually(() => clients.every((c) => c.getServer().includes(String(b.port))), 30_000, 'clients on the second server');
      // The run ends with the process gone (exit 0, as `--signal ldm`), and the page says so.
      await eventually(() => a.proc.exitCode !== null, 30_000, 'the lame duck process to exit');
      expect(a.proc.exitCode).toBe(0);
      await expect(page.getByTestId('ldm-finished')).toContainText('3 clients moved, server stopped', { timeout: 20_000 });
      await shot(page, 'lameduck-finished');
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
