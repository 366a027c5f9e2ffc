/**
 * The account resolver's `$SYS` subscriptions (nats-server events.go `initEventTracking` for
 * MEMORY/URL resolvers, accounts.go `DirAccResolver.Start`/`CacheDirAccResolver.Start` for
 * directory resolvers): pushed account updates, and for a full resolver lookups, lists,
 * deletes and pack requests. The handlers are the jwt library's pure functions; this file only
 * subscribes them in the system account and publishes their replies.
 */
import type { AccountRef, ServerView, Subscription } from '../contracts/index.js';
import { DirResolver } from '../jwt/dir-store.js';
import { MemoryResolver } from '../jwt/resolvers.js';
import {
  RESOLVER_SUBJECTS,
  PACK_QUEUE,
  accountClaimUpdate,
  dirClaimsUpdate,
  dirDelete,
  dirList,
  dirLookup,
  dirPack,
  dirUpdateBySubject,
  operatorKeysOf,
  withServer,
  type HandlerResult,
  type OperatorKeys,
} from '../jwt/sys-handlers.js';
import { VERSION } from '../protocol/version.js';

/** What the subscriptions need of the operator module. */
export interface ResolverHost {
  readonly resolver: import('../jwt/resolvers.js').AccountResolver;
  readonly mode: import('../jwt/options.js').OperatorMode;
  isLoaded(account: string): boolean;
  applyUpdate(account: string, jwt: string): string | undefined;
  /** Whether `reply` is this server's own resolver inbox (a lookup or pack request it sent itself). */
  ownsReply(reply: string): boolean;
}

/** Returns false when the message is not taken (a queue group then offers it to another member). */
type Handler = (subject: string, reply: string, payload: string, raw: Buffer) => boolean | void;

export function installResolverSubscriptions(server: ServerView, host: ResolverHost, sys: AccountRef): Subscription[] {
  const subs: Subscription[] = [];
  let seq = 0;
  let sid = 0;
  const serverInfo = () => ({ name: server.name, host: server.opts.host, id: server.serverId, ver: VERSION, seq: ++seq, jetstream: false, time: new Date().toISOString() });
  const publish = (subject: string, body: string): void => {
    const buf = Buffer.from(body);
    server.deliverMessage(null, sys, subject, '', -1, buf, 0, buf.length);
  };
  const reply = (to: string, r: HandlerResult<Parameters<typeof withServer>[0]>): void => {
    if (r.log) server.logger[r.log.level](r.log.message);
    if (to && r.reply) publish(to, withServer(r.reply, serverInfo()));
  };
  const on = (subject: string, handler: Handler, queue?: string): void => {
    subs.push(
      sys.addInternalSub({
        subject,
        ...(queue ? { queue } : {}),
        sid: `resolver:${++sid}`,
        advertise: true,
        handler: (_s, _from, subj, rep, hdr, buf, start, end) => {
          const raw = buf.subarray(hdr > 0 ? start + hdr : start, end);
          try {
            if (handler(subj, rep, raw.toString('utf8'), raw) === false) return false;
          } catch (e) {
            server.logger.error(`Resolver handler for "${subj}" failed: ${(e as Error).message}`);
          }
          return true;
        },
      }),
    );
  };

  const resolver = host.resolver;
  const op = host.mode.operators[0];
  const operator: OperatorKeys = op ? operatorKeysOf(op) : { operator: '', keys: new Set(host.mode.trust.trustedKeys), strict: false };

  if (!(resolver instanceof DirResolver)) {
    // MEMORY and URL: only accounts already loaded are updated.
    const update: Handler = (subject, rep, payload) =>
      reply(
        rep,
        accountClaimUpdate(subject, payload, {
          isLoaded: (a) => host.isLoaded(a),
          apply: (a, jwt) => {
            const err = host.applyUpdate(a, jwt);
            if (err === undefined && resolver instanceof MemoryResolver) void resolver.update(a, jwt);
            return err;
          },
        }),
      );
    on(RESOLVER_SUBJECTS.updateOld, update);
    on(RESOLVER_SUBJECTS.update, update);
    return subs;
  }

  const store = resolver.store;
  const ctx = { store, operator, isLoaded: (a: string) => host.isLoaded(a) };
  const update: Handler = (subject, rep, payload) => reply(rep, dirUpdateBySubject(ctx, subject, payload));
  on(RESOLVER_SUBJECTS.updateOld, update);
  on(RESOLVER_SUBJECTS.update, update);
  on(RESOLVER_SUBJECTS.claimsUpdate, (_s, rep, payload) => reply(rep, dirClaimsUpdate(ctx, payload)));
  on(RESOLVER_SUBJECTS.list, (_s, rep) => reply(rep, dirList(store, rep !== '')));
  on(RESOLVER_SUBJECTS.delete, (_s, rep, payload) =>
    reply(rep, dirDelete({ store, operator, ...(host.mode.systemAccount ? { systemAccount: host.mode.systemAccount } : {}) }, payload)),
  );
  if (resolver.kind === 'full') {
    // A server's own lookup and pack requests do not come back to its own handlers: nats-server's
    // system client has no echo. For the pack responder queue this matters: another member (over
    // a route, else in another cluster across a gateway) answers instead of ourselves.
    on(RESOLVER_SUBJECTS.lookup, (subject, rep) => {
      if (host.ownsReply(rep)) return false;
      const r = dirLookup(store, subject, rep !== '');
      if (r.log) server.logger[r.log.level](r.log.message);
      if (rep && r.reply !== undefined) publish(rep, r.reply);
    });
    on(
      RESOLVER_SUBJECTS.pack,
      (_s, rep, _payload, raw) => {
        if (host.ownsReply(rep)) return false;
        const r = dirPack(store, new Uint8Array(raw), rep !== '');
        if (r.log) server.logger[r.log.level](r.log.message);
        if (rep && r.reply) for (const m of r.reply) publish(rep, m);
      },
      PACK_QUEUE,
    );
  }
  return subs;
}
