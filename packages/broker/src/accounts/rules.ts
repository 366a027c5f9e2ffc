import type { Options, Export, Import } from '@switchboard/shared';
import { isValidSubject, subjectIsSubsetOf, subjectsCollide, tokenAt } from '@switchboard/shared';
import { Subscription } from '../server/subscription.js';
import type { Client } from '../server/client.js';
import type { Server } from '../server/server.js';
import { Account, randomBase62, type ExportAuth, type ServiceExport, type StreamExport, type ResponseType } from './account.js';
import { SubjectTransform } from './transform.js';

const DEFAULT_THRESHOLD = 2 * 60 * 1000;
const REQUEST_INFO_HEADER = 'Nats-Request-Info';

/** Problems with the accounts block, phrased as nats-server phrases them. */
export function validateAccountRules(opts: Options): string[] {
  const errors: string[] = [];
  const accounts = opts.accounts ?? {};
  const names = new Set(Object.keys(accounts));
  for (const [name, acc] of Object.entries(accounts)) {
    for (const ex of acc.exports ?? []) {
      const subject = ex.stream ?? ex.service ?? '';
      if (!isValidSubject(subject)) errors.push(`Error adding ${ex.stream !== undefined ? 'stream' : 'service'} export ${JSON.stringify(subject)} in account ${JSON.stringify(name)}: invalid subject`);
    }
    for (const im of acc.imports ?? []) {
      const kind = im.stream ? 'stream' : 'service';
      const src = (im.stream ?? im.service)!;
      if (!names.has(src.account)) {
        errors.push(`${JSON.stringify(src.account)} account not defined for ${kind} import`);
        continue;
      }
      const exporter = accounts[src.account];
      const exports = (exporter.exports ?? []).filter((e) => (kind === 'stream' ? e.stream !== undefined : e.service !== undefined));
      if (!isValidSubject(src.subject) || (im.to !== undefined && !isValidSubject(im.to))) {
        errors.push(`Error adding ${kind} import ${JSON.stringify(src.subject)}: invalid subject`);
        continue;
      }
      if (!exports.some((e) => exportAllows(authOf(e), (e.stream ?? e.service)!, name, src.subject))) {
        errors.push(`Error adding ${kind} import ${JSON.stringify(src.subject)}: ${kind} import not authorized`);
        continue;
      }
      if (kind === 'stream' && im.prefix !== undefined && im.to !== undefined) {
        errors.push(`Error adding stream import ${JSON.stringify(src.subject)}: a stream import can not have both prefix and to`);
      }
    }
  }
  errors.push(...findServiceCycles(opts));
  return errors;
}

function authOf(e: Export): ExportAuth {
  return { accounts: e.accounts && e.accounts.length > 0 ? new Set(e.accounts) : null, tokenPosition: e.accountTokenPosition ?? 0 };
}

/** May `importer` import `subject` from an export of `exportSubject` with this auth? */
function exportAllows(auth: ExportAuth, exportSubject: string, importer: string, subject: string): boolean {
  if (subject !== exportSubject && !subjectIsSubsetOf(subject, exportSubject)) return false;
  if (auth.tokenPosition > 0) return tokenAt(subject, auth.tokenPosition) === importer;
  return auth.accounts === null || auth.accounts.has(importer);
}

/** A service import that leads, through other accounts' service imports, back to the importer. */
function findServiceCycles(opts: Options): string[] {
  const accounts = opts.accounts ?? {};
  const errors: string[] = [];
  const walk = (account: string, subject: string, visited: Set<string>, depth: number): boolean => {
    if (depth > 1024) return true;
    for (const im of accounts[account]?.imports ?? []) {
      if (!im.service) continue;
      const local = im.to ?? im.service.subject;
      if (!subjectsCollide(subject, local)) continue;
      if (visited.has(im.service.account)) return true;
      const next = new Set(visited).add(account);
      if (walk(im.service.account, im.service.subject, next, depth + 1)) return true;
    }
    return false;
  };
  for (const [name, acc] of Object.entries(accounts)) {
    for (const im of acc.imports ?? []) {
      if (!im.service || !accounts[im.service.account]) continue;
      if (walk(im.service.account, im.service.subject, new Set([name]), 0)) {
        errors.push(`Error adding service import ${JSON.stringify(im.service.subject)}: import forms a cycle`);
      }
    }
  }
  return errors;
}

/**
 * Builds every account's exports and imports from the options: stream imports become internal
 * subscriptions in the exporter's sublist that re-deliver into the importer; service imports
 * become internal subscriptions in the importer's sublist that re-publish into the exporter with
 * an anonymous `_R_` reply. Replaces whatever an earlier call built (reload).
 */
export function applyAccountRules(server: Server, opts: Options): void {
  for (const acc of server.accounts.values()) {
    for (const { account, sub } of acc.importSubs) account.sublist.remove(sub);
    acc.importSubs = [];
    acc.streamExports = [];
    acc.serviceExports = [];
  }
  const conf = opts.accounts ?? {};
  for (const [name, a] of Object.entries(conf)) {
    const acc = server.getOrCreateAccount(name);
    for (const e of a.exports ?? []) {
      const auth = authOf(e);
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
  for (const [name, a] of Object.entries(conf)) {
    const importer = server.getOrCreateAccount(name);
    for (const im of a.imports ?? []) {
      const src = (im.stream ?? im.service)!;
      const exporter = server.accounts.get(src.account);
      if (!exporter) continue;
      if (im.stream) addStreamImport(server, importer, exporter, im);
      else addServiceImport(server, importer, exporter, im);
    }
  }
}

function addStreamImport(server: Server, importer: Account, exporter: Account, im: Import): void {
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
  // Delivered only to the importer's own clients: imported messages do not travel further.
  const sub = Subscription.internal(subject, `stream-import:${importer.name}`, (_s, from, subj, reply, hdr, buf, start, end) =>
    server.route(from, importer, map(subj), reply, hdr, buf, start, end, true),
    null,
    true,
  );
  exporter.sublist.insert(sub);
  importer.importSubs.push({ account: exporter, sub });
}

/** Service imports being processed right now, to drop a message that would loop. */
const inFlight = new Set<Subscription>();

function addServiceImport(server: Server, importer: Account, exporter: Account, im: Import): void {
  const remote = im.service!.subject;
  const local = im.to ?? remote;
  const exp = exporter.serviceExports.find((e) => exportAllows(e, e.subject, importer.name, remote));
  if (!exp) return;
  const transform = local !== remote ? new SubjectTransform(local, remote) : null;
  const share = im.share === true;
  const sub = Subscription.internal(local, `service-import:${exporter.name}`, (self, from, subject, reply, hdr, buf, start, end) => {
    if (inFlight.has(self)) return false;
    inFlight.add(self);
    try {
      const target = transform !== null ? transform.apply(subject) : local.includes('*') || local.includes('>') ? subject : remote;
      let newReply = '';
      if (reply.length > 0) newReply = mapResponse(server, exporter, importer, reply, exp);
      const info = requestInfo(from, importer, share);
      const stamped = withHeader(buf, start, end, hdr, REQUEST_INFO_HEADER, info);
      const delivered = server.route(from, exporter, target, newReply, stamped.hdr, stamped.buf, 0, stamped.buf.length);
      if (!delivered && newReply) exporter.responses.delete(newReply);
      return delivered;
    } finally {
      inFlight.delete(self);
    }
  }, null, true);
  importer.sublist.insert(sub);
  importer.importSubs.push({ account: importer, sub });
}

/** Creates the anonymous reply in the exporter that leads back to `reply` in the importer. */
function mapResponse(server: Server, exporter: Account, importer: Account, reply: string, exp: ServiceExport): string {
  if (exporter.responseSub === null) {
    const sub = Subscription.internal(`${exporter.responsePrefix}>`, 'service-responses', (_s, from, subject, _reply, hdr, buf, start, end) =>
      deliverResponse(server, exporter, from, subject, hdr, buf, start, end),
    );
    exporter.sublist.insert(sub);
    exporter.responseSub = sub;
    startSweeper(server, exporter);
  }
  const generated = exporter.responsePrefix + randomBase62(6);
  exporter.responses.set(generated, { account: importer, reply, responseType: exp.responseType, threshold: exp.threshold, touched: Date.now() });
  return generated;
}

function deliverResponse(server: Server, exporter: Account, from: Client | null, subject: string, hdr: number, buf: Buffer, start: number, end: number): boolean {
  const m = exporter.responses.get(subject);
  if (!m) return false;
  const delivered = server.route(from, m.account, m.reply, '', hdr, buf, start, end);
  // A stream/chunked response ends with an empty message; a singleton after its first response.
  if (!delivered || m.responseType === 'singleton' || end - start - Math.max(hdr, 0) === 0) exporter.responses.delete(subject);
  else m.touched = Date.now();
  return delivered;
}

const sweepers = new WeakMap<Account, NodeJS.Timeout>();

/** Expires response mappings that saw no response within their threshold. */
function startSweeper(server: Server, acc: Account): void {
  if (sweepers.has(acc)) return;
  const timer = setInterval(() => {
    const now = Date.now();
    for (const [k, m] of acc.responses) if (now - m.touched > m.threshold) acc.responses.delete(k);
  }, 1000);
  timer.unref();
  sweepers.set(acc, timer);
  server.once('shutdown', () => clearInterval(timer));
}

/** The Nats-Request-Info header value (events.go ClientInfo; detailed only with `share`). */
function requestInfo(from: Client | null, importer: Account, share: boolean): string {
  const info: Record<string, unknown> = {};
  if (share && from !== null) {
    info.start = from.start.toISOString();
    info.host = from.host;
    info.id = from.cid;
  }
  info.acc = importer.name;
  if (share && from !== null) {
    if (from.user) info.user = from.user;
    if (from.opts.name) info.name = from.opts.name;
    if (from.opts.lang) info.lang = from.opts.lang;
    if (from.opts.version) info.ver = from.opts.version;
  }
  if (from !== null && from.rtt > 0) info.rtt = from.rtt * 1_000_000;
  if (share && from !== null) {
    info.server = from.server.name;
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

export { randomBase62 };
