/**
 * nats-server's command line, parsed the way Go's `flag` package does: `-x` and `--x` are the
 * same, values as `-x value` or `-x=value`, booleans as `-D` or `-T=false`.
 */

export interface Flags {
  host?: string;
  port?: number;
  serverName?: string;
  config?: string;
  httpPort?: number;
  httpsPort?: number;
  portsFileDir?: string;
  pidFile?: string;
  logFile?: string;
  debug?: boolean;
  trace?: boolean;
  traceVerbose?: boolean;
  logtime?: boolean;
  clientAdvertise?: string;
  maxTracedMsgLen?: number;
  user?: string;
  pass?: string;
  auth?: string;
  checkConfig?: boolean;
  signal?: string;
  help?: boolean;
  version?: boolean;
  dataDir?: string;
  /** Console behind a reverse proxy: true, or the proxy addresses/CIDRs (comma-separated). */
  trustProxy?: boolean | string;
  /** Config revisions the console keeps. */
  maxRevisions?: number;
  /** --cluster / --cluster_listen: the route listen URL (`nats://[user:pass@]host:port`, port -1 random). */
  clusterListen?: string;
  clusterName?: string;
  /** --routes: comma-separated route URLs to solicit. */
  routes?: string;
  clusterAdvertise?: string;
  noAdvertise?: boolean;
  connectRetries?: number;
  /** Flags given but not implemented: warned about, not silently ignored. */
  unsupported: string[];
}

type Spec = { key: keyof Flags | null; kind: 'string' | 'int' | 'bool'; set?: Partial<Flags> };

const SPECS: Record<string, Spec> = {};
function def(names: string[], spec: Spec): void {
  for (const n of names) SPECS[n] = spec;
}
def(['a', 'addr', 'net'], { key: 'host', kind: 'string' });
def(['p', 'port'], { key: 'port', kind: 'int' });
def(['n', 'name', 'server_name'], { key: 'serverName', kind: 'string' });
def(['c', 'config'], { key: 'config', kind: 'string' });
def(['m', 'http_port'], { key: 'httpPort', kind: 'int' });
def(['ms', 'https_port'], { key: 'httpsPort', kind: 'int' });
def(['ports_file_dir'], { key: 'portsFileDir', kind: 'string' });
def(['P', 'pid'], { key: 'pidFile', kind: 'string' });
def(['l', 'log'], { key: 'logFile', kind: 'string' });
def(['D', 'debug'], { key: 'debug', kind: 'bool' });
def(['V', 'trace'], { key: 'trace', kind: 'bool' });
def(['VV'], { key: null, kind: 'bool', set: { trace: true, traceVerbose: true } });
def(['DV'], { key: null, kind: 'bool', set: { debug: true, trace: true } });
def(['DVV'], { key: null, kind: 'bool', set: { debug: true, trace: true, traceVerbose: true } });
def(['T', 'logtime'], { key: 'logtime', kind: 'bool' });
def(['client_advertise'], { key: 'clientAdvertise', kind: 'string' });
def(['max_traced_msg_len'], { key: 'maxTracedMsgLen', kind: 'int' });
def(['user'], { key: 'user', kind: 'string' });
def(['pass'], { key: 'pass', kind: 'string' });
def(['auth'], { key: 'auth', kind: 'string' });
def(['t'], { key: 'checkConfig', kind: 'bool' });
def(['sl', 'signal'], { key: 'signal', kind: 'string' });
def(['h', 'help'], { key: 'help', kind: 'bool' });
def(['v', 'version'], { key: 'version', kind: 'bool' });
def(['data_dir'], { key: 'dataDir', kind: 'string' });
def(['trust_proxy'], { key: 'trustProxy', kind: 'string' });
def(['max_revisions'], { key: 'maxRevisions', kind: 'int' });
// Accepted for compatibility, not implemented yet.
for (const n of ['s', 'syslog', 'js', 'jetstream']) def([n], { key: null, kind: 'bool' });
def(['cluster', 'cluster_listen'], { key: 'clusterListen', kind: 'string' });
def(['cluster_name'], { key: 'clusterName', kind: 'string' });
def(['routes'], { key: 'routes', kind: 'string' });
def(['cluster_advertise'], { key: 'clusterAdvertise', kind: 'string' });
def(['no_advertise'], { key: 'noAdvertise', kind: 'bool' });
def(['connect_retries'], { key: 'connectRetries', kind: 'int' });
for (const n of ['r', 'remote_syslog', 'log_size_limit', 'sd', 'store_dir', 'profile', 'tlscert', 'tlskey', 'tlscacert']) def([n], { key: null, kind: 'string' });
for (const n of ['tls', 'tlsverify', 'help_tls']) def([n], { key: null, kind: 'bool' });

export class FlagError extends Error {}

function parseBool(v: string, name: string): boolean {
  if (/^(1|t|true)$/i.test(v)) return true;
  if (/^(0|f|false)$/i.test(v)) return false;
  throw new FlagError(`invalid boolean value "${v}" for flag -${name}`);
}

export function parseFlags(argv: string[]): Flags {
  const flags: Flags = { unsupported: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-') || arg === '-' || arg === '--') {
      if (arg === 'version') flags.version = true;
      else if (arg === 'help') flags.help = true;
      else if (arg === '--') break;
      else throw new FlagError(`unrecognized command: "${arg}"`);
      continue;
    }
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    let value: string | undefined = eq >= 0 ? body.slice(eq + 1) : undefined;
    const spec = SPECS[name];
    if (!spec) throw new FlagError(`flag provided but not defined: -${name}`);
    if (spec.kind === 'bool') {
      const b = value === undefined ? true : parseBool(value, name);
      if (spec.set) {
        if (b) Object.assign(flags, spec.set);
      } else if (spec.key) (flags as unknown as Record<string, unknown>)[spec.key] = b;
      else flags.unsupported.push(name);
      continue;
    }
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: -${name}`);
      value = argv[++i];
    }
    if (!spec.key) {
      flags.unsupported.push(name);
      continue;
    }
    if (spec.kind === 'int') {
      if (!/^-?\d+$/.test(value)) throw new FlagError(`invalid value "${value}" for flag -${name}: parse error`);
      (flags as unknown as Record<string, unknown>)[spec.key] = Number(value);
    } else {
      (flags as unknown as Record<string, unknown>)[spec.key] = value;
    }
  }
  if (typeof flags.trustProxy === 'string' && /^(1|t|true|0|f|false)$/i.test(flags.trustProxy)) flags.trustProxy = parseBool(flags.trustProxy, 'trust_proxy');
  return flags;
}

export const USAGE = `Usage: switchboard [options]

Switchboard is a NATS v2 server; its options are nats-server's.

Server Options:
    -a, --addr, --net <host>         Bind to host address (default: 0.0.0.0)
    -p, --port <port>                Use port for clients (default: 4222, -1 for random)
    -n, --name, --server_name <name> Server name (default: auto)
    -P, --pid <file>                 File to store PID
    -m, --http_port <port>           Use port for the console and monitoring (-1 for random)
    -c, --config <file>              Configuration file
    -t                               Test configuration and exit
    -sl,--signal <signal>[=<pid>]    Send signal to switchboard process (ldm, stop, quit, term, reopen, reload)
                                     <pid> can be either a PID (e.g. 1) or the path to a PID file
    --client_advertise <string>      Client URL to advertise to other servers
    --ports_file_dir <dir>           Creates a ports file in the specified directory (<executable_name>_<pid>.ports)
    --data_dir <dir>                 Turns the admin console on, its state in <dir> (without it,
                                     -m serves the monitoring endpoints only, as nats-server)
    --trust_proxy <true|addrs>       Console behind a reverse proxy: trust its X-Forwarded-For
    --max_revisions <n>              Config revisions the console keeps (default: 100)

Logging Options:
    -l, --log <file>                 File to redirect log output
    -T, --logtime                    Timestamp log entries (default: true)
    -D, --debug                      Enable debugging output
    -V, --trace                      Trace the raw protocol
    -VV                              Verbose trace (traces system account as well)
    -DV                              Debug and trace
    -DVV                             Debug and verbose trace
    --max_traced_msg_len <len>       Maximum printable length for traced messages (default: unlimited)

Authorization Options:
    --user <user>                    User required for connections
    --pass <password>                Password required for connections
    --auth <token>                   Authorization token required for connections

Cluster Options:
    --routes <rurl-1, rurl-2>        Routes to solicit and connect
    --cluster <cluster-url>          Cluster URL for solicited routes (port -1 for random)
    --cluster_name <string>          Cluster Name, if not set one will be dynamically generated
    --no_advertise <bool>            Do not advertise known cluster information to clients
    --cluster_advertise <string>     Cluster URL to advertise to other servers
    --connect_retries <number>       For implicit routes, number of connect retries

Key tools:
    switchboard nk ...               Generate, sign and verify with nkeys (as nats' nk)
    switchboard passwd               Make a bcrypt hash for a config file

Common Options:
    -h, --help                       Show this message
    -v, --version                    Show version
`;
