/**
 * The base of the server-to-server connection kinds (routes, gateways; leafnodes later): what
 * every link does with the shared control ops the same way. PING is answered with PONG, PONG
 * ends a keepalive round, +OK is ignored, and -ERR from the peer is logged as
 * `<kind> Error <text>` and closes the link (parse error), as nats-server's processErr does
 * for ROUTER and GATEWAY. CONNECT (traced with its password redacted) and INFO are handed to
 * the kind (`connectArrived`, `infoArrived`), which asks the module that runs it.
 */
import type { Socket } from 'node:net';
import { ClosedReason } from '../protocol/errors.js';
import type { ControlHandler } from '../protocol/client-ops.js';
import type { OpTable } from '../protocol/parser.js';
import { Connection, type ConnectionHost } from './connection.js';

const PONG = Buffer.from('PONG\r\n');
const PASSWORD = /"pass"\s*:\s*"(?:[^"\\]|\\.)*"/;

export abstract class LinkConnection<H extends ControlHandler> extends Connection<H> {
  /** The peer server's id and name (from its INFO or CONNECT). */
  remoteId = '';
  remoteName = '';
  infoReceived = false;
  connectReceived = false;
  /** The handshake is complete and the module counts this link as up. */
  registered = false;
  /** Both sides speak headers: HMSG is sent; otherwise headers are stripped. */
  headers = false;

  constructor(server: ConnectionHost, cid: number, socket: Socket, table: OpTable<H>) {
    super(server, cid, socket, table);
    // Links carry what clients published: no payload or control-line limit of their own.
    this.parser.maxPayload = Number.MAX_SAFE_INTEGER;
    this.parser.checkControlLine = false;
  }

  /** The peer's CONNECT (the parser no longer requires one). */
  protected abstract connectArrived(json: string): void;
  /** The peer's INFO. */
  protected abstract infoArrived(json: string): void;

  // ---- shared control ops ------------------------------------------------------------------

  onAuthBypass(): boolean {
    return false;
  }

  onConnect(json: string): void {
    if (this.server.logger.isTrace) this.trace(`<<- [CONNECT ${json.replace(PASSWORD, '"pass":"[REDACTED]"')}]`);
    this.parser.requireConnect = false;
    this.connectArrived(json);
  }

  onInfo(json: string): void {
    this.trace(`<<- [INFO ${json}]`);
    this.infoArrived(json);
  }

  onPing(): void {
    this.trace('<<- [PING]');
    this.lastPingIn = Date.now();
    this.trace('->> [PONG]');
    this.enqueue(PONG);
  }

  onPong(): void {
    this.trace('<<- [PONG]');
    this.pongReceived();
  }

  onOk(): void {}

  onErr(text: string): void {
    this.server.logger.error(`${this.label} - ${this.kindName} Error ${text}`);
    this.close(ClosedReason.parseError);
  }
}

/**
 * An `advertise` setting (`host:port`, or a bare host keeping `port`) as the host and port a
 * link's INFO announces (nats-server's parseHostPort for cluster and gateway advertise).
 */
export function advertisedHostPort(advertise: string, port: number): { host: string; port: number } {
  const i = advertise.lastIndexOf(':');
  return i > 0 ? { host: advertise.slice(0, i), port: Number(advertise.slice(i + 1)) } : { host: advertise, port };
}
