import { MonitorError, type SublistStats, type SubDetail, type Subsz, type SubszOptions } from '@switchboard/shared';
import type { AccountRef, ServerView, Subscription } from '../contracts/index.js';
import { isValidLiteralSubject, subjectMatches } from '@switchboard/shared';
import type { ReadonlySublist } from '../subjects/sublist.js';
import { DEFAULT_LIST_SIZE, makeSubDetail } from './connz.js';
import { rfc3339 } from './format.js';
import { collectChunks, renderChunks, runSliced, Slicer, type Chunks, type Steps } from './render.js';

/** Raw sums behind SublistStats, so several sublists can be added up as nats-server does. */
interface StatsAcc {
  subs: number;
  cache: number;
  inserts: number;
  removes: number;
  matches: number;
  hits: number;
  maxFanout: number;
  totFanout: number;
  cacheCnt: number;
}

function emptyAcc(): StatsAcc {
  return { subs: 0, cache: 0, inserts: 0, removes: 0, matches: 0, hits: 0, maxFanout: 0, totFanout: 0, cacheCnt: 0 };
}

function addSublist(a: StatsAcc, sl: ReadonlySublist<Subscription>): void {
  a.subs += sl.size;
  a.cache += sl.cacheSize;
  a.inserts += sl.stats.inserts;
  a.removes += sl.stats.removes;
  a.matches += sl.stats.matches;
  a.hits += sl.stats.cacheHits;
  const f = sl.cacheFanout();
  if (f.max > a.maxFanout) a.maxFanout = f.max;
  a.totFanout += f.total;
  a.cacheCnt += f.count;
}

function finish(a: StatsAcc): SublistStats {
  return {
    num_subscriptions: a.subs,
    num_cache: a.cache,
    num_inserts: a.inserts,
    num_removes: a.removes,
    num_matches: a.matches,
    cache_hit_rate: a.matches > 0 ? a.hits / a.matches : 0,
    max_fanout: a.maxFanout,
    avg_fanout: a.cacheCnt > 0 ? a.totFanout / a.cacheCnt : 0,
  };
}

/** SublistStats of one account's sublist. */
export function sublistStats(account: AccountRef): SublistStats {
  const a = emptyAcc();
  addSublist(a, account.sublist);
  return finish(a);
}

/**
 * /subsz: sublist statistics summed over all accounts (or `acc`), and with `subs` a page of
 * subscription details, optionally only those a publish to the literal subject `test` would
 * reach. Internal subscriptions (imports, system handlers) are listed with cid 0. Throws
 * MonitorError (400) for an invalid `test` subject.
 */
export function subsz(server: ServerView, options: SubszOptions = {}): Subsz {
  const offset = Math.max(0, options.offset ?? 0);
  let limit = options.limit ?? 0;
  if (limit <= 0) limit = DEFAULT_LIST_SIZE;
  const test = options.test ?? '';
  if (test !== '' && !isValidLiteralSubject(test)) throw new MonitorError(`invalid test subject, must be valid publish subject: ${test}`);
  const filterAcc = options.acc ?? '';
  const acc = emptyAcc();
  const details: SubDetail[] = [];
  for (const account of server.accounts.values()) {
    if (filterAcc !== '' && account.name !== filterAcc) continue;
    addSublist(acc, account.sublist);
    if (!options.subs) continue;
    for (const sub of account.sublist.all()) {
      if (test !== '' && !subjectMatches(sub.subject, test)) continue;
      details.push(makeSubDetail(sub.subject, sub.queue, sub.sid, sub.nm, sub.max, sub.conn?.cid ?? 0, account.name));
    }
  }
  const stats = finish(acc);
  const out: Subsz = { server_id: server.serverId, now: rfc3339(Date.now()), ...stats, total: 0, offset, limit };
  if (options.subs) {
    const page = details.slice(Math.min(offset, details.length), Math.min(offset + limit, details.length));
    out.total = page.length;
    if (page.length > 0) out.subscriptions_list = page;
  }
  return out;
}

/** What nats-server's HTTP /subsz returns: only the stats when the list is empty. */
export function subszHttpBody(result: Subsz): Subsz | SublistStats {
  if (result.subscriptions_list && result.subscriptions_list.length > 0) return result;
  return {
    num_subscriptions: result.num_subscriptions,
    num_cache: result.num_cache,
    num_inserts: result.num_inserts,
    num_removes: result.num_removes,
    num_matches: result.num_matches,
    cache_hit_rate: result.cache_hit_rate,
    max_fanout: result.max_fanout,
    avg_fanout: result.avg_fanout,
  };
}

/**
 * The HTTP /subsz body (subszHttpBody(subsz(...))) as JSON text, rendered without holding the
 * event loop: the subscriptions are filtered a slice at a time, only the requested page is
 * built, and its entries are serialized in slices.
 */
export async function subszJson(server: ServerView, options: SubszOptions = {}, indent = 0): Promise<string> {
  return (await subszBody(server, options, indent)).toString('utf8');
}

type PageEntry = { sub: Subscription; account: string };

/**
 * The last page found per server: a monitoring client that polls /subsz asks the same question
 * over and over while the subscriptions stay the same, so the walk over every subscription is
 * done again only when a sublist changed (its insert/remove counters moved) or the question did.
 */
const lastPage = new WeakMap<ServerView, { key: string; page: PageEntry[] }>();

/** subszJson as one Buffer. */
export async function subszBody(server: ServerView, options: SubszOptions = {}, indent = 0): Promise<Buffer> {
  return collectChunks(await subszChunks(server, options, indent));
}

/**
 * The HTTP /subsz body as the UTF-8 chunks the endpoint streams: the options are checked at once
 * (MonitorError before any chunk), the subscriptions walked and the page's entries serialized a
 * slice at a time.
 */
export async function subszChunks(server: ServerView, options: SubszOptions = {}, indent = 0): Promise<Chunks> {
  const offset = Math.max(0, options.offset ?? 0);
  let limit = options.limit ?? 0;
  if (limit <= 0) limit = DEFAULT_LIST_SIZE;
  const test = options.test ?? '';
  if (test !== '' && !isValidLiteralSubject(test)) throw new MonitorError(`invalid test subject, must be valid publish subject: ${test}`);
  const filterAcc = options.acc ?? '';
  const acc = emptyAcc();
  const lists: Array<{ sublist: ReadonlySublist<Subscription>; account: string }> = [];
  for (const account of server.accounts.values()) {
    if (filterAcc !== '' && account.name !== filterAcc) continue;
    addSublist(acc, account.sublist);
    if (options.subs) lists.push({ sublist: account.sublist, account: account.name });
  }
  const key = subszKey(server, offset, limit, test, filterAcc);
  const stats = finish(acc);
  const now = rfc3339(Date.now());
  let page: PageEntry[];
  const cached = lastPage.get(server);
  if (options.subs && cached !== undefined && cached.key === key) page = cached.page;
  else {
    page = await runSliced(walkPage(lists, offset, limit, test), new Slicer(64));
    // Only a page walked without a change in between is kept (the counters are read again).
    if (options.subs && key === subszKey(server, offset, limit, test, filterAcc)) lastPage.set(server, { key, page });
  }
  if (page.length === 0) return renderChunks(stats, [], () => null, indent);
  const head: Subsz = { server_id: server.serverId, now, ...stats, total: page.length, offset, limit, subscriptions_list: [] };
  return renderChunks(head, page, ({ sub, account }) => makeSubDetail(sub.subject, sub.queue, sub.sid, sub.nm, sub.max, sub.conn?.cid ?? 0, account), indent);
}

/** The page of subscriptions: one step per subscription. */
function* walkPage(lists: Array<{ sublist: ReadonlySublist<Subscription>; account: string }>, offset: number, limit: number, test: string): Steps<PageEntry[]> {
  const page: PageEntry[] = [];
  let seen = 0;
  for (const { sublist, account } of lists) {
    for (const sub of sublist.each()) {
      yield;
      if (sub.closed) continue;
      if (test !== '' && !subjectMatches(sub.subject, test)) continue;
      if (seen >= offset && seen < offset + limit) page.push({ sub, account });
      seen++;
    }
  }
  return page;
}

function subszKey(server: ServerView, offset: number, limit: number, test: string, filterAcc: string): string {
  let key = `${offset} ${limit} ${test} ${filterAcc}`;
  for (const account of server.accounts.values()) {
    if (filterAcc !== '' && account.name !== filterAcc) continue;
    key += ` ${account.name} ${account.sublist.stats.inserts} ${account.sublist.stats.removes}`;
  }
  return key;
}
