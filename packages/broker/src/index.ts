export { Server, type ServerStats, type ClosedClientInfo, type ServerDeps } from './server/server.js';
export { Client, type ConnectOptions, type ClientPermissions } from './server/client.js';
export { Subscription } from './server/subscription.js';
export { Logger, type LogOptions } from './server/logger.js';
export { VERSION, SWITCHBOARD_VERSION, GO_VERSION } from './server/version.js';
export { Account, GLOBAL_ACCOUNT, SYSTEM_ACCOUNT } from './accounts/account.js';
export { Sublist, type SublistResult, type SublistEntry, InvalidSubjectError } from './subjects/sublist.js';

export { Parser, ProtocolError, parseSize, type ProtocolHandler } from './protocol/parser.js';
export { ERR, ClosedReason } from './protocol/errors.js';
export { type ReloadResult, layerOverrides } from './server/reload.js';
export { type LameDuckState } from './server/lameduck.js';
export { type ReloadHook } from './server/server.js';
export * from './config/index.js';
export * from './auth/index.js';
export * from './monitor/index.js';
export { SystemEvents, type EventCallback } from './events/system.js';
export * as sysSubjects from './events/subjects.js';
