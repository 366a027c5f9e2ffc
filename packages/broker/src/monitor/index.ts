/**
 * Monitoring views, each one function with typed options and a typed result, in nats-server's
 * JSON shape. The HTTP endpoints and the $SYS.REQ.SERVER.PING.<X> responders both call them.
 * They read the server through the contracts (`ServerView`) and the monitor module's records.
 */
export { connz, connzJson, connzBody, connzChunks, makeSubDetail, DEFAULT_LIST_SIZE } from './connz.js';
export { renderSliced, renderSlicedBuffer, renderChunks, collectChunks, SharedRenders, Slicer, SLICE_MS, type Chunks } from './render.js';
export { varz, serverTotals, totalSubscriptions, type VarzOptions } from './varz.js';
export { subsz, subszJson, subszBody, subszChunks, subszHttpBody, sublistStats } from './subsz.js';
export { routez, gatewayz, leafz } from './cluster.js';
export { accountz, accountInfo, accountStatz, extExport, extImport } from './accountz.js';
export { healthz } from './healthz.js';
export { MonitorModule, AccountTracker, recordHttpRequest, type MonitoredServer, type ClosedClientInfo } from './module.js';
export { uptimeString, goDuration, rfc3339 } from './format.js';
export { processUsage } from './usage.js';
