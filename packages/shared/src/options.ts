import { z } from 'zod';

/**
 * The one configuration model of Switchboard. The conf-file parser maps into it, the CLI flags
 * override it, the admin API accepts it and the web forms validate with it.
 * Names are camelCase versions of nats-server's option names; durations are milliseconds,
 * sizes are bytes.
 */
export const CoreOptionsSchema = z.object({
  /** Client listen host (`listen`/`host`/`net`, `-a`). */
  host: z.string().default('0.0.0.0'),
  /** Client port; -1 picks a random port. */
  port: z.number().int().min(-1).max(65535).default(4222),
  serverName: z.string().optional(),
  clientAdvertise: z.string().optional(),
  maxPayload: z.number().int().positive().default(1024 * 1024),
  maxControlLine: z.number().int().positive().default(4096),
  maxConnections: z.number().int().positive().default(64 * 1024),
  maxPending: z.number().int().positive().default(64 * 1024 * 1024),
  /** Per connection; 0 = unlimited. */
  maxSubscriptions: z.number().int().min(0).default(0),
  /** 0 = unlimited. */
  maxSubTokens: z.number().int().min(0).max(255).default(0),
  pingInterval: z.number().int().positive().default(2 * 60 * 1000),
  pingMax: z.number().int().positive().default(2),
  writeDeadline: z.number().int().positive().default(10 * 1000),
  /** Seconds (float), as nats-server reports it in /varz. */
  authTimeout: z.number().positive().optional(),
  noHeaderSupport: z.boolean().default(false),
  debug: z.boolean().default(false),
  trace: z.boolean().default(false),
  traceVerbose: z.boolean().default(false),
  logtime: z.boolean().default(true),
  logFile: z.string().optional(),
  pidFile: z.string().optional(),
  portsFileDir: z.string().optional(),
  httpHost: z.string().optional(),
  /** Monitoring/console port; 0 = off, -1 = random. */
  httpPort: z.number().int().min(-1).max(65535).default(0),
  lameDuckDuration: z.number().int().positive().default(2 * 60 * 1000),
  lameDuckGracePeriod: z.number().int().min(0).default(10 * 1000),
  disableSublistCache: z.boolean().default(false),
  maxTracedMsgLen: z.number().int().min(0).default(0),
});

export const OptionsSchema = CoreOptionsSchema;

/** Fully resolved options (defaults applied). */
export type Options = z.output<typeof OptionsSchema>;
/** Options as a user writes them: every field optional. */
export type OptionsInput = z.input<typeof OptionsSchema>;

export function resolveOptions(input: OptionsInput = {}): Options {
  return OptionsSchema.parse(input);
}
