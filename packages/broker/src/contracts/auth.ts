import type { Socket } from 'node:net';
import type { ConnectOptions } from '../protocol/connect.js';
import type { ClientView } from './connection.js';

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
  /** With client TLS: sends INFO in plaintext, starts the handshake, returns the socket to use (null without TLS). */
  secure?(conn: ClientView, infoLine: Buffer): Socket | null;
  /** Decides a CONNECT; a slow check (bcrypt) makes it a Promise. */
  authenticate(conn: ClientView, connect: ConnectOptions): AuthResult | Promise<AuthResult>;
  /** The first op is not CONNECT: the no_auth_user's binding, or null to refuse. */
  bypass?(conn: ClientView): ClientBinding | null;
}
