import net from 'node:net';

/**
 * Ports for servers that must know each other's port before either starts. They are taken below
 * Linux's ephemeral range (32768–60999): a port the kernel hands out for `listen(0)` or an
 * outgoing connection elsewhere in the suite can then not take ours between this check and the
 * server's bind, as it could when the check itself listened on port 0.
 */
const LOW = 20_000;
const HIGH = 32_000;

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

const handedOut = new Set<number>();

/** A port free now, below the ephemeral range, not handed out before by this process. */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (handedOut.has(port)) continue;
    if (await bindable(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port between ${LOW} and ${HIGH} after 200 tries`);
}

/** Two ports free now (for nodes that must know each other's cluster port before either starts). */
export async function freePortPair(): Promise<[number, number]> {
  return [await freePort(), await freePort()];
}
