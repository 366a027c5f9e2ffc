import { MonitorError, SORT_OPTIONS, subjectsCollide, type ConnInfo, type Connz, type ConnzOptions, type SortOpt, type SubDetail } from '@switchboard/shared';
import type { ClientView, ConnectionView, Subscription } from '../contracts/index.js';
import { GLOBAL_ACCOUNT } from '../protocol/accounts.js';
import type { ClosedClientInfo, MonitoredServer } from './module.js';
import { goDuration, msToNs, rfc3339, uptimeString } from './format.js';
import { collectChunks, renderChunks, runSliced, runSync, type Chunks, type Steps } from './render.js';
import { TopK } from './topk.js';

/** Default page size of /connz and /subsz. */
export const DEFAULT_LIST_SIZE = 1024;

/** One connection before paging: what sorting needs, and how to fill its ConnInfo. */
interface Row {
  cid: number;
  subs: number;
  pending: number;
  outMsgs: number;
  inMsgs: number;
  outBytes: number;
  inBytes: number;
  start: number;
  last: number;
  stop: number | null;
  reason: string;
  open: ClientView | null;
  closed: ClosedClientInfo | null;
}

function openRow(c: ClientView): Row {
  return {
    cid: c.cid,
    subs: c.subs.size,
    pending: c.pendingBytes,
    outMsgs: c.outMsgs,
    inMsgs: c.inMsgs,
    outBytes: c.outBytes,
    inBytes: c.inBytes,
    start: c.start.getTime(),
    last: c.lastActivity,
    stop: null,
    reason: '',
    open: c,
    closed: null,
  };
}

function closedRow(cc: ClosedClientInfo): Row {
  const stop = cc.stop.getTime();
  return {
    cid: cc.cid,
    subs: cc.subsDetail?.length ?? cc.subscriptions.length,
    pending: 0,
    outMsgs: cc.outMsgs,
    inMsgs: cc.inMsgs,
    outBytes: cc.outBytes,
    inBytes: cc.inBytes,
    start: cc.start.getTime(),
    last: cc.lastActivity?.getTime() ?? stop,
    stop,
    reason: cc.reason,
    open: null,
    closed: cc,
  };
}

type Cmp = (a: Row, b: Row) => number;

function comparator(sort: SortOpt, now: number): Cmp {
  const desc = (f: (r: Row) => number): Cmp => (a, b) => f(b) - f(a) || a.cid - b.cid;
  const asc = (f: (r: Row) => number): Cmp => (a, b) => f(a) - f(b) || a.cid - b.cid;
  switch (sort) {
    case 'cid':
    case 'start':
      return (a, b) => a.cid - b.cid;
    case 'subs':
      return desc((r) => r.subs);
    case 'pending':
      return desc((r) => r.pending);
    case 'msgs_to':
      return desc((r) => r.outMsgs);
    case 'msgs_from':
      return desc((r) => r.inMsgs);
    case 'bytes_to':
      return desc((r) => r.outBytes);
    case 'bytes_from':
      return desc((r) => r.inBytes);
    case 'last':
      return desc((r) => r.last);
    case 'idle':
      // nats-server orders "idle" by last activity minus start, largest first.
      return desc((r) => r.last - r.start);
    case 'uptime':
      return asc((r) => (r.stop ?? now) - r.start);
    case 'stop':
      return desc((r) => r.stop ?? 0);
    case 'reason':
      return (a, b) => (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : a.cid - b.cid);
  }
}

/** A SubDetail with nats-server's key order and omissions. */
export function makeSubDetail(subject: string, queue: string | null, sid: string, msgs: number, max: number, cid: number, account?: string): SubDetail {
  const d: Partial<SubDetail> = {};
  if (account) d.account = account;
  d.subject = subject;
  if (queue) d.qgroup = queue;
  d.sid = sid;
  d.msgs = msgs;
  if (max > 0) d.max = max;
  d.cid = cid;
  return d as SubDetail;
}

function subDetail(sub: Subscription, cid: number): SubDetail {
  return makeSubDetail(sub.subject, sub.queue, sub.sid, sub.nm, sub.max, cid);
}

interface FillOpts {
  auth: boolean;
  subs: boolean;
  subsDetail: boolean;
}

/**
 * An open connection's address and times as every monitoring view shows them (connz, routez,
 * gatewayz), in nats-server's key order: ip, port, start, last_activity, rtt, uptime, idle.
 */
export function openTimes(c: ConnectionView, now: number) {
  return {
    ip: c.host,
    port: c.port,
    start: rfc3339(c.start),
    last_activity: rfc3339(c.lastActivity),
    rtt: goDuration(msToNs(c.rtt)),
    uptime: uptimeString(now - c.start.getTime()),
    idle: uptimeString(now - c.lastActivity),
  };
}

/** A connection's message and byte counts in nats-server's key order. */
export function trafficCounts(c: { inMsgs: number; outMsgs: number; inBytes: number; outBytes: number }) {
  return { in_msgs: c.inMsgs, out_msgs: c.outMsgs, in_bytes: c.inBytes, out_bytes: c.outBytes };
}

function fillOpen(c: ClientView, now: number, f: FillOpts): ConnInfo {
  const ci: ConnInfo = {
    cid: c.cid,
    kind: 'Client',
    type: 'nats',
    ...openTimes(c, now),
    pending_bytes: c.pendingBytes,
    ...trafficCounts(c),
    subscriptions: c.subs.size,
  };
  if (c.opts.name) ci.name = c.opts.name;
  if (c.opts.lang) ci.lang = c.opts.lang;
  if (c.opts.version) ci.version = c.opts.version;
  if (f.auth) {
    if (c.user) ci.authorized_user = c.user;
    if (c.account.name !== GLOBAL_ACCOUNT) ci.account = c.account.name;
  }
  if (c.subs.size > 0) {
    if (f.subsDetail) ci.subscriptions_list_detail = [...c.subs.values()].map((s) => subDetail(s, c.cid));
    else if (f.subs) ci.subscriptions_list = [...c.subs.values()].map((s) => s.subject);
  }
  if (f.auth && c.opts.jwt) ci.jwt = c.opts.jwt;
  return ci;
}

function fillClosed(cc: ClosedClientInfo, f: FillOpts): ConnInfo {
  const stop = cc.stop.getTime();
  const last = cc.lastActivity?.getTime() ?? stop;
  const detail = cc.subsDetail ?? cc.subscriptions.map((subject) => ({ subject, queue: null, sid: '', msgs: 0, max: 0 }));
  const ci: ConnInfo = {
    cid: cc.cid,
    kind: 'Client',
    type: 'nats',
    ip: cc.host,
    port: cc.port,
    start: rfc3339(cc.start),
    last_activity: rfc3339(last),
    stop: rfc3339(cc.stop),
    reason: cc.reason,
    rtt: goDuration(msToNs(cc.rtt)),
    uptime: uptimeString(stop - cc.start.getTime()),
    idle: uptimeString(stop - last),
    pending_bytes: 0,
    ...trafficCounts(cc),
    subscriptions: detail.length,
  };
  if (!ci.reason) delete ci.reason;
  if (cc.name) ci.name = cc.name;
  if (cc.lang) ci.lang = cc.lang;
  if (cc.version) ci.version = cc.version;
  if (f.auth) {
    if (cc.user) ci.authorized_user = cc.user;
    if (cc.account && cc.account !== GLOBAL_ACCOUNT) ci.account = cc.account;
  }
  if (detail.length > 0) {
    if (f.subsDetail) {
      // nats-server keeps closed connections' subscriptions with their account.
      ci.subscriptions_list_detail = detail.map((d) => makeSubDetail(d.subject, d.queue, d.sid, d.msgs, d.max, cc.cid, cc.account));
    } else if (f.subs) ci.subscriptions_list = detail.map((d) => d.subject);
  }
  return ci;
}

/**
 * /connz: open and/or closed client connections, filtered, sorted and paged (sorting and paging
 * happen before the page's entries are built). Throws MonitorError (400) with nats-server's text
 * for an unknown sort key, stop/reason sorting of non-closed connections, or filter_subject
 * without acc.
 */
export function connz(server: MonitoredServer, options: ConnzOptions = {}): Connz {
  const plan = runSync(planConnz(server, options));
  plan.result.connections = plan.page.map(plan.fill);
  plan.result.num_connections = plan.result.connections.length;
  return plan.result;
}

/**
 * /connz as JSON text (JSON.stringify(connz(...), null, indent)), rendered without holding the
 * event loop: see connzChunks.
 */
export async function connzJson(server: MonitoredServer, options: ConnzOptions = {}, indent = 0): Promise<string> {
  return (await connzBody(server, options, indent)).toString('utf8');
}

/** connzJson as one Buffer. */
export async function connzBody(server: MonitoredServer, options: ConnzOptions = {}, indent = 0): Promise<Buffer> {
  return collectChunks(await connzChunks(server, options, indent));
}

/**
 * /connz as the UTF-8 chunks the HTTP endpoint streams. The options are checked at once (a bad one
 * rejects with MonitorError before any chunk); the connections are then collected, and the page
 * chosen, a slice at a time, and the page's entries built and serialized a slice at a time, with
 * the event loop turning in between: a view of thousands of connections with their subscriptions
 * does not stall delivery. The counts (num_connections, total) are those of the snapshot; a
 * connection that closes while the page is rendered is still listed, as it is by then.
 */
export async function connzChunks(server: MonitoredServer, options: ConnzOptions = {}, indent = 0): Promise<Chunks> {
  const plan = await runSliced(planConnz(server, options));
  plan.result.num_connections = plan.page.length;
  return renderChunks(plan.result, plan.page, plan.fill, indent);
}

interface ConnzPlan {
  /** The view without its entries. */
  result: Connz;
  /** The page of connections, sorted. */
  page: Row[];
  fill: (r: Row) => ConnInfo;
}

/** The options checked at once (throws MonitorError), then the snapshot: one step per connection. */
function planConnz(server: MonitoredServer, options: ConnzOptions): Steps<ConnzPlan> {
  const sortIn = options.sort ?? '';
  const sort: SortOpt = sortIn === '' ? 'cid' : (sortIn as SortOpt);
  if (!(SORT_OPTIONS as readonly string[]).includes(sort)) throw new MonitorError(`invalid sorting option: ${sortIn}`);
  const state = options.state ?? 'open';
  if (sort === 'stop' && state !== 'closed') throw new MonitorError('sort by stop only valid on closed connections');
  if (sort === 'reason' && state !== 'closed') throw new MonitorError('sort by reason only valid on closed connections');
  const acc = options.acc ?? '';
  if (options.filterSubject && options.filterSubject !== '>' && acc === '') throw new MonitorError('filter by subject only valid with account filtering');
  return snapshotConnz(server, options, sort, state);
}

function* snapshotConnz(server: MonitoredServer, options: ConnzOptions, sort: SortOpt, state: string): Steps<ConnzPlan> {
  const auth = options.auth === true;
  const subsDetail = options.subs === 'detail';
  const subs = options.subs === true;
  const offset = Math.max(0, options.offset ?? 0);
  let limit = options.limit ?? 0;
  if (limit <= 0) limit = DEFAULT_LIST_SIZE;
  const cid = options.cid ?? 0;
  if (cid > 0) limit = 1;
  const acc = options.acc ?? '';
  const user = options.user ?? '';
  const filter = options.filterSubject && options.filterSubject !== '>' ? options.filterSubject : '';

  const now = Date.now();
  const result: Connz = { server_id: server.serverId, now: rfc3339(now), num_connections: 0, total: 0, offset, limit, connections: [] };
  const f: FillOpts = { auth, subs, subsDetail };
  const fill = (r: Row): ConnInfo => (r.open !== null ? fillOpen(r.open, now, f) : fillClosed(r.closed!, f));
  if (acc !== '' && !server.accounts.has(acc)) return { result, page: [], fill };

  const wantOpen = state === 'open' || state === 'any';
  const wantClosed = state === 'closed' || state === 'any';
  // Open connections are listed in accept order, which is cid order: sorted by cid (or start)
  // they are taken as they come. Otherwise only the best offset+limit rows are kept as they come.
  const inOrder = (sort === 'cid' || sort === 'start') && !wantClosed;
  const best = inOrder ? null : new TopK<Row>(offset + limit, comparator(sort, now));
  const page: Row[] = [];
  let total = 0;
  let matched = 0;
  const take = (r: Row): void => {
    if (best !== null) best.add(r);
    else if (matched >= offset && matched < offset + limit) page.push(r);
    matched++;
  };

  if (wantOpen) {
    // A Map's iterator survives changes between slices: a client gone meanwhile is skipped, a new one seen.
    for (const c of server.clients.values()) {
      yield;
      if (acc !== '' && c.account.name !== acc) continue;
      total++;
      if (cid > 0 && c.cid !== cid) continue;
      if (user !== '' && (c.user ?? c.opts.user) !== user) continue;
      if (options.mqttClient) continue;
      if (filter !== '' && ![...c.subs.values()].some((s) => subjectsCollide(filter, s.subject))) continue;
      take(openRow(c));
    }
  }
  if (wantClosed) {
    // A copy: the history drops its oldest entries as connections close.
    for (const cc of server.monitor.closed.slice()) {
      yield;
      if (acc !== '' && cc.account !== acc) continue;
      total++;
      if (cid > 0 && cc.cid !== cid) continue;
      if (user !== '' && cc.user !== user) continue;
      if (options.mqttClient) continue;
      take(closedRow(cc));
    }
  }
  result.total = total;
  return { result, page: best === null ? page : (yield* best.drain()).slice(offset), fill };
}
