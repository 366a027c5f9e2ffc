import { ClosedReason } from '../protocol/errors.js';
import type { ClientConnection } from './client.js';

export interface LameDuckState {
  active: boolean;
  /** Clients still connected. */
  remaining: number;
  /** Clients connected when lame duck mode began. */
  total: number;
  /** 'grace' while waiting out the grace period, 'closing' while clients are closed, 'done' at the end. */
  phase: 'grace' | 'closing' | 'done';
}

export interface LameDuckHost {
  opts: { lameDuckDuration: number; lameDuckGracePeriod: number };
  clients: ReadonlyMap<number, ClientConnection>;
  logger: { info(msg: string): void };
  stopAccepting(): Promise<void>;
  /** INFO with ldm:true for a client. */
  ldmInfoFor(client: ClientConnection): Buffer;
  shutdown(): Promise<void>;
  emit(event: 'ldm:start' | 'ldm:progress' | 'ldm:done', state: LameDuckState): boolean;
  readonly isShuttingDown: boolean;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Lame duck mode as nats-server runs it (§8.1): stop accepting, tell clients (INFO ldm:true),
 * wait the grace period, close clients one by one spread over the remaining duration, shut down.
 */
export async function runLameDuck(host: LameDuckHost, state: LameDuckState): Promise<void> {
  const { lameDuckDuration, lameDuckGracePeriod } = host.opts;
  host.logger.info('Entering lame duck mode, stop accepting new clients');
  await host.stopAccepting();
  const clients = [...host.clients.values()];
  state.total = clients.length;
  state.remaining = clients.length;
  host.emit('ldm:start', { ...state });
  if (clients.length === 0) {
    state.phase = 'done';
    host.emit('ldm:done', { ...state });
    await host.shutdown();
    return;
  }
  for (const c of clients) {
    if (!c.closed && c.acceptsAsyncInfo()) {
      c.enqueue(host.ldmInfoFor(c));
    }
  }
  host.logger.info(`Lame duck grace period of ${lameDuckGracePeriod / 1000}s, then closing ${clients.length} client(s) over ${(lameDuckDuration - lameDuckGracePeriod) / 1000}s`);
  await sleep(lameDuckGracePeriod);
  if (host.isShuttingDown) return;
  state.phase = 'closing';
  let spread = lameDuckDuration - lameDuckGracePeriod;
  if (spread <= 0) spread = 1000;
  const interval = Math.min(spread / clients.length, 1000);
  host.logger.info(`Closing existing clients`);
  for (let i = 0; i < clients.length; i++) {
    if (host.isShuttingDown) return;
    const c = clients[i];
    if (!c.closed) {
      c.flush();
      c.close(ClosedReason.serverShutdown);
    }
    state.remaining = [...host.clients.values()].length;
    host.emit('ldm:progress', { ...state });
    if (i < clients.length - 1 && interval >= 1) await sleep(interval / 2 + Math.random() * (interval / 2));
  }
  state.phase = 'done';
  state.remaining = host.clients.size;
  host.emit('ldm:done', { ...state });
  await host.shutdown();
}
