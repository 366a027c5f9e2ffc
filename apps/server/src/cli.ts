#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, Logger, SWITCHBOARD_VERSION, VERSION, checkConfigFile, loadConfigFile, layerOverrides, formatError, formatWarning } from '@switchboard/broker';
import type { OptionsInput } from '@switchboard/shared';
import { parseFlags, FlagError, USAGE, type Flags } from './flags.js';
import { listenURLs, writePortsFile, writePidFile, removeQuietly, sendSignal } from './process-files.js';
import { nkMain } from './nk.js';
import type { FastifyInstance } from 'fastify';
import { passwdMain } from './passwd.js';

/**
 * The console's web build: $SWITCHBOARD_WEB_DIR when set (another build), else apps/web/dist in a
 * checkout, web/ beside dist/ in an installed package.
 */
function webBuildDir(): string | undefined {
  if (process.env.SWITCHBOARD_WEB_DIR) return resolve(process.env.SWITCHBOARD_WEB_DIR);
  for (const rel of ['../../web/dist', '../web']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  return undefined;
}

function fail(msg: string): never {
  process.stderr.write(`switchboard: ${msg}\n`);
  process.exit(1);
}

/** Options from the command line (they override the config file, as nats-server's do). */
function optionsFromFlags(f: Flags): OptionsInput {
  const o: Record<string, unknown> = {};
  const set = (k: keyof OptionsInput, v: unknown) => {
    if (v !== undefined) o[k] = v;
  };
  set('host', f.host);
  set('port', f.port);
  set('serverName', f.serverName);
  set('httpPort', f.httpPort);
  set('portsFileDir', f.portsFileDir);
  set('pidFile', f.pidFile);
  set('logFile', f.logFile);
  set('debug', f.debug);
  set('trace', f.trace);
  set('traceVerbose', f.traceVerbose);
  set('logtime', f.logtime);
  set('clientAdvertise', f.clientAdvertise);
  set('maxTracedMsgLen', f.maxTracedMsgLen);
  return o as OptionsInput;
}

/**
 * --cluster, --cluster_name, --routes, --cluster_advertise, --no_advertise, --connect_retries as
 * nats-server's overrideCluster: laid over the file's cluster block. A listen URL with user:pass
 * sets the cluster authorization.
 */
function clusterFromFlags(f: Flags): Pick<OptionsInput, 'cluster'> {
  const c: NonNullable<OptionsInput['cluster']> = {};
  if (f.clusterListen !== undefined && f.clusterListen !== '') {
    const random = f.clusterListen.endsWith(':-1');
    let u: URL;
    try {
      u = new URL(random ? `${f.clusterListen.slice(0, -3)}:0` : f.clusterListen);
    } catch {
      fail(`invalid cluster URL "${f.clusterListen}"`);
    }
    c.host = u.hostname.replace(/^\[|\]$/g, '');
    c.port = random ? -1 : Number(u.port);
    if (u.username) {
      if (!u.password) fail('expected cluster password to be set');
      c.authorization = { user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
    }
  }
  if (f.clusterName !== undefined) c.name = f.clusterName;
  if (f.routes !== undefined && f.routes !== '') c.routes = f.routes.split(',').map((r) => r.trim()).filter((r) => r.length > 0);
  if (f.clusterAdvertise !== undefined) c.advertise = f.clusterAdvertise;
  if (f.noAdvertise !== undefined) c.noAdvertise = f.noAdvertise;
  if (f.connectRetries !== undefined) c.connectRetries = f.connectRetries;
  return Object.keys(c).length > 0 ? { cluster: c } : {};
}

/** `--user`, `--pass`, `--auth` as nats-server applies them: over the file's authorization block. */
/** --user/--pass/--auth: laid over the file's authorization block (at start and on reload). */
function authFromFlags(f: Flags): Pick<OptionsInput, 'authorization'> {
  if (f.user === undefined && f.pass === undefined && f.auth === undefined) return {};
  const authorization: NonNullable<OptionsInput['authorization']> = {};
  if (f.user !== undefined) authorization.user = f.user;
  if (f.pass !== undefined) authorization.password = f.pass;
  if (f.auth !== undefined) authorization.token = f.auth;
  return { authorization };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  // Key tools: `switchboard nk …` (as nats' nk) and `switchboard passwd` (bcrypt hash).
  if (argv[0] === 'nk') process.exit(nkMain(argv.slice(1)));
  if (argv[0] === 'passwd') process.exit(passwdMain(argv.slice(1)));
  if (argv[0] === 'jwt') process.exit(await (await import('./jwt-cli.js')).jwtMain(argv.slice(1)));
  let flags: Flags;
  try {
    flags = parseFlags(argv);
  } catch (e) {
    if (e instanceof FlagError) {
      process.stderr.write(`${e.message}\n${USAGE}`);
      process.exit(1);
    }
    throw e;
  }
  if (flags.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (flags.version) {
    process.stdout.write(`switchboard: v${SWITCHBOARD_VERSION} (nats-server v${VERSION} protocol)\n`);
    return;
  }
  if (flags.signal !== undefined) {
    try {
      process.stdout.write(`${sendSignal(flags.signal)}\n`);
    } catch (e) {
      fail((e as Error).message);
    }
    return;
  }
  if (flags.checkConfig) {
    if (!flags.config) fail('must specify [-c, --config] option to check configuration file syntax');
    const check = checkConfigFile(flags.config);
    process.stderr.write(`${check.output}\n`);
    process.exit(check.ok ? 0 : 1);
  }

  let overrides = optionsFromFlags(flags);
  let fileOptions: OptionsInput = {};
  const warnings: string[] = [];
  if (flags.config) {
    const loaded = loadConfigFile(flags.config);
    if (loaded.errors.length > 0) fail(loaded.errors.map(formatError).join('\n'));
    fileOptions = loaded.options;
    warnings.push(...loaded.warnings.map(formatWarning));
  }
  overrides = { ...overrides, ...authFromFlags(flags), ...clusterFromFlags(flags) };
  const merged = layerOverrides(fileOptions, overrides);
  const logger = new Logger({ debug: merged.debug, trace: merged.trace, logtime: merged.logtime, logFile: merged.logFile });
  for (const w of warnings) logger.warn(w);
  for (const u of flags.unsupported) logger.warn(`Option -${u} is not supported by Switchboard yet and is ignored`);
  // Options nats-server refuses at start (auth, TLS, gateway, operator checks): its one-line message, exit 1.
  let server: ReturnType<typeof createServer>;
  try {
    server = createServer(merged, { logger, configFile: flags.config, overrides });
    if (flags.config) logger.info(`Using configuration file: ${flags.config}`);
    await server.start();
  } catch (e) {
    // Start errors as nats-server prints them (`switchboard: <message>`), without a stack.
    fail((e as Error).message);
  }
  // A gateway port that cannot be bound ends the process, as in nats-server.
  await server.gateway.listening.catch((e: Error) => fail(e.message));

  const opts = server.opts;
  if (opts.pidFile) writePidFile(opts.pidFile);
  // Monitoring endpoints (-m / http_port; -1 = random port), as nats-server's; with --data_dir
  // also the admin console, its state (users, audit log, revisions…) in that directory.
  let monitoring: string[] | undefined;
  let consoleApp: FastifyInstance | undefined;
  if (opts.httpPort !== 0) {
    const httpHost = opts.httpHost ?? opts.host;
    try {
      // Loaded only when asked for: a broker without -m starts without the HTTP stack.
      const { buildConsole, buildMonitoring } = await import('./console/index.js');
      consoleApp = flags.dataDir
        ? await buildConsole({ server, dataDir: flags.dataDir, configFile: flags.config, log: logger, trustProxy: flags.trustProxy, maxRevisions: flags.maxRevisions, sourceMaps: process.env.SWITCHBOARD_SOURCE_MAPS === '1', webDir: webBuildDir() })
        : await buildMonitoring({ server, log: logger });
      await consoleApp.listen({ host: httpHost, port: opts.httpPort === -1 ? 0 : opts.httpPort });
    } catch (e) {
      await server.shutdown();
      fail(`cannot start the http monitor: ${(e as Error).message}`);
    }
    const addr = consoleApp.server.address();
    const httpPort = addr && typeof addr === 'object' ? addr.port : opts.httpPort;
    monitoring = listenURLs('http', httpHost, httpPort);
    logger.info(`Starting http monitor on ${monitoring[0]}`);
    if (!flags.dataDir) logger.info('Admin console off (monitoring endpoints only); start with --data_dir <dir> to turn it on');
    else if (consoleApp.consoleState.ok) logger.info(`Admin console on ${monitoring[0]}/ (state in ${resolve(flags.dataDir)})`);
  }
  let portsFile: string | undefined;
  let stopping = false;
  // Exit status as nats-server: 0 after SIGINT or a finished lame duck run, 1 after SIGTERM.
  const stop = async (sig: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    logger.debug(`Trapped "${sig}" signal`);
    if (consoleApp) await consoleApp.close();
    else await server.shutdown();
    removeQuietly(opts.pidFile);
    removeQuietly(portsFile);
    logger.close();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop('interrupt'));
  process.on('SIGTERM', () => {
    // nats-server ignores SIGTERM during lame duck mode; here it cuts the run short (the remaining
    // clients are closed at once), so a service manager's stop never waits out lame_duck_duration.
    if (server.isLameDuck) logger.info('SIGTERM in lame duck mode: closing the remaining clients now');
    void stop('terminated', 1);
  });
  process.on('SIGUSR1', () => logger.reopen());
  process.on('SIGHUP', () => {
    logger.debug('Trapped "hangup" signal');
    void server.reload();
  });
  process.on('SIGUSR2', () => {
    logger.debug('Trapped "user defined signal 2" signal');
    void server.lameDuck();
  });
  // However lame duck mode was entered (SIGUSR2 or the console), the process ends with it, as
  // nats-server's does: a service manager's stop must not wait on a process with no broker left.
  server.once('shutdown', () => {
    if (server.isLameDuck) void stop('lame duck done');
  });
  // Last, as nats-server: whoever waits for the ports file may signal the server at once.
  if (opts.portsFileDir) {
    const cluster = server.cluster !== null && server.cluster.port > 0 ? { cluster: listenURLs('nats', server.cluster.host, server.cluster.port) } : {};
    portsFile = writePortsFile(opts.portsFileDir, { nats: listenURLs('nats', opts.host, server.port), ...(monitoring ? { monitoring } : {}), ...cluster });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`switchboard: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
