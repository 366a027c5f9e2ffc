/**
 * The contracts between the broker core and its modules, in one types-only module: what a
 * connection, a subscription, an account and the server look like from outside the core, how
 * a client is authenticated, where account definitions come from, and the module interface.
 * Modules import these, never the core; the core implements them.
 */
import type { Socket } from 'node:net';
import type { Export, Import, Options } from '@switchboard/shared';
import type { Change } from '../config/diff.js';
import type { Logger } from '../log/logger.js';
import type { ConnectOptions } from '../protocol/connect.js';
import type { ClosedReason } from '../protocol/errors.js';
import type { ReadonlySublist } from '../subjects/sublist.js';

// ---- Connections -------------------------------------------------------------------------------------

/**
 * What a connection speaks (nats-server's client kinds). Each kind is the connection base plus
 * its own op table and handlers; only CLIENT exists so far.
 */
export type ConnectionKind = 'CLIENT' | 'ROUTER' | 'GATEWAY' | 'LEAF';

/** Any connection, as the rest of the broker sees it. */
export interface ConnectionView {
  readonly kind: ConnectionKind;
  readonly cid: number;
  readonly host: string;
  readonly port: number;
  readonly start: Date;
  /** `host:port - cid:N` (and more once known), the prefix of its log lines. */
  readonly label: string;
  readonly inMsgs: number;
  readonly outMsgs: number;
  readonly inBytes: number;
  readonly outBytes: number;
  /** Last inbound activity (ms since the epoch). */
  readonly lastActivity: number;
  /** Round-trip time in ms (0 until measured). */
  readonly rtt: number;
  /** Bytes waiting to reach the peer. */
  readonly pendingBytes: number;
  readonly closed: boolean;
  readonly closeReason: ClosedReason | undefined;
  readonly stop: Date | undefined;
  close(reason: ClosedReason): void;
}

/** A client connection, as modules (auth, events, monitor) see and steer it. */
export interface ClientView extends ConnectionView {
  readonly kind: 'CLIENT';
  /** The socket in use (the TLS socket once client TLS took over). */
  readonly socket: Socket;
  /** What the client sent in CONNECT (nats-server's defaults before). */
  readonly opts: ConnectOptions;
  readonly connectReceived: boolean;
  readonly account: AccountRef;
  readonly perms: ClientPermissions | null;
  /** Authenticated user name or nkey, for monitoring. */
  readonly user: string | undefined;
  readonly subs: ReadonlyMap<string, Subscription>;
  /** Binds account, permissions and user (authentication, and again on an auth reload). */
  bind(binding: ClientBinding): void;
  /** `-ERR 'Authorization Violation'` and close. */
  authViolation(): void;
  sendErr(text: string): void;
  unsubscribe(sub: Subscription): void;
  /** `User "<name>"` as nats-server writes it in violation logs. */
  userLabel(): string;
}

// ---- Subscriptions -----------------------------------------------------------------------------------

/**
 * Receives a message for an internal subscription (imports, the system account's handlers)
 * instead of a connection. `buf[start, end)` holds headers (first `hdr` bytes, -1 = none) and
 * payload. Returns whether the message was delivered onward.
 */
export type InternalHandler = (
  sub: Subscription,
  from: ConnectionView | null,
  subject: string,
  reply: string,
  hdr: number,
  buf: Buffer,
  start: number,
  end: number,
) => boolean;

/** One entry of an account's sublist: a connection's SUB, or an internal subscription. */
export interface Subscription {
  readonly subject: string;
  readonly queue: string | null;
  readonly sid: string;
  /** The connection that owns it; null for an internal subscription. */
  readonly conn: ConnectionView | null;
  /** Internal subscriptions: called instead of a delivery to a connection. */
  readonly handler: InternalHandler | null;
  /**
   * Whether other servers may learn of it (routes and gateways send `RS+`/`RS-`). True for
   * client subscriptions, stream-import forwarding, the exporter's `_R_.<prefix>.>` responses
   * and $SYS handlers; false for service-import subscriptions, which are served on the
   * requester's own server (advertising them would deliver twice).
   */
  readonly advertise: boolean;
  /** Passes messages on to another account (imports); skipped for a message that came through a stream import. */
  readonly forwards: boolean;
  /** Messages delivered so far. */
  readonly nm: number;
  /** Auto-unsubscribe after this many (0 = none). */
  readonly max: number;
  readonly closed: boolean;
}

/** An internal subscription to place in an account (`AccountRef.addInternalSub`). */
export interface InternalSubscriptionSpec {
  subject: string;
  queue?: string | null;
  /** Shown as the sid in /subsz. */
  sid: string;
  handler: InternalHandler;
  advertise: boolean;
  forwards?: boolean;
}

// ---- Accounts ----------------------------------------------------------------------------------------

/** An account as modules see it: its subject space (read-only) and the one way to add interest. */
export interface AccountRef {
  readonly name: string;
  readonly sublist: ReadonlySublist<Subscription>;
  /** Client connections bound to it. */
  readonly numClients: number;
  /**
   * Places an internal subscription. Like every sublist change it passes the interest seam
   * (`BrokerModule.interestChanged`).
   */
  addInternalSub(spec: InternalSubscriptionSpec): Subscription;
  /** Removes a subscription placed with addInternalSub (again through the interest seam). */
  removeSub(sub: Subscription): void;
}

/** What defines an account beyond its name: its exports and imports (later: limits). */
export interface AccountDefinition {
  readonly name: string;
  readonly exports: readonly Export[];
  readonly imports: readonly Import[];
}

/**
 * Where the core gets account definitions. Today the config file (the accounts module); a JWT
 * resolver will be another source, resolving accounts on demand (so `lookup` may be async).
 */
export interface AccountSource {
  /** The accounts this source defines now; applied at start and on `ServerView.refreshAccounts()`. */
  definitions(): Iterable<AccountDefinition>;
  /** One account by name, for sources that resolve on demand; undefined when unknown. */
  lookup?(name: string): AccountDefinition | undefined | Promise<AccountDefinition | undefined>;
}

// ---- Authentication ----------------------------------------------------------------------------------

/** Publish/subscribe checks bound to a connection by authentication (the publish path calls these). */
export interface ClientPermissions {
  canPublish(subject: string): boolean;
  canSubscribe(subject: string, queue: string | null): boolean;
  /** False when a delivery of `subject` must be filtered (subscribe deny on a wider wildcard). */
  canDeliver?(subject: string): boolean;
  /** Called for every message delivered with a reply subject (allow_responses). */
  onDeliveredReply?(reply: string): void;
}

/** What a successful authentication binds to the connection. */
export interface ClientBinding {
  /** Account name (created if it does not exist yet). */
  account: string;
  permissions: ClientPermissions | null;
  /** User name or nkey, for monitoring; undefined leaves it unset. */
  user?: string;
  /**
   * Per-client limits decided by authentication (operator mode: user and account JWT limits
   * laid over the server's); -1 = unlimited. Absent: the server options apply.
   */
  limits?: { maxPayload: number; maxSubscriptions: number };
}

/**
 * A binding; `false` to refuse; `undefined` when this authenticator does not handle the
 * CONNECT (the next one in the decision order is asked).
 */
export type AuthResult = ClientBinding | false | undefined;

/**
 * Decides who a client is. The server asks its authenticators in registration order (a JWT
 * authenticator will go first); the first that does not answer `undefined` decides. With none
 * answering, a server that requires auth refuses and one that does not lets the client in.
 */
export interface Authenticator {
  /** Clients must send CONNECT first and authenticate. */
  readonly required: boolean;
  /** INFO fields for every client, in nats-server's key order (auth_required, tls_required, …). */
  infoFields(): Record<string, unknown>;
  /** INFO fields for one connection (the nkey nonce). */
  infoFor?(conn: ClientView): Record<string, unknown>;
  /** Seconds a client has to send its CONNECT. */
  timeoutSeconds(): number;
  /**
   * With client TLS: sends INFO in plaintext, starts the handshake, returns the socket to use
   * (null without TLS). A Promise while the client's first byte decides (allow_non_tls): null
   * then means plaintext on the accepted socket, INFO already sent.
   */
  secure?(conn: ClientView, infoLine: Buffer): Socket | null | Promise<Socket | null>;
  /** Decides a CONNECT; a slow check (bcrypt) makes it a Promise. */
  authenticate(conn: ClientView, connect: ConnectOptions): AuthResult | Promise<AuthResult>;
  /** The first op is not CONNECT: the no_auth_user's binding, or null to refuse. */
  bypass?(conn: ClientView): ClientBinding | null;
}

// ---- The server --------------------------------------------------------------------------------------

export interface ServerStats {
  inMsgs: number;
  outMsgs: number;
  inBytes: number;
  outBytes: number;
  slowConsumers: number;
  totalConnections: number;
}

/** The server as modules see it: what monitoring and events read, and the few things they may ask. */
export interface ServerView {
  readonly serverId: string;
  /** server_name, or the id. */
  readonly name: string;
  readonly opts: Options;
  readonly logger: Logger;
  /** The bound client port (after start). */
  readonly port: number;
  readonly startTime: Date;
  readonly configLoadTime: Date;
  readonly isRunning: boolean;
  /** Totals of closed connections (open ones count their own). */
  readonly stats: Readonly<ServerStats>;
  readonly clients: ReadonlyMap<number, ClientView>;
  readonly accounts: ReadonlyMap<string, AccountRef>;
  readonly globalAccount: AccountRef;
  /** Whether clients must authenticate (any authenticator requires it). */
  authRequired(): boolean;
  authTimeoutSeconds(): number;
  /** Finds or creates an account. */
  getOrCreateAccount(name: string): AccountRef;
  /** Re-reads every account source and rebuilds exports and imports. */
  refreshAccounts(): void;
  /** Rebuilds the INFO every client gets (after auth or TLS settings changed). */
  rebuildInfo(): void;
  /**
   * Delivers a message published in `account` (by `from`, null for the server's own) to every
   * matching subscription; with `noForward`, import subscriptions are skipped. Returns whether
   * anything received it.
   */
  deliverMessage(from: ConnectionView | null, account: AccountRef, subject: string, reply: string, hdr: number, buf: Buffer, start: number, end: number, noForward?: boolean): boolean;
  /**
   * Sets fields of the INFO every client gets (a cluster's `cluster` and `connect_urls`);
   * an undefined value removes the field. With `notify`, connected clients that accept async
   * INFO get the new INFO now.
   */
  setClientInfoFields(fields: Record<string, unknown>, notify: boolean): void;
  /** The cluster (routes), once a cluster module is wired in; null for a single server. */
  readonly cluster: ClusterView | null;
}

// ---- Clusters ----------------------------------------------------------------------------------------

/** A route connection, as monitoring (and later gateways) see it. */
export interface RouteView extends ConnectionView {
  readonly kind: 'ROUTER';
  /** The peer's server id ('' until its INFO or CONNECT arrived). */
  readonly remoteId: string;
  /** The peer's server name. */
  readonly remoteName: string;
  /** This server dialled the connection. */
  readonly didSolicit: boolean;
  /** The connection is to a `routes` entry of the configuration (not learned by gossip). */
  readonly isConfigured: boolean;
  /** Registered (handshake done, not a duplicate). */
  readonly registered: boolean;
  /** The peer's client URLs (its `connect_urls`). */
  readonly connectUrls: readonly string[];
  /** The peer's route URL, `nats-route://host:port/`. */
  readonly url: string;
  /** The peer's gateway URL (route INFO `gateway_url`), '' when none. */
  readonly gatewayUrl: string;
  /** The peer's route permissions (INFO `import` / `export`). */
  readonly remoteImport: { allow?: string[]; deny?: string[] } | undefined;
  readonly remoteExport: { allow?: string[]; deny?: string[] } | undefined;
  /** Subscriptions the peer registered here (its interest). */
  readonly subs: ReadonlyMap<string, Subscription>;
}

/** The cluster this server is part of (the routes module's state). */
export interface ClusterView {
  /** Cluster name (configured, adopted from a peer, or generated). */
  readonly clusterName: string;
  /** True when the name was generated and may still be replaced by a peer's. */
  readonly dynamic: boolean;
  /** Bound cluster listen port (0 when not listening). */
  readonly port: number;
  readonly host: string;
  /** Registered routes, by connection id. */
  readonly routes: ReadonlyMap<number, RouteView>;
  /** All route connections (registered or still in their handshake), for /routez-like views. */
  allRoutes(): RouteView[];
  /** The client URLs clients are told (INFO `connect_urls`): this server's and its peers'; [] with no_advertise. */
  clientUrls(): string[];
}

// ---- Modules -----------------------------------------------------------------------------------------

/** What a reload changed, for the modules whose keys it touches. */
export interface ChangeSet {
  readonly prev: Options;
  readonly next: Options;
  readonly changes: readonly Change[];
  /** Whether any change is at one of these top-level option keys (or below it). */
  touches(...keys: string[]): boolean;
}

/** One sublist insert or remove. */
export interface InterestChange {
  readonly account: AccountRef;
  readonly sub: Subscription;
  readonly added: boolean;
}

/**
 * A subsystem plugged into the core by the composition root (auth, accounts, monitor, events;
 * later routes, gateways, a JWT resolver). Every hook is optional; modules are called in
 * registration order, which `createServer` fixes and documents.
 */
export interface BrokerModule {
  readonly name: string;
  /** Top-level option keys this module applies on reload; `reload` runs only when one changed. */
  readonly reloadKeys?: readonly (keyof Options)[];
  /** Problems that make `next` unusable for this module (checked at construction and before a reload). */
  validate?(next: Options): string[];
  /** The server is listening (before `Server is ready`, which waits for a returned Promise). */
  start?(): void | Promise<void>;
  /** The server is shutting down (before connections are closed). */
  shutdown?(): void;
  /** The server entered lame duck mode (before its clients are told). */
  lameDuckStarted?(): void;
  reload?(changes: ChangeSet): void;
  /** A client's CONNECT was accepted. */
  clientConnected?(client: ClientView): void;
  /** A client closed (once per connection, whether or not it had connected). */
  clientClosed?(client: ClientView): void;
  /** A CONNECT was refused by authentication. */
  clientAuthFailed?(client: ClientView): void;
  /** A subscription was added to or removed from an account's sublist; internal ones included. */
  interestChanged?(change: InterestChange): void;
}

// ---- Gateways (super clusters) -----------------------------------------------------------------------

/** One account's interest state on a gateway link (/gatewayz `accounts`). */
export interface GatewayAccountState {
  readonly name: string;
  readonly mode: 'Optimistic' | 'Transitioning' | 'Interest-Only';
  /** Subjects marked "no interest" (RS-) while optimistic. */
  readonly noInterest: number;
  /** Outbound only: subscriptions and queue subscriptions the peer announced. */
  readonly subs: number;
  readonly queueSubs: number;
}

/** One gateway connection as monitoring sees it. */
export interface GatewayLinkView {
  readonly conn: ConnectionView;
  /** The remote cluster's gateway name. */
  readonly name: string;
  /** The remote server's id. */
  readonly remoteId: string;
  readonly outbound: boolean;
  /** Outbound: the remote is in this server's configuration (not discovered). */
  readonly configured: boolean;
  /** Subscriptions the peer announced on this link (outbound). */
  readonly subscriptions: number;
  /** TLS version ("1.3") and cipher suite of a link on TLS; null in plaintext. */
  readonly tls: { version: string; cipher: string } | null;
  /** Per-account interest state (all accounts, or the one named). */
  accounts(accountName?: string): GatewayAccountState[];
}

/** A remote cluster this server knows (configured or discovered) and the state of its outbound link. */
export interface GatewayRemoteView {
  readonly name: string;
  /** host:port of every known gateway URL of that cluster. */
  readonly urls: readonly string[];
  readonly implicit: boolean;
  readonly state: 'connected' | 'connecting' | 'retrying';
  readonly attempts: number;
  readonly lastError: string | null;
}

/** The gateway subsystem as monitoring (/gatewayz, /varz) and the console see it. */
export interface GatewayStatus {
  /** This cluster's gateway name. */
  readonly gatewayName: string;
  /** Advertised (or listen) host and the bound port. */
  readonly host: string;
  readonly port: number;
  outbound(): GatewayLinkView[];
  inbound(): GatewayLinkView[];
  remotes(): GatewayRemoteView[];
}
