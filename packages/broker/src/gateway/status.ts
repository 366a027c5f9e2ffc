/** How a gateway connection looks to monitoring (GatewayLinkView). */
import type { GatewayAccountState, GatewayLinkView } from '../contracts/index.js';
import { tlsState } from '../core/link-tls.js';
import type { GatewayConnection } from './connection.js';
import type { RemoteGatewayCfg } from './remotes.js';

export function linkView(c: GatewayConnection, r: RemoteGatewayCfg | undefined): GatewayLinkView {
  return {
    conn: c,
    name: c.name,
    remoteId: c.remoteId,
    outbound: c.outbound,
    configured: r !== undefined && !r.implicit,
    subscriptions: c.remoteSubs.size,
    tls: tlsState(c),
    accounts(accountName?: string): GatewayAccountState[] {
      const out: GatewayAccountState[] = [];
      if (c.outbound) {
        for (const [name, e] of c.outsim) {
          if (accountName && name !== accountName) continue;
          out.push(e === null ? { name, mode: 'Optimistic', noInterest: 0, subs: 0, queueSubs: 0 } : { name, mode: e.mode, noInterest: e.ni?.size ?? 0, subs: e.sl.size, queueSubs: e.qsubs });
        }
      } else {
        for (const [name, e] of c.insim) {
          if (accountName && name !== accountName) continue;
          out.push(e === null ? { name, mode: 'Optimistic', noInterest: 0, subs: 0, queueSubs: 0 } : { name, mode: e.mode, noInterest: e.ni?.size ?? 0, subs: 0, queueSubs: 0 });
        }
      }
      return out;
    },
  };
}
