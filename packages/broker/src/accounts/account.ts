import { randomBytes } from 'node:crypto';
import { Sublist } from '../subjects/sublist.js';
import type { Subscription } from '../server/subscription.js';

/** The global account every client without an account binding belongs to. */
export const GLOBAL_ACCOUNT = '$G';
/** Default name of the system account. */
export const SYSTEM_ACCOUNT = '$SYS';

export type ResponseType = 'singleton' | 'stream' | 'chunked';

/** Who may import an export: null = public; else the listed accounts, or the account named at a token position. */
export interface ExportAuth {
  accounts: ReadonlySet<string> | null;
  /** 1-based token of the import subject that must equal the importer's name (0 = unused). */
  tokenPosition: number;
}

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

/** An isolated subject space: its own sublist, clients, exports and the internal subs of its imports. */
export class Account {
  readonly sublist = new Sublist<Subscription>();
  /** Number of client connections bound to this account (local). */
  numClients = 0;

  streamExports: StreamExport[] = [];
  serviceExports: ServiceExport[] = [];
  /** Internal subscriptions this account's imports placed (in its own or in exporters' sublists). */
  importSubs: Array<{ account: Account; sub: Subscription }> = [];
  /** `_R_.<prefix>.` replies generated for requests into this account's services. */
  readonly responsePrefix = `_R_.${randomBase62(6)}.`;
  readonly responses = new Map<string, ResponseMapping>();
  /** The internal `_R_.<prefix>.>` subscription, placed on the first cross-account request. */
  responseSub: Subscription | null = null;

  constructor(readonly name: string) {}
}
