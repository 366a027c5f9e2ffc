/*
 * STATSZ history: every second, the STATSZ of every server (from `$SYS.REQ.SERVER.PING` through
 * the in-process $SYS API, or this server's varz without a system account) is stored at three
 * fixed resolutions — 5 min @ 1 s, 1 h @ 10 s, 24 h @ 5 min — in SQLite, so it survives restarts.
 * The latest full STATSZ message of each server is kept in memory only (for GET /api/servers):
 * it is a snapshot of now, so no DB table; after a restart a server's STATSZ is null until heard.
 */
import { ServerStatsMsgSchema, STATS_WINDOWS, type HeardServer, type ServerStatsMsg, type StatsPoint, type StatsWindow } from '@switchboard/shared';
import { varz, type Switchboard } from '@switchboard/broker';
import type { Db } from './db.js';
import { silentLog, type ConsoleLog } from './log.js';

export interface Sample {
  connections: number;
  totalConnections: number;
  subscriptions: number;
  slowConsumers: number;
  inMsgs: number;
  outMsgs: number;
  inBytes: number;
  outBytes: number;
  mem: number;
  cpu: number;
}

interface StatszLike {
  server?: { id?: string; name?: string };
  statsz?: {
    connections?: number;
    total_connections?: number;
    subscriptions?: number;
    slow_consumers?: number;
    sent?: { msgs?: number; bytes?: number };
    received?: { msgs?: number; bytes?: number };
    mem?: number;
    cpu?: number;
  };
}

const TIERS = Object.entries(STATS_WINDOWS) as [StatsWindow, { spanMs: number; stepMs: number }][];

export class StatsSampler {
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private lastPrune = 0;
  /** Server id → the latest full STATSZ message as received (in memory only, see above). */
  private readonly latest = new Map<string, { msg: ServerStatsMsg; at: number }>();
  /** The failure last logged, and when: a failing disk is reported, not once a second. */
  private failing: { message: string; at: number } | null = null;

  constructor(
    private readonly server: Switchboard,
    private readonly db: Db,
    readonly intervalMs = 1000,
    private readonly log: ConsoleLog = silentLog,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
    void this.tick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Takes one round of samples (all servers) and stores them. */
  async tick(now = Date.now()): Promise<void> {
    if (this.busy || !this.server.isRunning) return;
    this.busy = true;
    try {
      const samples = await this.collect();
      for (const [id, name, s, msg] of samples) {
        this.record(id, name, s, now);
        if (msg) this.latest.set(id, { msg, at: now });
        else this.latest.delete(id);
      }
      if (now - this.lastPrune > 60_000) this.prune(now);
      if (this.failing) {
        this.log.info('Console: STATSZ history is stored again');
        this.failing = null;
      }
    } catch (e) {
      // The next tick tries again; say so once per distinct failure and then every 10 minutes.
      const message = (e as Error).message;
      if (!this.failing || this.failing.message !== message || now - this.failing.at > 600_000) {
        this.log.error(`Console: cannot store STATSZ history: ${message}`);
        this.failing = { message, at: now };
      }
    } finally {
      this.busy = false;
    }
  }

  private async collect(): Promise<[string, string, Sample, ServerStatsMsg | null][]> {
    const ev = this.server.events;
    if (ev.enabled) {
      try {
        const msgs = (await ev.requestMany('$SYS.REQ.SERVER.PING', '', { timeoutMs: 500, max: ev.remoteServers + 1 })) as StatszLike[];
        const out: [string, string, Sample, ServerStatsMsg | null][] = [];
        for (const m of msgs) {
          if (!m?.server?.id || !m.statsz) continue;
          const z = m.statsz;
          out.push([
            m.server.id,
            m.server.name ?? m.server.id,
            {
              connections: z.connections ?? 0,
              totalConnections: z.total_connections ?? 0,
              subscriptions: z.subscriptions ?? 0,
              slowConsumers: z.slow_consumers ?? 0,
              inMsgs: z.received?.msgs ?? 0,
              outMsgs: z.sent?.msgs ?? 0,
              inBytes: z.received?.bytes ?? 0,
              outBytes: z.sent?.bytes ?? 0,
              mem: z.mem ?? 0,
              cpu: z.cpu ?? 0,
            },
            // Kept as received; one that does not fit the contract (another server's dialect) is not shown.
            ServerStatsMsgSchema.safeParse(m).success ? (m as ServerStatsMsg) : null,
          ]);
        }
        if (out.length > 0) return out;
      } catch {
        /* fall back to varz */
      }
    }
    const v = varz(this.server);
    return [
      [
        this.server.serverId,
        this.server.name,
        {
          connections: v.connections,
          totalConnections: v.total_connections,
          subscriptions: v.subscriptions,
          slowConsumers: v.slow_consumers,
          inMsgs: v.in_msgs,
          outMsgs: v.out_msgs,
          inBytes: v.in_bytes,
          outBytes: v.out_bytes,
          mem: v.mem,
          cpu: v.cpu,
        },
        // No system account: this server's STATSZ as it would answer $SYS.REQ.SERVER.PING.
        { server: this.server.events.nextServerInfo(), statsz: this.server.events.statsz() },
      ],
    ];
  }

  record(serverId: string, name: string, s: Sample, now = Date.now()): void {
    const put = this.db.prepare('INSERT OR REPLACE INTO stats (server_id, tier, t, sample) VALUES (?, ?, ?, ?)');
    const json = JSON.stringify(s);
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO stats_servers (id, name, last_seen) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, last_seen = excluded.last_seen')
        .run(serverId, name, now);
      for (const [tier, { stepMs }] of TIERS) put.run(serverId, tier, Math.floor(now / stepMs) * stepMs, json);
    })();
  }

  prune(now = Date.now()): void {
    this.lastPrune = now;
    const del = this.db.prepare('DELETE FROM stats WHERE tier = ? AND t < ?');
    for (const [tier, { spanMs, stepMs }] of TIERS) del.run(tier, now - spanMs - stepMs);
    // Server ids change at every restart: forget the STATSZ of servers silent for longer than the longest window.
    const oldest = now - Math.max(...TIERS.map(([, { spanMs }]) => spanMs));
    for (const [id, l] of this.latest) if (l.at < oldest) this.latest.delete(id);
  }

  servers(): { id: string; name: string; lastSeen: string }[] {
    const rows = this.db.prepare('SELECT id, name, last_seen FROM stats_servers ORDER BY name').all() as { id: string; name: string; last_seen: number }[];
    return rows.map((r) => ({ id: r.id, name: r.name, lastSeen: new Date(r.last_seen).toISOString() }));
  }

  /** Every server heard (as servers()), with its latest full STATSZ when heard since the console started. */
  heard(): HeardServer[] {
    return this.servers().map((s) => ({ ...s, statsz: this.latest.get(s.id)?.msg ?? null, local: s.id === this.server.serverId }));
  }

  points(serverId: string, window: StatsWindow, now = Date.now()): StatsPoint[] {
    const { spanMs } = STATS_WINDOWS[window];
    const rows = this.db.prepare('SELECT t, sample FROM stats WHERE server_id = ? AND tier = ? AND t >= ? ORDER BY t').all(serverId, window, now - spanMs) as { t: number; sample: string }[];
    const out: StatsPoint[] = [];
    let prev: (Sample & { t: number }) | null = null;
    for (const r of rows) {
      const s = JSON.parse(r.sample) as Sample;
      const dt = prev ? (r.t - prev.t) / 1000 : 0;
      const rate = (k: 'inMsgs' | 'outMsgs' | 'inBytes' | 'outBytes') => (prev && dt > 0 ? Math.max(0, (s[k] - prev[k]) / dt) : 0);
      out.push({ t: r.t, ...s, inMsgsRate: rate('inMsgs'), outMsgsRate: rate('outMsgs'), inBytesRate: rate('inBytes'), outBytesRate: rate('outBytes') });
      prev = { ...s, t: r.t };
    }
    return out;
  }
}
