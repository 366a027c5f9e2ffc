/** -ERR texts exactly as nats-server 2.9.10 sends them (server/errors.go, client.go). */
export const ERR = {
  authorizationViolation: 'Authorization Violation',
  authenticationTimeout: 'Authentication Timeout',
  maxPayload: 'Maximum Payload Violation',
  maxControlLine: 'maximum control line exceeded',
  unknownOp: 'Unknown Protocol Operation',
  badClientProtocol: 'invalid client protocol',
  noRespondersNeedsHeaders: 'no responders requires headers support',
  maxConnections: 'maximum connections exceeded',
  maxAccountConnections: 'maximum account active connections exceeded',
  staleConnection: 'Stale Connection',
  tlsRequired: 'Secure Connection - TLS Required',
  invalidSubject: 'Invalid Subject',
  invalidPublishSubject: 'Invalid Publish Subject',
  maxSubscriptions: 'maximum subscriptions exceeded',
} as const;

/** Why a connection was closed, as /connz `reason` spells it. */
export const ClosedReason = {
  clientClosed: 'Client Closed',
  authTimeout: 'Authentication Timeout',
  authFailure: 'Authentication Failure',
  tlsHandshake: 'TLS Handshake Failure',
  slowConsumerPending: 'Slow Consumer (Pending Bytes)',
  slowConsumerWriteDeadline: 'Slow Consumer (Write Deadline)',
  writeError: 'Write Error',
  readError: 'Read Error',
  parseError: 'Parse Error',
  staleConnection: 'Stale Connection',
  protocolViolation: 'Protocol Violation',
  badClientProtocol: 'Bad Client Protocol Version',
  maxConnections: 'Maximum Connections Exceeded',
  maxAccountConnections: 'Maximum Account Connections Exceeded',
  maxPayload: 'Maximum Message Payload Exceeded',
  maxControlLine: 'Maximum Control Line Exceeded',
  maxSubscriptions: 'Maximum Subscriptions Exceeded',
  serverShutdown: 'Server Shutdown',
  authExpired: 'Authentication Expired',
  noRespondersNeedsHeaders: 'No Responders Requires Headers',
  accountRemoved: 'Account Removed',
} as const;
export type ClosedReason = (typeof ClosedReason)[keyof typeof ClosedReason];
