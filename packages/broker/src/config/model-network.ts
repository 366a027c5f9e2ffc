/** `tls`, `cluster` and `gateway` blocks. */
import type { ClusterOptions, GatewayOptions, Permissions, RemoteGateway, SimpleAuthorization, TlsOptions } from '@switchboard/shared';
import { parseDurationMs } from './duration.js';
import { parseAuthorization, parsePermissions, parseSimpleAuth } from './model-auth.js';
import { each, parseListen, typeName, type Mapper } from './model-mapper.js';
import type { ConfEntry, Pos } from './parser.js';

// -- TLS -----------------------------------------------------------------------------------------

export function parseTls(mp: Mapper, e: ConfEntry, clientContext: boolean): TlsOptions | undefined {
  const m = mp.map(e, 'tls');
  if (!m) return undefined;
  const t: TlsOptions = {};
  const fail = (pos: Pos, msg: string): undefined => {
    mp.error(pos, `error parsing tls config, ${msg}`);
    return undefined;
  };
  for (const te of m.entries.values()) {
    const k = te.key.toLowerCase();
    const v = te.value;
    const pos = te.keyPos;
    switch (k) {
      case 'cert_file':
      case 'key_file':
      case 'ca_file': {
        if (v.type !== 'string') return fail(pos, `expected '${k}' to be filename`);
        const field = k === 'cert_file' ? 'certFile' : k === 'key_file' ? 'keyFile' : 'caFile';
        t[field] = v.value as string;
        break;
      }
      case 'insecure':
      case 'verify':
      case 'verify_and_map':
      case 'verify_cert_and_check_known_urls': {
        if (v.type !== 'bool') return fail(pos, `expected '${k}' to be a boolean`);
        const b = v.value as boolean;
        if (k === 'insecure') t.insecure = b;
        else if (k === 'verify') t.verify = b;
        else if (k === 'verify_and_map') t.verifyAndMap = b;
        else {
          if (b && clientContext) {
            mp.error(pos, 'verify_cert_and_check_known_urls not supported in this context');
            return undefined;
          }
          t.verifyCertAndCheckKnownUrls = b;
        }
        break;
      }
      case 'cipher_suites':
      case 'curve_preferences': {
        if (v.type !== 'array') return fail(pos, `'${k}' must be an array`);
        if (v.items.length === 0) return fail(pos, `'${k}' cannot be empty`);
        const list = mp.strings(te);
        if (!list) return undefined;
        if (k === 'cipher_suites') t.cipherSuites = list;
        else t.curvePreferences = list;
        break;
      }
      case 'timeout': {
        if (v.type === 'integer' || v.type === 'float') t.timeout = v.value as number;
        else if (v.type === 'string') {
          const d = parseDurationMs(v.value as string);
          if ('error' in d) return fail(pos, `'timeout' ${d.error}`);
          t.timeout = d.ms / 1000;
        } else return fail(pos, `'timeout' wrong type`);
        break;
      }
      case 'connection_rate_limit':
        if (v.type !== 'integer') return fail(pos, `'connection_rate_limit' wrong type`);
        t.connectionRateLimit = v.value as number;
        break;
      case 'pinned_certs': {
        if (v.type !== 'array') {
          return fail(pos, `expected 'pinned_certs' to be a list of hex-encoded sha256 of DER encoded SubjectPublicKeyInfo`);
        }
        const list: string[] = [];
        for (const it of v.items) {
          const s = it.type === 'string' ? (it.value as string).toLowerCase() : '';
          if (!/^[a-f0-9]{64}$/.test(s)) {
            return fail(it.pos, `'pinned_certs' key ${s} does not look like hex-encoded sha256 of DER encoded SubjectPublicKeyInfo`);
          }
          list.push(s);
        }
        if (list.length) t.pinnedCerts = list;
        break;
      }
      default:
        return fail(pos, `unknown field ["${te.key}"]`);
    }
  }
  if ((t.certFile === undefined) !== (t.keyFile === undefined)) {
    mp.error(e.keyPos, 'missing \'cert_file\' or \'key_file\' in TLS configuration');
    return undefined;
  }
  return t;
}

// -- cluster and gateway -----------------------------------------------------------------------

function parseUrls(mp: Mapper, e: ConfEntry, typ: string): string[] | undefined {
  if (e.value.type !== 'array') {
    mp.error(e.keyPos, `"${e.key}" must be an array of URLs, got ${typeName(e.value)}`);
    return undefined;
  }
  const out: string[] = [];
  for (const it of e.value.items) {
    if (it.type !== 'string') {
      mp.error(it.pos, `${typ} url must be a string, got ${typeName(it)}`);
      continue;
    }
    const u = (it.value as string).trim();
    if (out.includes(u)) {
      mp.warn(it.pos, `invalid use of field "${u}": Duplicate ${typ} entry detected`, 'nats');
      continue;
    }
    if (!validUrl(u)) {
      mp.error(it.pos, `error parsing ${typ} url ["${u}"]`);
      continue;
    }
    out.push(u);
  }
  return out;
}

function validUrl(u: string): boolean {
  if (/[\s\x00-\x1f]/.test(u)) return false;
  try {
    new URL(u.includes('://') ? u : `nats://${u}`);
    return true;
  } catch {
    return false;
  }
}

export function parseCluster(mp: Mapper, e: ConfEntry): ClusterOptions | undefined {
  const m = mp.map(e, 'cluster');
  if (!m) return undefined;
  const c: ClusterOptions = {};
  let deprecatedPerms: Permissions | undefined;
  each(m, (k, ce) => {
    mp.at(`cluster.${k}`, ce);
    if (k === 'name') c.name = mp.str(ce);
    else if (k === 'listen') {
      const hp = parseListen(mp, ce);
      if (hp) {
        c.host = hp.host ?? '';
        c.port = hp.port;
      }
    } else if (k === 'port') c.port = mp.int(ce);
    else if (k === 'host' || k === 'net') c.host = mp.str(ce);
    else if (k === 'authorization') {
      const r = parseAuthorization(mp, ce);
      if (!r) return;
      if (r.auth.users) return mp.error(ce.keyPos, 'Cluster authorization does not allow multiple users');
      if (r.auth.token !== undefined) return mp.error(ce.keyPos, 'Cluster authorization does not support tokens');
      const a: SimpleAuthorization = {};
      if (r.auth.user !== undefined) a.user = r.auth.user;
      if (r.auth.password !== undefined) a.password = r.auth.password;
      if (r.timeout !== undefined) a.timeout = r.timeout;
      c.authorization = a;
      if (r.auth.defaultPermissions) {
        mp.warn(ce.keyPos, `invalid use of field "${ce.key}": setting "permissions" within cluster authorization block is deprecated`, 'nats');
        deprecatedPerms = r.auth.defaultPermissions;
      }
    } else if (k === 'routes') {
      const r = parseUrls(mp, ce, 'route');
      if (r) c.routes = r;
    } else if (k === 'tls') {
      const t = parseTls(mp, ce, false);
      if (t) c.tls = t;
    } else if (k === 'cluster_advertise' || k === 'advertise') c.advertise = mp.str(ce);
    else if (k === 'no_advertise') c.noAdvertise = mp.bool(ce);
    else if (k === 'connect_retries') c.connectRetries = mp.int(ce);
    else if (k === 'permissions') {
      const p = parsePermissions(mp, ce);
      if (!p) return;
      if (p.allowResponses) return mp.error(ce.keyPos, 'Cluster permissions do not support dynamic responses');
      c.permissions = routePerms(p);
    } else mp.unknown(ce);
  });
  if (deprecatedPerms && !c.permissions) c.permissions = routePerms(deprecatedPerms);
  for (const key of Object.keys(c) as (keyof ClusterOptions)[]) if (c[key] === undefined) delete c[key];
  return c;
}

function routePerms(p: Permissions): NonNullable<ClusterOptions['permissions']> {
  const out: NonNullable<ClusterOptions['permissions']> = {};
  if (p.publish) out.import = p.publish;
  if (p.subscribe) out.export = p.subscribe;
  return out;
}

export function parseGateway(mp: Mapper, e: ConfEntry): GatewayOptions | undefined {
  if (e.value.type !== 'map') {
    mp.error(e.keyPos, `Expected gateway to be a map, got ${typeName(e.value)}`);
    return undefined;
  }
  const g: GatewayOptions = {};
  each(e.value, (k, ge) => {
    mp.at(`gateway.${k}`, ge);
    if (k === 'name') g.name = mp.str(ge);
    else if (k === 'listen') {
      const hp = parseListen(mp, ge);
      if (hp) {
        g.host = hp.host ?? '';
        g.port = hp.port;
      }
    } else if (k === 'port') g.port = mp.int(ge);
    else if (k === 'host' || k === 'net') g.host = mp.str(ge);
    else if (k === 'authorization') {
      const a = parseSimpleAuth(mp, ge, 'Gateway');
      if (a) g.authorization = a;
    } else if (k === 'tls') {
      const t = parseTls(mp, ge, false);
      if (t) g.tls = t;
    } else if (k === 'advertise') g.advertise = mp.str(ge);
    else if (k === 'connect_retries') g.connectRetries = mp.int(ge);
    else if (k === 'reject_unknown' || k === 'reject_unknown_cluster') g.rejectUnknown = mp.bool(ge);
    else if (k === 'gateways') {
      if (ge.value.type !== 'array') return mp.error(ge.keyPos, `Expected gateways field to be an array, got ${typeName(ge.value)}`);
      const list: RemoteGateway[] = [];
      for (const it of ge.value.items) {
        if (it.type !== 'map') {
          mp.error(it.pos, `Expected gateway entry to be a map/struct, got ${typeName(it)}`);
          continue;
        }
        const rg: RemoteGateway = { name: '', urls: [] };
        each(it, (rk, re) => {
          if (rk === 'name') rg.name = mp.str(re) ?? '';
          else if (rk === 'tls') {
            const t = parseTls(mp, re, false);
            if (t) rg.tls = t;
          } else if (rk === 'url') {
            const u = mp.str(re);
            if (u === undefined) return;
            if (!validUrl(u.trim())) mp.error(re.keyPos, `error parsing gateway url ["${u.trim()}"]`);
            else rg.urls.push(u.trim());
          } else if (rk === 'urls') {
            const us = parseUrls(mp, re, 'gateway');
            if (us) rg.urls = us;
          } else mp.unknown(re);
        });
        list.push(rg);
      }
      g.gateways = list;
    } else mp.unknown(ge);
  });
  for (const key of Object.keys(g) as (keyof GatewayOptions)[]) if (g[key] === undefined) delete g[key];
  return g;
}
