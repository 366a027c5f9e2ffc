/** The cluster (routes) module: what the composition root and, later, gateways use. */
export { ClusterModule, type RouteListener, type GatewayInfoListener } from './cluster.js';
export { RouteConnection } from './route.js';
export type { RouteInfoMessage, RouteConnectMessage, SubjectPermissionJson } from './info.js';
