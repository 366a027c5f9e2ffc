import {
  MonitorError,
  type AccountInfo,
  type AccountStatz,
  type AccountStatzOptions,
  type Accountz,
  type AccountzOptions,
  type ExtExport,
  type ExtImport,
  type Export,
  type Import,
  type Mappings,
} from '@switchboard/shared';
import type { AccountRef } from '../contracts/index.js';
import { GLOBAL_ACCOUNT } from '../protocol/accounts.js';
import { systemAccountName, systemExports, systemImports } from '../protocol/sys-subjects.js';
import { rfc3339 } from './format.js';
import type { MonitoredServer } from './module.js';
import { sublistStats } from './subsz.js';

const RESPONSE_TYPE: Record<string, string> = { singleton: 'Singleton', stream: 'Streamed', chunked: 'Chunked' };

/** An export of the config model as accountz reports it. */
export function extExport(e: Export): ExtExport {
  const out: Partial<ExtExport> = {};
  if (e.service !== undefined) {
    out.subject = e.service;
    out.type = 'service';
    out.response_type = RESPONSE_TYPE[e.responseType ?? 'singleton'];
    if (e.latency) out.service_latency = { sampling: e.latency.sampling === 'headers' ? 'headers' : e.latency.sampling, results: e.latency.subject };
  } else {
    out.subject = e.stream!;
    out.type = 'stream';
  }
  if (e.accounts && e.accounts.length > 0) out.approved_accounts = [...e.accounts];
  return out as ExtExport;
}

/** An import of the config model as accountz reports it (service: subject = local, to = remote). */
export function extImport(i: Import): ExtImport {
  if (i.service) {
    const local = i.to ?? i.service.subject;
    return { subject: local, account: i.service.account, to: i.service.subject, type: 'service', invalid: false, share: i.share === true, tracking: false };
  }
  const s = i.stream!;
  const local = i.to ?? (i.prefix ? `${i.prefix}.${s.subject}` : s.subject);
  return { subject: s.subject, account: s.account, local_subject: local, type: 'stream', invalid: false, share: false, tracking: false };
}

function mappingsJson(m: Mappings | undefined): AccountInfo['mappings'] {
  if (!m || Object.keys(m).length === 0) return undefined;
  const out: NonNullable<AccountInfo['mappings']> = {};
  for (const [src, dest] of Object.entries(m)) {
    out[src] = typeof dest === 'string' ? [{ subject: dest, weight: 100 }] : dest.map((d) => (d.cluster ? { subject: d.destination, weight: d.weight, cluster: d.cluster } : { subject: d.destination, weight: d.weight }));
  }
  return out;
}

/** The detail of one account (accountz `account_detail`, $SYS.REQ.ACCOUNT.<acc>.INFO). */
export function accountInfo(server: MonitoredServer, name: string): AccountInfo {
  const acc = server.accounts.get(name);
  if (acc === undefined) throw new MonitorError(`Account ${name} does not exist`);
  const tracker = server.monitor.tracker;
  const cfg = server.opts.accounts?.[name];
  const sys = systemAccountName(server.opts);
  const isSystem = sys === name;
  const exports: ExtExport[] = [...(isSystem ? systemExports() : []), ...(cfg?.exports ?? []).map(extExport)];
  const imports: ExtImport[] = [...(cfg?.imports ?? []).map(extImport), ...(sys !== undefined ? systemImports(sys, name) : [])];
  const info: Partial<AccountInfo> = { account_name: name, update_time: rfc3339(tracker.updateTime(acc)) };
  if (isSystem) info.is_system = true;
  info.expired = false;
  info.complete = true;
  info.jetstream_enabled = false;
  info.leafnode_connections = 0;
  info.client_connections = tracker.numConnections(acc);
  info.subscriptions = acc.sublist.size;
  const mappings = mappingsJson(name === GLOBAL_ACCOUNT ? server.opts.mappings : cfg?.mappings);
  if (mappings) info.mappings = mappings;
  if (exports.length > 0) info.exports = exports;
  if (imports.length > 0) info.imports = imports;
  info.sublist_stats = sublistStats(acc);
  return info as AccountInfo;
}

/** /accountz: the account names, or with `acc` that account's detail (400 when unknown). */
export function accountz(server: MonitoredServer, options: AccountzOptions = {}): Accountz {
  const out: Partial<Accountz> = { server_id: server.serverId, now: rfc3339(Date.now()) };
  const sys = systemAccountName(server.opts);
  if (sys) out.system_account = sys;
  if (!options.acc) out.accounts = [...server.accounts.keys()];
  else out.account_detail = accountInfo(server, options.acc);
  return out as Accountz;
}

/** /accstatz: per-account connection and traffic statistics (accounts with local connections unless includeUnused). */
export function accountStatz(server: MonitoredServer, options: AccountStatzOptions = {}): AccountStatz {
  const tracker = server.monitor.tracker;
  const out: AccountStatz = { server_id: server.serverId, now: rfc3339(Date.now()), account_statz: [] };
  const pick = (a: AccountRef) => {
    if (options.includeUnused || tracker.numConnections(a) !== 0) out.account_statz.push(tracker.statz(a));
  };
  if (!options.accounts || options.accounts.length === 0) for (const a of server.accounts.values()) pick(a);
  else
    for (const n of options.accounts) {
      const a = server.accounts.get(n);
      if (a) pick(a);
    }
  return out;
}
