/*
 * STATSZ history: every second, the STATSZ of every server (from `$SYS.REQ.SERVER.PING` through
 * the in-process $SYS API, or this server's varz without a system account) is stored at three
 * fixed resolutions — 5 min @ 1 s, 1 h @ 10 s, 24 h @ 5 min — in SQLite, so it survives restarts,
 * and handed to `onSample` listeners (the SSE hub pushes it to the browser, which adds it to its
 * charts by the same rule, shared `addSample`/`statsPoint`, that makes the stored history).
 * History is kept per server name: a restarted server (new id, same name) is the same server.
 * Each stored step also keeps when its last sample was taken and its base (the counters it started
 * from: the sample before it, or its first sample): the first point of a window is rated against it.
 * The latest full STATSZ message of each server is kept in memory only (for GET /api/servers):
 * it is a snapshot of now, so no DB table; after a restart a server's STATSZ is null until heard.
 */
import { ServerStatsMsgSchema, STATS_WINDOWS, statsPoint, stepBase, type HeardServer, type ServerStatsMsg, type StatsLiveEvent, type StatsPoint, type StatsSample, type StatsWindow, type StepBase } from '@switchboard/shared';
import { varz, type Switchboard } from '@switchboard/broker';
import type { Db } from './db.js';
import { silentLog, type ConsoleLog } from './log.js';

export type Sample = StatsSample;

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
  /** History key → the latest full STATSZ message as received (in memory only, see above). */
  private readonly latest = new Map<string, { msg: ServerStatsMsg; at: number }>();
  private readonly listeners = new Set<(e: StatsLiveEvent) => void>();
  /** History key → its last stored sample (the next step's base). */
  private readonly lastSample = new Map<string, StepBase>();
  /** `key tier` → the step being filled and its base. */
  private readonly openSteps = new Map<string, { t: number; base: StepBase }>();
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
      const events: StatsLiveEvent[] = [];
      for (const [id, name, s, msg] of samples) {
        const key = this.keyOf(id, name);
        this.record(key, name, s, now, id);
        if (msg) this.latest.set(key, { msg, at: now });
        else this.latest.delete(key);
        events.push({ server: key, serverId: id, name, local: id === this.server.serverId, time: now, sample: s, statsz: msg });
      }
      for (const e of events) for (const l of this.listeners) l(e);
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

  /** Calls `fn` with every sample taken (after it is stored); returns the unsubscribe. */
  onSample(fn: (e: StatsLiveEvent) => void): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }

  /**
   * The history key of a server: its name, which a restart keeps. This server without a
   * server_name is named by its id, new at each start: its key is 'local' (its config file and
   * data dir are this console's), so its history continues too.
   */
  keyOf(serverId: string, name: string): string {
    if (serverId === this.server.serverId && (name === serverId || !name)) return 'local';
    return name || serverId;
  }

  /** The key of this console's server. */
  get localKey(): string {
    return this.keyOf(this.server.serverId, this.server.name);
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

  /** Stores a sample of the server with history key `key` (its id: `serverId`, the key by default). */
  record(key: string, name: string, s: Sample, now = Date.now(), serverId = key): void {
    const put = this.db.prepare('INSERT OR REPLACE INTO stats (server_id, tier, t, sample) VALUES (?, ?, ?, ?)');
    const rows = TIERS.map(([tier, { stepMs }]) => {
      const t = Math.floor(now / stepMs) * stepMs;
      return [tier, t, JSON.stringify({ ...s, at: now, base: this.baseOf(key, tier, t, s, now) })] as const;
    });
    this.db.transaction(() => {
      this.db
        .prepare(
          'INSERT INTO stats_servers (id, name, last_seen, server_id) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, last_seen = excluded.last_seen, server_id = excluded.server_id',
        )
        .run(key, name, now, serverId);
      for (const [tier, t, json] of rows) put.run(key, tier, t, json);
    })();
    this.lastSample.set(key, stepBase(s, now));
  }

  /**
   * The base of the step `t` of `tier` a sample of `key` lands in: kept while the step fills; a new
   * step starts from the last sample before it, else (the first sample heard, or the console
   * restarted) from what the stored step says, else from this sample.
   */
  private baseOf(key: string, tier: StatsWindow, t: number, s: Sample, now: number): StepBase {
    const id = `${key} ${tier}`;
    const open = this.openSteps.get(id);
    if (open && open.t === t) return open.base;
    const last = this.lastSample.get(key);
    let base = last !== undefined && last.at < t ? last : undefined;
    if (base === undefined) {
      const row = this.db.prepare('SELECT sample FROM stats WHERE server_id = ? AND tier = ? AND t = ?').get(key, tier, t) as { sample: string } | undefined;
      const stored = row ? (JSON.parse(row.sample) as { base?: StepBase }).base : undefined;
      base = stored ?? stepBase(s, now);
    }
    this.openSteps.set(id, { t, base });
    return base;
  }

  prune(now = Date.now()): void {
    this.lastPrune = now;
    const del = this.db.prepare('DELETE FROM stats WHERE tier = ? AND t < ?');
    for (const [tier, { spanMs, stepMs }] of TIERS) del.run(tier, now - spanMs - stepMs);
    // Servers silent for longer than the longest window are forgotten (history, STATSZ, listing).
    const oldest = now - Math.max(...TIERS.map(([, { spanMs }]) => spanMs));
    for (const [key, l] of this.latest) if (l.at < oldest) this.latest.delete(key);
    this.db.prepare('DELETE FROM stats_servers WHERE last_seen < ?').run(oldest);
  }

  servers(): { id: string; serverId: string; name: string; lastSeen: string }[] {
    const rows = this.db.prepare('SELECT id, server_id, name, last_seen FROM stats_servers ORDER BY name').all() as { id: string; server_id: string; name: string; last_seen: number }[];
    return rows.map((r) => ({ id: r.id, serverId: r.server_id || r.id, name: r.name, lastSeen: new Date(r.last_seen).toISOString() }));
  }

  /** Every server heard (as servers()), with its latest full STATSZ when heard since the console started. */
  heard(): HeardServer[] {
    const local = this.localKey;
    return this.servers().map((s) => ({ ...s, statsz: this.latest.get(s.id)?.msg ?? null, local: s.id === local }));
  }

  /** The points of server `key` over `window`, by the rule the browser's live points follow (statsPoint). */
  points(key: string, window: StatsWindow, now = Date.now()): StatsPoint[] {
    const { spanMs } = STATS_WINDOWS[window];
    const rows = this.db.prepare('SELECT t, sample FROM stats WHERE server_id = ? AND tier = ? AND t >= ? ORDER BY t').all(key, window, now - spanMs) as { t: number; sample: string }[];
    const out: StatsPoint[] = [];
    for (const r of rows) out.push(statsPoint(JSON.parse(r.sample) as Sample & { at?: number; base?: StepBase }, r.t, out.at(-1)));
    return out;
  }
}
