import net from 'node:net';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Two ports free now (for nodes that must know each other's cluster port before either starts). */
export async function freePortPair(): Promise<[number, number]> {
  return [await freePort(), await freePort()];
}
