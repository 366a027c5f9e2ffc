import { describe, expect, it } from 'vitest';
import type { Gatewayz, Routez } from '@switchboard/shared';
import { gatewayLinks, routePeers, varzGateway } from './model';

const conn = (over: Record<string, unknown> = {}) =>
  ({ cid: 1, ip: '127.0.0.1', port: 7222, start: '', last_activity: '', uptime: '5s', idle: '0s', pending_bytes: 0, in_msgs: 3, out_msgs: 4, in_bytes: 30, out_bytes: 40, subscriptions: 0, ...over }) as never;

const gatewayz = (over: Partial<Gatewayz> = {}): Gatewayz => ({ server_id: 'S', now: '', name: 'east', port: 7222, outbound_gateways: {}, inbound_gateways: {}, ...over });

describe('gatewayLinks', () => {
  it('a connected outbound link carries its traffic, inbound traffic added, and interest modes per account', () => {
    const gw = gatewayz({
      outbound_gateways: { west: { configured: true, connection: conn(), accounts: [{ name: '$G', interest_mode: 'Optimistic', no_interest_count: 2 }] } },
      inbound_gateways: { west: [{ configured: false, connection: conn({ in_msgs: 10, out_msgs: 0, in_bytes: 100, out_bytes: 0 }), accounts: [{ name: 'A', interest_mode: 'Interest-Only' }] }] },
    });
    const [l] = gatewayLinks(gw, varzGateway({ name: 'east', gateways: [{ name: 'west', urls: ['nats://127.0.0.1:7222'] }] }), new Map(), 1000);
    expect(l).toMatchObject({ remote: 'west', configured: true, outbound: 'connected', inbound: 1, inMsgs: 13, outMsgs: 4, inBytes: 130, outBytes: 40, address: '127.0.0.1:7222', urls: ['nats://127.0.0.1:7222'] });
    expect(l.accounts).toEqual([{ name: '$G', mode: 'Optimistic', noInterest: 2 }]);
    expect(l.inboundAccounts).toEqual([{ name: 'A', mode: 'Interest-Only', noInterest: undefined }]);
  });

  it('a configured remote never connected is not-connected; once seen up and gone, it is lost with when it was last up', () => {
    const seen = new Map<string, number>();
    const varz = varzGateway({ name: 'east', gateways: [{ name: 'east', urls: [] }, { name: 'west', urls: ['nats://h:1'] }] });
    expect(gatewayLinks(gatewayz(), varz, seen, 1000).map((l) => [l.remote, l.outbound])).toEqual([['west', 'not-connected']]);
    gatewayLinks(gatewayz({ outbound_gateways: { west: { configured: true, connection: conn() } } }), varz, seen, 2000);
    const [lost] = gatewayLinks(gatewayz(), varz, seen, 3000);
    expect(lost).toMatchObject({ remote: 'west', outbound: 'lost', lastSeen: 2000, inMsgs: 0 });
    const [back] = gatewayLinks(gatewayz({ outbound_gateways: { west: { configured: true, connection: conn() } } }), varz, seen, 4000);
    expect(back.outbound).toBe('connected');
  });

  it('varzGateway reads only well-formed entries', () => {
    expect(varzGateway(undefined)).toEqual({});
    expect(varzGateway({ name: 'x', gateways: [{ name: 'y' }, null, { urls: [] }] })).toEqual({ name: 'x', gateways: [{ name: 'y' }] });
  });
});

const route = (id: string, over: Record<string, unknown> = {}) =>
  ({ rid: 1, remote_id: id, did_solicit: true, is_configured: true, ip: '127.0.0.1', port: 6222, start: '', last_activity: '', uptime: '1s', idle: '0s', pending_size: 0, in_msgs: 1, out_msgs: 2, in_bytes: 3, out_bytes: 4, subscriptions: 5, ...over }) as Routez['routes'][number];
const routez = (routes: Routez['routes']): Routez => ({ server_id: 'S', now: '', num_routes: routes.length, routes });

describe('routePeers', () => {
  it('names peers from STATSZ, keeps lost ones with their last time, and drops an old id when the name is back under a new one', () => {
    const seen = new Map<string, number>();
    const names = new Map([
      ['N1', 'b'],
      ['N2', 'a'],
      ['N3', 'a'],
    ]);
    expect(routePeers(routez([route('N1'), route('N2')]), names, seen, 10).map((p) => [p.name, p.state])).toEqual([
      ['a', 'connected'],
      ['b', 'connected'],
    ]);
    expect(routePeers(routez([route('N1')]), names, seen, 20).map((p) => [p.name, p.state, p.lastSeen])).toEqual([
      ['a', 'lost', 10],
      ['b', 'connected', 20],
    ]);
    // "a" restarted with id N3: one row for it, connected.
    expect(routePeers(routez([route('N1'), route('N3')]), names, seen, 30).map((p) => [p.id, p.state])).toEqual([
      ['N3', 'connected'],
      ['N1', 'connected'],
    ]);
  });
});
