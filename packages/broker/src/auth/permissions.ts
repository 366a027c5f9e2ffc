/**
 * Publish/subscribe permissions of one connection (nats-server client.go: setPermissions,
 * canSubscribe, queueMatches, pubAllowedFullCheck, checkDenySub; auth.go:
 * validateResponsePermissions).
 *
 * Semantics kept from nats-server 2.9.10:
 * - subjects asked for are matched against the configured patterns as literal token strings,
 *   so a requested `*`/`>` token is matched only by a `*`/`>` pattern token (allow `foo.*`
 *   admits `SUB foo.>`);
 * - a publish `allow` list that exists but is empty denies everything (allow_responses installs
 *   it); an empty subscribe `allow` is no restriction;
 * - deny beats allow; a wildcard subscription wider than a subscribe deny is accepted and the
 *   denied subjects are filtered at delivery;
 * - `allow_responses` lets a client publish to reply subjects of messages delivered to it, up to
 *   `maxMsgs` times within `expires` (negative or zero = unlimited for the check).
 */
import { hasWildcard, splitTokens, subjectIsSubsetOf, tokensMatch, type Permissions, type SubjectPermission } from '@switchboard/shared';
import type { ClientPermissions } from '../contracts/index.js';

/** Publish results cached per connection (nats-server keeps 128; we keep more, same pruning idea). */
export const PUB_CACHE_MAX = 1024;
/** Delivery-filter results cached per connection. */
export const DENY_CACHE_MAX = 256;
/** Recorded reply subjects before expired/used ones are pruned. */
export const REPLY_LIMIT = 4096;

export const DEFAULT_RESPONSE_MAX_MSGS = 1;
export const DEFAULT_RESPONSE_EXPIRES_MS = 2 * 60 * 1000;

/** One permission entry: a subject pattern and, for subscribe entries, an optional queue pattern. */
interface Entry {
  tokens: string[];
  queue: string | null;
}

function splitEntry(raw: string, withQueue: boolean): Entry | null {
  if (!withQueue) return { tokens: splitTokens(raw), queue: null };
  const parts = raw.trim().split(/\s+/);
  if (parts.length === 0 || parts[0] === '' || parts.length > 2) return null;
  return { tokens: splitTokens(parts[0]), queue: parts.length === 2 ? parts[1] : null };
}

/** A list of allow or deny entries. */
class EntryList {
  readonly entries: Entry[];

  constructor(raw: readonly string[], withQueue: boolean) {
    this.entries = [];
    for (const r of raw) {
      const e = splitEntry(r, withQueue);
      if (e !== null) this.entries.push(e);
    }
  }

  /** Any plain (queue-less) entry matches the subject (its tokens taken literally). */
  matchesSubject(subject: string): boolean {
    const entries = this.entries;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      if (e.queue === null && tokensMatch(e.tokens, subject)) return true;
    }
    return false;
  }

  /** Queue patterns of the queue-qualified entries that match the subject. */
  matchingQueues(subject: string): string[] {
    let out: string[] | null = null;
    for (const e of this.entries) {
      if (e.queue !== null && tokensMatch(e.tokens, subject)) (out ??= []).push(e.queue);
    }
    return out ?? [];
  }
}

/** nats-server's queueMatches: literal queue name equality, or a wildcard queue pattern covering it. */
function queueMatches(queue: string, patterns: string[]): boolean {
  if (patterns.length === 0) return true;
  for (const q of patterns) {
    if (queue === q || (hasWildcard(q) && subjectIsSubsetOf(queue, q))) return true;
  }
  return false;
}

/** Applies nats-server's response-permission defaults: a bare allow_responses denies other publishes. */
export function normalizePermissions(p: Permissions | undefined): Permissions | undefined {
  if (p === undefined || p.allowResponses === undefined) return p;
  const publish: SubjectPermission = { ...(p.publish ?? {}) };
  publish.allow ??= [];
  const r = p.allowResponses;
  return {
    ...p,
    publish,
    allowResponses: {
      maxMsgs: r.maxMsgs === 0 ? DEFAULT_RESPONSE_MAX_MSGS : r.maxMsgs,
      expires: r.expires === 0 ? DEFAULT_RESPONSE_EXPIRES_MS : r.expires,
    },
  };
}

interface ReplyGrant {
  at: number;
  n: number;
}

/** The permissions bound to one connection. Implements the client's hot-path interface. */
export class PermissionSet implements ClientPermissions {
  private readonly pubAllow: EntryList | null;
  private readonly pubDeny: EntryList | null;
  private readonly subAllow: EntryList | null;
  private readonly subDeny: EntryList | null;
  /** Raw subscribe deny entries, for the delivery filter. */
  private readonly denyRaw: readonly string[];
  private readonly respMax: number;
  private readonly respExpires: number;
  private readonly pubCache = new Map<string, boolean>();
  /** Delivery filter, loaded once a wildcard subscription wider than a deny entry exists. */
  private msgDeny: { list: EntryList; cache: Map<string, boolean> } | null = null;
  private replies: Map<string, ReplyGrant> | null = null;

  constructor(perms: Permissions) {
    const p = normalizePermissions(perms) ?? {};
    const pub = p.publish;
    this.pubAllow = pub?.allow !== undefined ? new EntryList(pub.allow, false) : null;
    this.pubDeny = pub?.deny !== undefined && pub.deny.length > 0 ? new EntryList(pub.deny, false) : null;
    const sub = p.subscribe;
    this.subAllow = sub?.allow !== undefined && sub.allow.length > 0 ? new EntryList(sub.allow, true) : null;
    this.subDeny = sub?.deny !== undefined && sub.deny.length > 0 ? new EntryList(sub.deny, true) : null;
    this.denyRaw = sub?.deny ?? [];
    if (p.allowResponses !== undefined) {
      this.respMax = p.allowResponses.maxMsgs;
      this.respExpires = p.allowResponses.expires;
      this.replies = new Map();
    } else {
      this.respMax = 0;
      this.respExpires = 0;
    }
  }

  /** Whether publishing has any restriction at all (else canPublish is always true). */
  get restrictsPublish(): boolean {
    return this.pubAllow !== null || this.pubDeny !== null;
  }

  canPublish(subject: string): boolean {
    if (this.pubAllow === null && this.pubDeny === null) return true;
    let allowed = this.pubCache.get(subject);
    if (allowed === undefined) {
      allowed = this.checkPublish(subject);
      if (this.pubCache.size >= PUB_CACHE_MAX) prune(this.pubCache);
      this.pubCache.set(subject, allowed);
    }
    if (allowed || this.replies === null) return allowed;
    return this.useReply(subject);
  }

  private checkPublish(subject: string): boolean {
    let allowed = true;
    if (this.pubAllow !== null) allowed = this.pubAllow.matchesSubject(subject);
    if (allowed && this.pubDeny !== null) allowed = !this.pubDeny.matchesSubject(subject);
    return allowed;
  }

  /** A publish to a reply subject recorded by allow_responses (consumes one use). */
  private useReply(subject: string): boolean {
    const replies = this.replies as Map<string, ReplyGrant>;
    const g = replies.get(subject);
    if (g === undefined) return false;
    g.n++;
    if (this.respMax > 0 && g.n > this.respMax) {
      replies.delete(subject);
      return false;
    }
    if (this.respExpires > 0 && Date.now() - g.at > this.respExpires) {
      replies.delete(subject);
      return false;
    }
    return true;
  }

  onDeliveredReply(reply: string): void {
    const replies = this.replies;
    if (replies === null) return;
    replies.set(reply, { at: Date.now(), n: 0 });
    if (replies.size > REPLY_LIMIT) this.pruneReplies();
  }

  private pruneReplies(): void {
    const replies = this.replies as Map<string, ReplyGrant>;
    const now = Date.now();
    for (const [k, g] of replies) {
      if ((this.respMax > 0 && g.n >= this.respMax) || (this.respExpires > 0 && now - g.at > this.respExpires)) replies.delete(k);
    }
  }

  canSubscribe(subject: string, queue: string | null): boolean {
    let allowed = true;
    if (this.subAllow !== null) {
      allowed = this.subAllow.matchesSubject(subject);
      if (queue !== null && queue !== '') {
        const qs = this.subAllow.matchingQueues(subject);
        if (qs.length > 0) allowed = queueMatches(queue, qs);
      }
    }
    if (allowed && this.subDeny !== null) {
      allowed = !this.subDeny.matchesSubject(subject);
      if (queue !== null && queue !== '') {
        const qs = this.subDeny.matchingQueues(subject);
        if (qs.length > 0) allowed = !queueMatches(queue, qs);
      }
      if (allowed && this.msgDeny === null && hasWildcard(subject)) {
        for (const d of this.denyRaw) {
          if (subjectIsSubsetOf(d, subject)) {
            this.msgDeny = { list: new EntryList(this.denyRaw, false), cache: new Map() };
            break;
          }
        }
      }
    }
    return allowed;
  }

  canDeliver(subject: string): boolean {
    const f = this.msgDeny;
    if (f === null) return true;
    let denied = f.cache.get(subject);
    if (denied === undefined) {
      denied = f.list.matchesSubject(subject);
      if (f.cache.size >= DENY_CACHE_MAX) prune(f.cache);
      f.cache.set(subject, denied);
    }
    return !denied;
  }

  /** Drops the delivery filter; `canSubscribe` rebuilds it when a subscription needs it (reload). */
  resetDeliveryFilter(): void {
    this.msgDeny = null;
  }

  /** For tests and monitoring. */
  get cacheSizes(): { publish: number; deny: number; replies: number } {
    return { publish: this.pubCache.size, deny: this.msgDeny?.cache.size ?? 0, replies: this.replies?.size ?? 0 };
  }
}

/**
 * Makes room in a full bounded cache. Dropping everything is far cheaper in V8 than deleting
 * entries one by one (deleted slots linger until a rehash), and a working set that fits is
 * back in the cache after one pass.
 */
function prune<K, V>(m: Map<K, V>): void {
  m.clear();
}

/** Permissions for a connection, or null when the user has none (no checks at all). */
export function permissionsFor(p: Permissions | undefined): PermissionSet | null {
  return p === undefined ? null : new PermissionSet(p);
}
