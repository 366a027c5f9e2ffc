import { randomBytes } from 'node:crypto';
import type { ExportAuth } from '../config/account-rules.js';
import type { AccountRef, InternalSubscriptionSpec, Subscription } from '../contracts/index.js';
import { Sublist } from '../subjects/sublist.js';
import { Sub } from './subscription.js';

export type ResponseType = 'singleton' | 'stream' | 'chunked';

export interface StreamExport extends ExportAuth {
  subject: string;
}

export interface ServiceExport extends ExportAuth {
  subject: string;
  responseType: ResponseType;
  /** Milliseconds a response mapping waits for its (next) response. */
  threshold: number;
}

/** A request crossing into this (exporting) account, waiting for its response(s). */
export interface ResponseMapping {
  /** The requester's account and reply subject. */
  account: Account;
  reply: string;
  responseType: ResponseType;
  threshold: number;
  /** Last activity (ms); expired after `threshold` without a response. */
  touched: number;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function randomBase62(n: number): string {
  const bytes = randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += BASE62[bytes[i] % 62];
  return s;
}

/** Told of every sublist insert and remove (the server's interest seam). */
export type InterestSink = (account: Account, sub: Sub, added: boolean) => void;

/**
 * An isolated subject space: its sublist, its clients, its exports and the internal
 * subscriptions of its imports. Every sublist change goes through `addSub`/`removeSub`, so the
 * interest seam sees all of them.
 */
export class Account implements AccountRef {
  readonly sublist = new Sublist<Sub>();
  /** Number of client connections bound to this account (local). */
  numClients = 0;

  streamExports: StreamExport[] = [];
  serviceExports: ServiceExport[] = [];
  /** Internal subscriptions this account's imports placed (in its own or in exporters' sublists). */
  importSubs: Array<{ account: Account; sub: Sub }> = [];
  /** `_R_.<prefix>.` replies generated for requests into this account's services. */
  readonly responsePrefix = `_R_.${randomBase62(6)}.`;
  readonly responses = new Map<string, ResponseMapping>();
  /** The internal `_R_.<prefix>.>` subscription, placed on the first cross-account request. */
  responseSub: Sub | null = null;

  constructor(
    readonly name: string,
    private readonly interest: InterestSink,
  ) {}

  /** Inserts into the sublist and tells the interest seam. Throws InvalidSubjectError. */
  addSub(sub: Sub): void {
    if (this.sublist.insert(sub)) this.interest(this, sub, true);
  }

  /** Marks the subscription closed, removes it and tells the interest seam. */
  removeSub(sub: Subscription): void {
    const s = sub as Sub;
    s.closed = true;
    if (this.sublist.remove(s)) this.interest(this, s, false);
  }

  addInternalSub(spec: InternalSubscriptionSpec): Sub {
    const sub = new Sub(null, spec.subject, spec.queue ?? null, spec.sid, spec.handler, spec.advertise, spec.forwards ?? false);
    this.addSub(sub);
    return sub;
  }
}
