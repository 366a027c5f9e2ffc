/*
 * The Servers table's list: every server from /api/servers (with the latest STATSZ the console's
 * sampler heard, so the table is complete on first render), updated by the `stats` events heard
 * on /api/events since (one per server per second) — whichever of the two is newer wins, per
 * server. Rows are keyed by the history key (the server's name): a restart keeps its row.
 */
import type { HeardServer, ServerStatsMsg, StatsLiveEvent } from '@switchboard/shared';

/** The latest sample per history key from the event stream (`time`: when it was taken, ms). */
export type HeardStats = Record<string, Pick<StatsLiveEvent, 'serverId' | 'name' | 'local' | 'time' | 'statsz'>>;

export interface ServerRowData {
  /** History key (the server's name). */
  id: string;
  /** Id of the process last heard. */
  serverId: string;
  name: string;
  /** ms since epoch of the last sample heard (0 when unknown). */
  lastSeen: number;
  /** The latest full STATSZ, when one was heard since the console (or the page) started. */
  msg?: ServerStatsMsg;
  /** This console's own server. */
  local: boolean;
}

export function mergeServers(listed: readonly HeardServer[] | undefined, heard: HeardStats | undefined): ServerRowData[] {
  const rows = new Map<string, ServerRowData>();
  for (const s of listed ?? []) {
    const t = Date.parse(s.lastSeen);
    rows.set(s.id, { id: s.id, serverId: s.serverId, name: s.name, lastSeen: Number.isNaN(t) ? 0 : t, msg: s.statsz ?? undefined, local: s.local });
  }
  for (const [key, h] of Object.entries(heard ?? {})) {
    const row = rows.get(key);
    if (!row) {
      // Heard live before the next /api/servers refetch lists it.
      rows.set(key, { id: key, serverId: h.serverId, name: h.name, lastSeen: h.time, msg: h.statsz ?? undefined, local: h.local });
    } else if (h.time >= row.lastSeen) {
      rows.set(key, { ...row, serverId: h.serverId, name: h.name || row.name, lastSeen: h.time, msg: h.statsz ?? row.msg, local: row.local || h.local });
    }
  }
  return [...rows.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}
