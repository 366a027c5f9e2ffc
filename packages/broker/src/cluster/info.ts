/** The route INFO and CONNECT messages (nats-server route.go: Info for routes, connectInfo). */

export interface SubjectPermissionJson {
  allow?: string[];
  deny?: string[];
}

/** A route INFO as sent and received (the fields routes use; others are kept when gossiped). */
export interface RouteInfoMessage {
  server_id: string;
  server_name?: string;
  version?: string;
  proto?: number;
  go?: string;
  host?: string;
  port?: number;
  headers?: boolean;
  auth_required?: boolean;
  tls_required?: boolean;
  tls_verify?: boolean;
  max_payload?: number;
  jetstream?: boolean;
  ip?: string;
  nonce?: string;
  cluster?: string;
  cluster_dynamic?: boolean;
  domain?: string;
  connect_urls?: string[];
  ws_connect_urls?: string[];
  ldm?: boolean;
  import?: SubjectPermissionJson;
  export?: SubjectPermissionJson;
  lnoc?: boolean;
  gateway?: string;
  gateway_url?: string;
  leafnode_urls?: string[];
  [k: string]: unknown;
}

/** A route CONNECT (what nats-server's connectInfo carries). */
export interface RouteConnectMessage {
  echo?: boolean;
  verbose?: boolean;
  pedantic?: boolean;
  user?: string;
  pass?: string;
  tls_required?: boolean;
  headers?: boolean;
  name?: string;
  cluster?: string;
  cluster_dynamic?: boolean;
  lnoc?: boolean;
  gateway?: string;
  /** Only clients send it: a client on the route port. */
  lang?: string;
}

/** Decodes a route CONNECT; JSON keys are matched case-insensitively as Go's json.Unmarshal does. */
export function decodeRouteConnect(json: string): RouteConnectMessage {
  const raw = JSON.parse(json) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) out[k.toLowerCase()] = v;
  return out as RouteConnectMessage;
}

export function infoLine(info: RouteInfoMessage): string {
  return `INFO ${JSON.stringify(info)}\r\n`;
}
