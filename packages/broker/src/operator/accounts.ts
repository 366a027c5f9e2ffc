/**
 * The JWT accounts a server in operator mode has loaded: fetched from the resolver on first
 * use, verified against the trusted operators, turned into broker definitions (exports, and the
 * imports their exporters authorize — activation tokens included) and replaced when an update
 * is pushed. An `AccountSource` for the core's registry: accounts come from config or from a
 * resolver through the same interface.
 */
import type { Export, Import } from '@switchboard/shared';
import type { AccountDefinition, AccountSource } from '../contracts/index.js';
import { accountFromClaims, checkImportAuthorized, type JwtAccount } from '../jwt/account.js';
import type { AccountResolver } from '../jwt/resolvers.js';
import { decodeAccountJwt } from '../jwt/claims.js';
import { verifyAccountJwt, type TrustContext } from '../jwt/trust.js';

export interface LoadedAccount {
  def: JwtAccount;
  /** The JWT's exp has passed (the account stays loaded, its clients are cut). */
  expired: boolean;
  /** When it was last (re)loaded (ms), for nats-server's one-second re-fetch guard. */
  updated: number;
}

export type LoadResult = { ok: true; account: LoadedAccount } | { ok: false; error: string };

/** How deep import chains are followed when loading exporters (nats-server stops at cycles too). */
const MAX_IMPORT_DEPTH = 8;

export class JwtAccounts implements AccountSource {
  readonly loaded = new Map<string, LoadedAccount>();
  private readonly pending = new Map<string, Promise<LoadResult>>();

  constructor(
    private readonly resolver: AccountResolver,
    /** Replaced on reload (pinned accounts). */
    public trust: TrustContext,
    /** Called after the set of definitions changed (the server refreshes its registry). */
    private readonly changed: () => void,
  ) {}

  get(key: string): LoadedAccount | undefined {
    return this.loaded.get(key);
  }

  /** The loaded account, else fetched from the resolver and verified (with the exporters it imports from). */
  load(key: string, depth = 0): Promise<LoadResult> {
    const hit = this.loaded.get(key);
    if (hit) return Promise.resolve({ ok: true, account: hit });
    let p = this.pending.get(key);
    if (p === undefined) {
      p = this.fetch(key, depth).finally(() => this.pending.delete(key));
      this.pending.set(key, p);
    }
    return p;
  }

  private async fetch(key: string, depth: number): Promise<LoadResult> {
    let jwt: string;
    try {
      jwt = await this.resolver.fetch(key);
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
    const hit = this.loaded.get(key);
    if (hit) return { ok: true, account: hit };
    const r = this.verify(key, jwt);
    if (!r.ok) return r;
    this.loaded.set(key, r.account);
    if (depth < MAX_IMPORT_DEPTH) {
      for (const imp of r.account.def.imports) if (!this.loaded.has(imp.account)) await this.load(imp.account, depth + 1);
    }
    this.changed();
    return { ok: true, account: r.account };
  }

  /** Verifies an account JWT for `key`; an expired one is accepted and marked expired. */
  verify(key: string, jwt: string, now: number = Date.now()): LoadResult {
    const v = verifyAccountJwt(jwt, this.trust, now, key);
    if (v.ok) return { ok: true, account: { def: accountFromClaims(v.claims, this.trust), expired: false, updated: now } };
    // An expired account still loads (nats-server marks it expired and refuses its users):
    // check it as of just before its expiry.
    let exp = 0;
    try {
      exp = decodeAccountJwt(jwt).exp;
    } catch {
      return { ok: false, error: v.error };
    }
    if (exp !== 0 && exp * 1000 <= now) {
      const before = verifyAccountJwt(jwt, this.trust, (exp - 1) * 1000, key);
      if (before.ok) return { ok: true, account: { def: accountFromClaims(before.claims, this.trust), expired: true, updated: now } };
    }
    return { ok: false, error: v.error };
  }

  /** Replaces a loaded account's definition (a pushed update); returns the previous one. */
  replace(key: string, next: LoadedAccount): LoadedAccount | undefined {
    const prev = this.loaded.get(key);
    this.loaded.set(key, next);
    this.changed();
    return prev;
  }

  remove(key: string): void {
    if (this.loaded.delete(key)) this.changed();
  }

  // ---- AccountSource -----------------------------------------------------------------------

  definitions(): AccountDefinition[] {
    const out: AccountDefinition[] = [];
    const now = Date.now();
    for (const [key, { def }] of this.loaded) {
      const exports: Export[] = def.exports.map((e) =>
        e.kind === 'stream'
          ? { stream: e.subject }
          : {
              service: e.subject,
              ...(e.responseType !== 'singleton' ? { responseType: e.responseType } : {}),
              ...(e.responseThreshold !== undefined ? { responseThreshold: e.responseThreshold } : {}),
            },
      );
      // Only imports their exporter authorizes (public, token position, or a valid activation token);
      // the exports are then open to them (the authorization was decided here).
      const imports: Import[] = [];
      for (const i of def.imports) {
        const exporter = this.loaded.get(i.account);
        if (!exporter || i.account === key) continue;
        if (!checkImportAuthorized(exporter.def, key, i, now).ok) continue;
        const src = { account: i.account, subject: i.remoteSubject };
        if (i.kind === 'stream') {
          if (i.prefix !== undefined) imports.push({ stream: src, prefix: i.prefix });
          else imports.push(i.localSubject !== i.remoteSubject ? { stream: src, to: i.localSubject } : { stream: src });
        } else {
          imports.push({ service: src, ...(i.localSubject !== i.remoteSubject ? { to: i.localSubject } : {}), ...(i.share ? { share: true } : {}) });
        }
      }
      out.push({ name: key, exports, imports });
    }
    return out;
  }

  /** The earliest activation-token expiry among the authorized imports (unix s), to refresh then. */
  nextActivationExpiry(now: number = Date.now()): number | undefined {
    let min: number | undefined;
    for (const [key, { def }] of this.loaded) {
      for (const i of def.imports) {
        const exporter = this.loaded.get(i.account);
        if (!exporter) continue;
        const r = checkImportAuthorized(exporter.def, key, i, now);
        if (r.ok && r.expiresAt !== undefined && (min === undefined || r.expiresAt < min)) min = r.expiresAt;
      }
    }
    return min;
  }
}
