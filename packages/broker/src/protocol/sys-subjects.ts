/** $SYS subjects and event types of nats-server 2.9.10 (events.go). `%s` is filled by sprintf(). */
import type { ExtExport, ExtImport, Options } from '@switchboard/shared';
import { SYSTEM_ACCOUNT } from './accounts.js';

export const CONNECT_EVENT_SUBJ = '$SYS.ACCOUNT.%s.CONNECT';
export const DISCONNECT_EVENT_SUBJ = '$SYS.ACCOUNT.%s.DISCONNECT';
export const ACC_DIRECT_REQ_SUBJ = '$SYS.REQ.ACCOUNT.%s.%s';
export const ACC_PING_REQ_SUBJ = '$SYS.REQ.ACCOUNT.PING.%s';
export const ACC_CONNS_EVENT_SUBJ_NEW = '$SYS.ACCOUNT.%s.SERVER.CONNS';
export const ACC_CONNS_EVENT_SUBJ_OLD = '$SYS.SERVER.ACCOUNT.%s.CONNS';
export const CONNS_RESP_SUBJ = '$SYS._INBOX_.%s';
export const SHUTDOWN_EVENT_SUBJ = '$SYS.SERVER.%s.SHUTDOWN';
export const AUTH_ERROR_EVENT_SUBJ = '$SYS.SERVER.%s.CLIENT.AUTH.ERR';
export const SERVER_STATS_SUBJ = '$SYS.SERVER.%s.STATSZ';
export const SERVER_DIRECT_REQ_SUBJ = '$SYS.REQ.SERVER.%s.%s';
export const SERVER_PING_REQ_SUBJ = '$SYS.REQ.SERVER.PING.%s';
export const SERVER_STATS_PING_REQ_SUBJ = '$SYS.REQ.SERVER.PING';
export const INBOX_RESP_SUBJ = '$SYS._INBOX.%s.%s';
export const ACC_NUM_SUBS_REQ_SUBJ = '$SYS.REQ.ACCOUNT.NSUBS';

export { CONNECT_EVENT_TYPE, DISCONNECT_EVENT_TYPE, ACCOUNT_CONNS_EVENT_TYPE } from '@switchboard/shared';

/** Services every server answers on `$SYS.REQ.SERVER.PING.<X>` and `$SYS.REQ.SERVER.<id>.<X>`. */
export const SERVER_SERVICES = ['STATSZ', 'VARZ', 'SUBSZ', 'CONNZ', 'ROUTEZ', 'GATEWAYZ', 'LEAFZ', 'ACCOUNTZ', 'HEALTHZ'] as const;
/** Services on `$SYS.REQ.ACCOUNT.<acc>.<Y>`. */
export const ACCOUNT_SERVICES = ['SUBSZ', 'CONNZ', 'LEAFZ', 'INFO', 'STATZ', 'CONNS'] as const;

/** Heartbeat of STATSZ (its ceiling) and of account CONNS updates. */
export const EVENTS_HB_INTERVAL_MS = 30_000;
/** First STATSZ after this long; the interval then doubles up to EVENTS_HB_INTERVAL_MS. */
export const STATSZ_FIRST_MS = 250;
/** A remote server silent for this long is treated as gone (checked every ORPHAN_CHECK_MS). */
export const ORPHAN_MAX_MS = 5 * EVENTS_HB_INTERVAL_MS;
export const ORPHAN_CHECK_MS = 3 * EVENTS_HB_INTERVAL_MS;

/** Fills each `%s` in turn. */
export function sprintf(format: string, ...args: string[]): string {
  let i = 0;
  return format.replace(/%s/g, () => args[i++] ?? '');
}

/** The system account's name (`system_account`, default `$SYS`), or undefined with `no_system_account`. */
export function systemAccountName(opts: Pick<Options, 'noSystemAccount' | 'systemAccount'>): string | undefined {
  if (opts.noSystemAccount) return undefined;
  return opts.systemAccount ?? SYSTEM_ACCOUNT;
}

/** Exports the system account always has (accountz). */
export function systemExports(): ExtExport[] {
  return [
    { subject: sprintf(ACC_DIRECT_REQ_SUBJ, '*', 'CONNZ'), type: 'service', response_type: 'Streamed' },
    { subject: sprintf(ACC_DIRECT_REQ_SUBJ, '*', 'STATZ'), type: 'service', response_type: 'Streamed' },
  ];
}

/** The automatic service imports of a non-system account from the system account `sys` (accountz). */
export function systemImports(sys: string, accountName: string): ExtImport[] {
  if (accountName === sys) return [];
  const imp = (subject: string, to: string): ExtImport => ({ subject, account: sys, to, type: 'service', invalid: false, share: false, tracking: false });
  const connz = sprintf(ACC_DIRECT_REQ_SUBJ, accountName, 'CONNZ');
  return [
    imp(sprintf(ACC_PING_REQ_SUBJ, 'CONNZ'), connz),
    imp(sprintf(SERVER_PING_REQ_SUBJ, 'CONNZ'), connz),
    imp(sprintf(ACC_PING_REQ_SUBJ, 'STATZ'), sprintf(ACC_DIRECT_REQ_SUBJ, accountName, 'STATZ')),
  ];
}
