/*
 * The Servers table's list: every server from /api/servers (with the latest STATSZ the console's
 * sampler heard, so the table is complete on first render), updated by the `statsz` events heard
 * on /api/events since — whichever of the two is newer wins, per server.
 */
import type { HeardServer, ServerStatsMsg } from '@switchboard/shared';

/** The latest STATSZ per server id from the event stream, with the time the console saw it (ms). */
export type HeardStatsz = Record<string, { msg: ServerStatsMsg; time: number }>;

export interface ServerRowData {
  id: string;
  name: string;
  /** ms since epoch of the last STATSZ heard (0 when unknown). */
  lastSeen: number;
  /** The latest full STATSZ, when one was heard since the console (or the page) started. */
  msg?: ServerStatsMsg;
  /** This console's own server. */
  local: boolean;
}

export function mergeServers(listed: readonly HeardServer[] | undefined, heard: HeardStatsz | undefined, localId: string | undefined): ServerRowData[] {
  const rows = new Map<string, ServerRowData>();
  for (const s of listed ?? []) {
    const t = Date.parse(s.lastSeen);
    rows.set(s.id, { id: s.id, name: s.name, lastSeen: Number.isNaN(t) ? 0 : t, msg: s.statsz ?? undefined, local: s.local || s.id === localId });
  }
  for (const [id, h] of Object.entries(heard ?? {})) {
    const row = rows.get(id);
    if (!row) {
      // Heard live before the next /api/servers refetch lists it.
      rows.set(id, { id, name: h.msg.server.name, lastSeen: h.time, msg: h.msg, local: id === localId });
    } else if (h.time >= row.lastSeen || !row.msg) {
      rows.set(id, { ...row, name: h.msg.server.name || row.name, lastSeen: Math.max(row.lastSeen, h.time), msg: h.msg });
    }
  }
  return [...rows.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}
