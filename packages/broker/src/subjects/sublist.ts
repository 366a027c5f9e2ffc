import { tokensMatch, isValidSublistSubject } from '@switchboard/shared';

/** What the sublist stores: anything with a subject and an optional queue group. */
export interface SublistEntry {
  readonly subject: string;
  readonly queue: string | null;
}

export interface SublistResult<T extends SublistEntry> {
  /** Plain subscriptions. */
  psubs: T[];
  /** One array of members per queue group. */
  qsubs: T[][];
}

class Level<T extends SublistEntry> {
  nodes = new Map<string, Node<T>>();
  pwc: Node<T> | null = null;
  fwc: Node<T> | null = null;

  get size(): number {
    return this.nodes.size + (this.pwc ? 1 : 0) + (this.fwc ? 1 : 0);
  }
}

class Node<T extends SublistEntry> {
  next: Level<T> | null = null;
  psubs = new Set<T>();
  qsubs: Map<string, Set<T>> | null = null;

  isEmpty(): boolean {
    return this.psubs.size === 0 && (this.qsubs === null || this.qsubs.size === 0) && (this.next === null || this.next.size === 0);
  }
}

/** The result for subjects that can match nothing; shared, never to be mutated. */
const EMPTY_RESULT: SublistResult<SublistEntry> = Object.freeze({ psubs: Object.freeze([]) as unknown as SublistEntry[], qsubs: Object.freeze([]) as unknown as SublistEntry[][] });

const CACHE_MAX = 1024;
const CACHE_SWEEP = 256;

/** What readers of a sublist (monitoring, modules) may use: lookups and statistics, no changes. */
export interface ReadonlySublist<T extends SublistEntry> {
  readonly size: number;
  readonly cacheSize: number;
  readonly stats: Readonly<{ inserts: number; removes: number; matches: number; cacheHits: number }>;
  match(subject: string): SublistResult<T>;
  all(): T[];
  each(): Generator<T>;
  cacheFanout(): { max: number; total: number; count: number };
}

export class InvalidSubjectError extends Error {
  constructor(subject: string) {
    super(`invalid subject "${subject}"`);
  }
}

/**
 * Subscription index: a trie of subject tokens with '*' and '>' branches, and a cache of
 * match results keyed by literal subject. Inserts and removes update only the cached results
 * the changed subscription could affect.
 */
export class Sublist<T extends SublistEntry> implements ReadonlySublist<T> {
  private root = new Level<T>();
  private cache: Map<string, SublistResult<T>> | null;
  private count = 0;
  stats = { inserts: 0, removes: 0, matches: 0, cacheHits: 0 };

  constructor(opts: { cache?: boolean } = {}) {
    this.cache = opts.cache === false ? null : new Map();
  }

  get size(): number {
    return this.count;
  }

  get cacheSize(): number {
    return this.cache ? this.cache.size : 0;
  }

  /** Adds `sub`; returns false when it was already there. Throws InvalidSubjectError. */
  insert(sub: T): boolean {
    const subject = sub.subject;
    if (!isValidSublistSubject(subject)) throw new InvalidSubjectError(subject);
    const tokens = subject.split('.');
    let level = this.root;
    let node: Node<T> | null = null;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (t === '*') {
        node = level.pwc ??= new Node<T>();
      } else if (t === '>') {
        node = level.fwc ??= new Node<T>();
      } else {
        node = level.nodes.get(t) ?? null;
        if (node === null) {
          node = new Node<T>();
          level.nodes.set(t, node);
        }
      }
      if (i < tokens.length - 1) level = node.next ??= new Level<T>();
    }
    const n = node as Node<T>;
    if (sub.queue === null) {
      if (n.psubs.has(sub)) return false;
      n.psubs.add(sub);
    } else {
      n.qsubs ??= new Map();
      let group = n.qsubs.get(sub.queue);
      if (!group) {
        group = new Set();
        n.qsubs.set(sub.queue, group);
      }
      if (group.has(sub)) return false;
      group.add(sub);
    }
    this.count++;
    this.stats.inserts++;
    this.invalidate(subject);
    return true;
  }

  /** Removes `sub`; returns false when it was not present. */
  remove(sub: T): boolean {
    const tokens = sub.subject.split('.');
    const path: Array<[Level<T>, string, Node<T>]> = [];
    let level: Level<T> | null = this.root;
    let node: Node<T> | null = null;
    for (let i = 0; i < tokens.length; i++) {
      if (level === null) return false;
      const t = tokens[i];
      node = t === '*' ? level.pwc : t === '>' ? level.fwc : (level.nodes.get(t) ?? null);
      if (node === null) return false;
      path.push([level, t, node]);
      level = node.next;
    }
    const n = node as Node<T>;
    if (sub.queue === null) {
      if (!n.psubs.delete(sub)) return false;
    } else {
      const group = n.qsubs?.get(sub.queue);
      if (!group || !group.delete(sub)) return false;
      if (group.size === 0) n.qsubs!.delete(sub.queue);
    }
    // Prune empty nodes bottom-up.
    for (let i = path.length - 1; i >= 0; i--) {
      const [lvl, t, nd] = path[i];
      if (!nd.isEmpty()) break;
      if (t === '*') lvl.pwc = null;
      else if (t === '>') lvl.fwc = null;
      else lvl.nodes.delete(t);
    }
    this.count--;
    this.stats.removes++;
    this.invalidate(sub.subject);
    return true;
  }

  /** All subscriptions matching the literal `subject`. The result must not be mutated. */
  match(subject: string): SublistResult<T> {
    this.stats.matches++;
    const cache = this.cache;
    if (cache !== null) {
      const hit = cache.get(subject);
      if (hit !== undefined) {
        this.stats.cacheHits++;
        return hit;
      }
    }
    const tokens = subject.split('.');
    // A subject with an empty token matches nothing and is not cached (as nats-server's match).
    for (let i = 0; i < tokens.length; i++) if (tokens[i].length === 0) return EMPTY_RESULT as SublistResult<T>;
    const result: SublistResult<T> = { psubs: [], qsubs: [] };
    const queues = new Map<string, T[]>();
    matchLevel(this.root, tokens, 0, result, queues);
    for (const members of queues.values()) result.qsubs.push(members);
    if (cache !== null) {
      if (cache.size >= CACHE_MAX) {
        let n = 0;
        for (const key of cache.keys()) {
          cache.delete(key);
          if (++n >= CACHE_SWEEP) break;
        }
      }
      cache.set(subject, result);
    }
    return result;
  }

  /** Fan-out of the cached match results: the largest, the sum and how many (for /subsz). */
  cacheFanout(): { max: number; total: number; count: number } {
    let max = 0;
    let total = 0;
    let count = 0;
    if (this.cache !== null) {
      for (const r of this.cache.values()) {
        const n = r.psubs.length + r.qsubs.length;
        total += n;
        if (n > max) max = n;
        count++;
      }
    }
    return { max, total, count };
  }

  /** Every entry, in no particular order, one at a time (a caller may pause between them; changes meanwhile may or may not be seen). */
  *each(): Generator<T> {
    yield* levelEntries(this.root);
  }

  /** Every entry, in no particular order. */
  all(): T[] {
    const out: T[] = [];
    collect(this.root, out);
    return out;
  }

  private invalidate(pattern: string): void {
    const cache = this.cache;
    if (cache === null || cache.size === 0) return;
    if (pattern.indexOf('*') < 0 && pattern.indexOf('>') < 0) {
      cache.delete(pattern);
      return;
    }
    const p = pattern.split('.');
    for (const key of cache.keys()) {
      if (tokensMatch(p, key)) cache.delete(key);
    }
  }
}

function addNode<T extends SublistEntry>(node: Node<T>, result: SublistResult<T>, queues: Map<string, T[]>): void {
  for (const s of node.psubs) result.psubs.push(s);
  if (node.qsubs !== null) {
    for (const [name, group] of node.qsubs) {
      let members = queues.get(name);
      if (!members) {
        members = [];
        queues.set(name, members);
      }
      for (const s of group) members.push(s);
    }
  }
}

function matchLevel<T extends SublistEntry>(level: Level<T>, tokens: string[], i: number, result: SublistResult<T>, queues: Map<string, T[]>): void {
  const last = i === tokens.length - 1;
  if (level.fwc !== null) addNode(level.fwc, result, queues);
  if (level.pwc !== null) {
    if (last) addNode(level.pwc, result, queues);
    else if (level.pwc.next !== null) matchLevel(level.pwc.next, tokens, i + 1, result, queues);
  }
  const node = level.nodes.get(tokens[i]);
  if (node !== undefined) {
    if (last) addNode(node, result, queues);
    else if (node.next !== null) matchLevel(node.next, tokens, i + 1, result, queues);
  }
}

/** The entries under a level in the order `all()` lists them. */
function* levelEntries<T extends SublistEntry>(level: Level<T>): Generator<T> {
  for (const n of level.nodes.values()) yield* nodeEntries(n);
  if (level.pwc) yield* nodeEntries(level.pwc);
  if (level.fwc) yield* nodeEntries(level.fwc);
}

function* nodeEntries<T extends SublistEntry>(n: Node<T>): Generator<T> {
  yield* n.psubs;
  if (n.qsubs) for (const g of n.qsubs.values()) yield* g;
  if (n.next) yield* levelEntries(n.next);
}

function collect<T extends SublistEntry>(level: Level<T>, out: T[]): void {
  const visit = (n: Node<T>) => {
    for (const s of n.psubs) out.push(s);
    if (n.qsubs) for (const g of n.qsubs.values()) for (const s of g) out.push(s);
    if (n.next) collect(n.next, out);
  };
  for (const n of level.nodes.values()) visit(n);
  if (level.pwc) visit(level.pwc);
  if (level.fwc) visit(level.fwc);
}
