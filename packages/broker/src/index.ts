/**
 * @switchboard/broker: the broker as a library. `createServer(options)` gives a running-ready
 * server with its modules; the monitoring views, config tools and key helpers are exported
 * beside it. Internals (core, parser, sublist) are not part of this API.
 */
export { createServer, type Switchboard, type SwitchboardDeps } from './switchboard.js';
export type { ServerDeps, ServerEvents } from './core/server.js';
export type { ClientConnection } from './core/client.js';
export type { ReloadResult } from './core/reload.js';
export { layerOverrides } from './core/reload.js';
export type { LameDuckState } from './core/lameduck.js';
export type * from './contracts/index.js';
export { Logger, type LogOptions } from './log/logger.js';
export { VERSION, SWITCHBOARD_VERSION, GO_VERSION } from './protocol/version.js';
export { GLOBAL_ACCOUNT, SYSTEM_ACCOUNT } from './protocol/accounts.js';
export { ERR, ClosedReason } from './protocol/errors.js';
export type { ConnectOptions } from './protocol/connect.js';
export * as sysSubjects from './protocol/sys-subjects.js';
export * from './config/index.js';
export * from './auth/index.js';
export * from './monitor/index.js';
export { SystemEvents, type EventCallback } from './events/system.js';
export { MessageTools, MessageToolError, type MessageToolErrorCode, type MessageView, type OutboundMessage, type ReceivedMessage, type RequestOutcome } from './messages/tools.js';
export { encodeHeaders, decodeHeaders, headerError, type HeaderList, type ParsedHeaders } from './messages/headers.js';
export { ClusterModule, type RouteListener, type GatewayInfoListener, type RouteInfoMessage, type RouteConnectMessage } from './cluster/index.js';
export { GatewayModule, gatewayDelays } from './gateway/module.js';
export { gatewayTuning } from './gateway/router.js';
export * as jwt from './jwt/index.js';
