/**
 * The account registry: every account by name, and the exports and imports between them, built
 * from the account sources (the config file today; a JWT resolver later). Imports are internal
 * subscriptions, not nats-server's shadow subscriptions:
 * - a stream import is one forwarding subscription in the exporter's sublist that re-delivers
 *   into the importer (to its clients only, so imported messages do not travel further);
 * - a service import is one subscription in the importer's sublist that re-publishes into the
 *   exporter with a generated `_R_.<prefix>.<id>` reply; the exporter's one `_R_.<prefix>.>`
 *   subscription maps responses back.
 */
import type { Import } from '@switchboard/shared';
import { exportAllows, exportAuth } from '../config/account-rules.js';
import type { AccountDefinition, AccountSource, ClientView, ConnectionView } from '../contracts/index.js';
import { GLOBAL_ACCOUNT } from '../protocol/accounts.js';
import { Account, randomBase62, type InterestSink, type ResponseType, type ServiceExport, type StreamExport } from './account.js';
import type { Connection } from './connection.js';
import type { Delivery } from './delivery.js';
import type { Sub } from './subscription.js';
import { SubjectTransform } from './transform.js';

const DEFAULT_THRESHOLD = 2 * 60 * 1000;
const REQUEST_INFO_HEADER = 'Nats-Request-Info';

export class AccountRegistry {
  readonly accounts = new Map<string, Account>();
  readonly globalAccount: Account;
  private readonly sources: AccountSource[] = [];
  /** Service imports being processed right now, to drop a message that would loop. */
  private readonly inFlight = new Set<Sub>();
  /** Response-mapping sweepers of exporting accounts. */
  private readonly sweepers = new Map<Account, NodeJS.Timeout>();

  constructor(
    private readonly interest: InterestSink,
    private readonly delivery: Delivery,
    private readonly serverName: () => string,
  ) {
    this.globalAccount = this.getOrCreate(GLOBAL_ACCOUNT);
  }

  /** Finds or creates the account `name` (config, auth and imports all go through here). */
  getOrCreate(name: string): Account {
    let acc = this.accounts.get(name);
    if (acc === undefined) {
      acc = new Account(name, this.interest);
      this.accounts.set(name, acc);
    }
    return acc;
  }

  addSource(source: AccountSource): void {
    this.sources.push(source);
  }

  /**
   * Builds every account's exports and imports from the sources' definitions, replacing what an
   * earlier call built (reload). Accounts are never dropped: their clients and subscriptions stay.
   */
  refresh(): void {
    for (const acc of this.accounts.values()) {
      for (const { account, sub } of acc.importSubs) account.removeSub(sub);
      acc.importSubs = [];
      acc.streamExports = [];
      acc.serviceExports = [];
    }
    const defs: AccountDefinition[] = [];
    for (const src of this.sources) for (const d of src.definitions()) defs.push(d);
    for (const d of defs) {
      const acc = this.getOrCreate(d.name);
      for (const e of d.exports) {
        const auth = exportAuth(e);
        if (e.stream !== undefined) acc.streamExports.push({ subject: e.stream, ...auth } satisfies StreamExport);
        else
          acc.serviceExports.push({
            subject: e.service!,
            ...auth,
            responseType: (e.responseType ?? 'singleton') as ResponseType,
            threshold: e.responseThreshold ?? DEFAULT_THRESHOLD,
          } satisfies ServiceExport);
      }
    }
    for (const d of defs) {
      const importer = this.getOrCreate(d.name);
      for (const im of d.imports) {
        const src = (im.stream ?? im.service)!;
        const exporter = this.accounts.get(src.account);
        if (!exporter) continue;
        if (im.stream) this.addStreamImport(importer, exporter, im);
        else this.addServiceImport(importer, exporter, im);
      }
    }
  }

  /** Stops the response sweepers. */
  shutdown(): void {
    for (const t of this.sweepers.values()) clearInterval(t);
    this.sweepers.clear();
  }

  private addStreamImport(importer: Account, exporter: Account, im: Import): void {
    const subject = im.stream!.subject;
    if (!exporter.streamExports.some((e) => exportAllows(e, e.subject, importer.name, subject))) return;
    let map: (s: string) => string;
    if (im.prefix !== undefined && im.prefix !== '') {
      const prefix = im.prefix.endsWith('.') ? im.prefix : `${im.prefix}.`;
      map = (s) => prefix + s;
    } else if (im.to !== undefined && im.to !== subject) {
      const t = new SubjectTransform(subject, im.to);
      map = (s) => t.apply(s);
    } else {
      map = (s) => s;
    }
    const delivery = this.delivery;
    // Delivered only to the importer's own clients: imported messages do not travel further.
    // Advertised (under the exporting account): other servers must send it the exporter's messages.
    const sub = exporter.addInternalSub({
      subject,
      sid: `stream-import:${importer.name}`,
      advertise: true,
      forwards: true,
      handler: (_s, from, subj, reply, hdr, buf, start, end) => delivery.deliver(from as Connection | null, importer, map(subj), reply, hdr, buf, start, end, true),
    });
    importer.importSubs.push({ account: exporter, sub });
  }

  private addServiceImport(importer: Account, exporter: Account, im: Import): void {
    const remote = im.service!.subject;
    const local = im.to ?? remote;
    const exp = exporter.serviceExports.find((e) => exportAllows(e, e.subject, importer.name, remote));
    if (!exp) return;
    const transform = local !== remote ? new SubjectTransform(local, remote) : null;
    const share = im.share === true;
    const inFlight = this.inFlight;
    const delivery = this.delivery;
    // Not advertised: a request is mapped on the requester's own server (nats-server `si` subs).
    const sub = importer.addInternalSub({
      subject: local,
      sid: `service-import:${exporter.name}`,
      advertise: false,
      forwards: true,
      handler: (self, from, subject, reply, hdr, buf, start, end) => {
        const me = self as Sub;
        if (inFlight.has(me)) return false;
        inFlight.add(me);
        try {
          const target = transform !== null ? transform.apply(subject) : local.includes('*') || local.includes('>') ? subject : remote;
          let newReply = '';
          if (reply.length > 0) newReply = this.mapResponse(exporter, importer, reply, exp);
          const info = requestInfo(from, importer, share, this.serverName());
          const stamped = withHeader(buf, start, end, hdr, REQUEST_INFO_HEADER, info);
          const delivered = delivery.deliver(from as Connection | null, exporter, target, newReply, stamped.hdr, stamped.buf, 0, stamped.buf.length);
          if (!delivered && newReply) exporter.responses.delete(newReply);
          return delivered;
        } finally {
          inFlight.delete(me);
        }
      },
    });
    importer.importSubs.push({ account: importer, sub });
  }

  /** Creates the anonymous reply in the exporter that leads back to `reply` in the importer. */
  private mapResponse(exporter: Account, importer: Account, reply: string, exp: ServiceExport): string {
    if (exporter.responseSub === null) {
      // Advertised: a response may be published on another server.
      exporter.responseSub = exporter.addInternalSub({
        subject: `${exporter.responsePrefix}>`,
        sid: 'service-responses',
        advertise: true,
        handler: (_s, from, subject, _reply, hdr, buf, start, end) => this.deliverResponse(exporter, from, subject, hdr, buf, start, end),
      });
      this.startSweeper(exporter);
    }
    const generated = exporter.responsePrefix + randomBase62(6);
    exporter.responses.set(generated, { account: importer, reply, responseType: exp.responseType, threshold: exp.threshold, touched: Date.now() });
    return generated;
  }

  private deliverResponse(exporter: Account, from: ConnectionView | null, subject: string, hdr: number, buf: Buffer, start: number, end: number): boolean {
    const m = exporter.responses.get(subject);
    if (!m) return false;
    const delivered = this.delivery.deliver(from as Connection | null, m.account, m.reply, '', hdr, buf, start, end);
    // A stream/chunked response ends with an empty message; a singleton after its first response.
    if (!delivered || m.responseType === 'singleton' || end - start - Math.max(hdr, 0) === 0) exporter.responses.delete(subject);
    else m.touched = Date.now();
    return delivered;
  }

  /** Expires response mappings that saw no response within their threshold. */
  private startSweeper(acc: Account): void {
    if (this.sweepers.has(acc)) return;
    const timer = setInterval(() => {
      const now = Date.now();
      for (const [k, m] of acc.responses) if (now - m.touched > m.threshold) acc.responses.delete(k);
    }, 1000);
    timer.unref();
    this.sweepers.set(acc, timer);
  }
}

/** The Nats-Request-Info header value (events.go ClientInfo; detailed only with `share`). */
function requestInfo(from: ConnectionView | null, importer: Account, share: boolean, serverName: string): string {
  const info: Record<string, unknown> = {};
  const client = from !== null && from.kind === 'CLIENT' ? (from as ClientView) : null;
  if (share && client !== null) {
    info.start = client.start.toISOString();
    info.host = client.host;
    info.id = client.cid;
  }
  info.acc = importer.name;
  if (share && client !== null) {
    if (client.user) info.user = client.user;
    if (client.opts.name) info.name = client.opts.name;
    if (client.opts.lang) info.lang = client.opts.lang;
    if (client.opts.version) info.ver = client.opts.version;
  }
  if (from !== null && from.rtt > 0) info.rtt = from.rtt * 1_000_000;
  if (share && client !== null) {
    info.server = serverName;
    info.kind = 'Client';
    info.client_type = 'nats';
  }
  return JSON.stringify(info);
}

/** Returns the message with `name: value` added to its header block (creating one if needed). */
export function withHeader(buf: Buffer, start: number, end: number, hdr: number, name: string, value: string): { buf: Buffer; hdr: number } {
  const line = Buffer.from(`${name}: ${value}\r\n`, 'latin1');
  if (hdr > 0) {
    // Insert before the blank line that ends the existing block.
    const head = buf.subarray(start, start + hdr - 2);
    const out = Buffer.concat([head, line, Buffer.from('\r\n'), buf.subarray(start + hdr, end)]);
    return { buf: out, hdr: hdr + line.length };
  }
  const block = Buffer.concat([Buffer.from('NATS/1.0\r\n'), line, Buffer.from('\r\n')]);
  return { buf: Buffer.concat([block, buf.subarray(start, end)]), hdr: block.length };
}
