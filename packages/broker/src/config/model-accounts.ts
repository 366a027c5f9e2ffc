/** `accounts` blocks with their exports, imports, limits and subject mappings (also the top-level `mappings`). */
import { isValidSubject, subjectIsSubsetOf, type Account, type AccountLimits, type Export, type Import, type MapDest, type Mappings } from '@switchboard/shared';
import { parseDurationMs } from './duration.js';
import { parsePermissions, parseUsers } from './model-auth.js';
import { each, typeName, validPublicKey, type Mapper } from './model-mapper.js';
import type { ConfEntry, ConfNode, Pos } from './parser.js';

/** Sets an own property: account names are user data (`__proto__` would hit the prototype setter). */
function setOwn<T>(o: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

// -- accounts ----------------------------------------------------------------------------------

export function parseMappings(mp: Mapper, e: ConfEntry): Mappings | undefined {
  const m = mp.map(e, 'mappings');
  if (!m) return undefined;
  const out: Mappings = {};
  for (const me of m.entries.values()) {
    if (!isValidSubject(me.key)) {
      mp.error(e.keyPos, `Subject "${me.key}" is not a valid subject`);
      continue;
    }
    const v = me.value;
    if (v.type === 'string') {
      out[me.key] = v.value as string;
      continue;
    }
    const items = v.type === 'array' ? v.items : [v];
    const dests: MapDest[] = [];
    for (const it of items) {
      if (it.type !== 'map') {
        mp.error(it.pos, 'Expected an entry for the mapping destination');
        continue;
      }
      const d: Partial<MapDest> = {};
      let weightSeen = false;
      each(it, (k, de) => {
        if (k === 'dest' || k === 'destination') d.destination = mp.str(de);
        else if (k === 'weight') {
          const wv = de.value;
          const w = wv.type === 'integer' ? (wv.value as number) : wv.type === 'string' ? Number((wv.value as string).replace(/%$/, '')) : NaN;
          if (!Number.isInteger(w) || w < 0 || w > 100) mp.error(de.keyPos, `Invalid weight ${JSON.stringify(wv.type === 'string' ? wv.value : w)} for mapping destination`);
          else {
            d.weight = w;
            weightSeen = true;
          }
        } else if (k === 'cluster') d.cluster = mp.str(de);
        else mp.error(de.keyPos, `Unknown field "${de.key}" for mapping destination`);
      });
      if (!weightSeen) mp.error(it.pos, `Missing weight for mapping destination "${d.destination ?? ''}"`);
      else if (d.destination !== undefined) dests.push(d as MapDest);
    }
    out[me.key] = dests;
  }
  return out;
}

function parseExport(mp: Mapper, node: ConfNode): Export | undefined {
  if (node.type !== 'map') {
    mp.error(node.pos, `Export Items should be a map with type entry, got ${typeName(node)}`);
    return undefined;
  }
  const x: Partial<Export> = {};
  let streamPos: Pos | undefined;
  let responsePos: Pos | undefined;
  each(node, (k, xe) => {
    const pos = xe.keyPos;
    if (k === 'stream' || k === 'service') {
      const other = k === 'stream' ? 'service' : 'stream';
      if (x[other] !== undefined) {
        mp.error(pos, `Detected ${k} ${JSON.stringify(xe.value.type === 'string' ? xe.value.value : '')} but already saw a ${other}`);
        return;
      }
      if (xe.value.type !== 'string') {
        mp.error(pos, `Expected ${k} name to be string, got ${typeName(xe.value)}`);
        return;
      }
      x[k] = xe.value.value as string;
      if (k === 'stream') streamPos = pos;
    } else if (k === 'response' || k === 'response_type') {
      responsePos = pos;
      const s = mp.str(xe);
      if (s === undefined) return;
      const rt = ({ single: 'singleton', singleton: 'singleton', stream: 'stream', chunk: 'chunked', chunked: 'chunked' } as const)[
        s.toLowerCase() as 'single'
      ];
      if (!rt) mp.error(pos, `Unknown response type: "${s}"`);
      else x.responseType = rt;
    } else if (['threshold', 'response_threshold', 'response_max_time', 'response_time'].includes(k)) {
      responsePos = pos;
      if (xe.value.type !== 'string') {
        mp.error(pos, `Expected response threshold to be a parseable time duration, got ${typeName(xe.value)}`);
        return;
      }
      const d = parseDurationMs(xe.value.value as string);
      if ('error' in d) mp.error(pos, `Expected response threshold to be a parseable time duration, got "${xe.value.value}"`);
      else x.responseThreshold = d.ms;
    } else if (k === 'accounts') {
      const a = mp.strings(xe);
      if (a) x.accounts = a;
    } else if (k === 'latency') {
      const lv = xe.value;
      if (lv.type === 'string') x.latency = { subject: lv.value as string, sampling: 100 };
      else if (lv.type === 'map') {
        const subj = lv.entries.get('subject');
        const samp = lv.entries.get('sampling');
        let sampling: number | 'headers' = 100;
        if (samp) {
          const sv = samp.value;
          if (sv.type === 'string' && (sv.value as string).trim().toLowerCase() === 'headers') sampling = 'headers';
          else {
            const n = sv.type === 'integer' ? (sv.value as number) : sv.type === 'string' ? Number((sv.value as string).replace(/%$/, '')) : NaN;
            if (!Number.isInteger(n) || n < 1 || n > 100) {
              mp.error(samp.keyPos, 'sampling value must be between 1 and 100 percent');
              return;
            }
            sampling = n;
          }
        }
        if (!subj || subj.value.type !== 'string') {
          mp.error(pos, 'Latency subject required, but missing');
          return;
        }
        x.latency = { subject: subj.value.value as string, sampling };
      } else mp.error(pos, `Expected latency entry to be a map/struct or string, got ${typeName(lv)}`);
    } else if (k === 'account_token_position') {
      const n = mp.int(xe);
      if (n !== undefined) x.accountTokenPosition = n;
    } else mp.unknown(xe);
  });
  if (x.stream !== undefined && (x.responseType !== undefined || x.responseThreshold !== undefined || x.latency)) {
    mp.error(responsePos ?? streamPos ?? node.pos, 'Detected response directive on non-service');
    return undefined;
  }
  if (x.stream === undefined && x.service === undefined) {
    mp.warn(node.pos, 'export entry without "stream" or "service" is ignored', 'unsupported');
    return undefined;
  }
  return x as Export;
}

function parseImportSource(mp: Mapper, e: ConfEntry): { account: string; subject: string } | undefined {
  if (e.value.type !== 'map') {
    mp.error(e.keyPos, `${e.key === 'stream' ? 'Stream' : 'Service'} entry should be an account map, got ${typeName(e.value)}`);
    return undefined;
  }
  let account = '';
  let subject = '';
  each(e.value, (k, se) => {
    if (k === 'account') account = mp.str(se) ?? '';
    else if (k === 'subject') subject = mp.str(se) ?? '';
    else mp.unknown(se);
  });
  if (!account || !subject) {
    mp.error(e.keyPos, 'Expect an account name and a subject');
    return undefined;
  }
  return { account, subject };
}

function parseImport(mp: Mapper, node: ConfNode): Import | undefined {
  if (node.type !== 'map') {
    mp.error(node.pos, `Import Items should be a map with type entry, got ${typeName(node)}`);
    return undefined;
  }
  const im: Partial<Import> = {};
  each(node, (k, ie) => {
    if (k === 'stream' || k === 'service') {
      const other = k === 'stream' ? 'service' : 'stream';
      if (im[other]) {
        mp.error(ie.keyPos, `Detected ${k} but already saw a ${other}`);
        return;
      }
      const src = parseImportSource(mp, ie);
      if (src) im[k] = src;
    } else if (k === 'prefix') im.prefix = mp.str(ie);
    else if (k === 'to') im.to = mp.str(ie);
    else if (k === 'share') im.share = mp.bool(ie);
    else mp.unknown(ie);
  });
  for (const key of Object.keys(im) as (keyof Import)[]) if (im[key] === undefined) delete im[key];
  if (im.stream && im.prefix !== undefined && im.to !== undefined) {
    mp.error(node.pos, "Stream import can not have a 'prefix' and a 'to' property");
    return undefined;
  }
  if (!im.stream && !im.service) return undefined;
  return im as Import;
}

function parseLimits(mp: Mapper, e: ConfEntry): AccountLimits | undefined {
  if (e.value.type !== 'map') {
    mp.error(e.keyPos, `Expected account limits to be a map/struct, got ${typeName(e.value)}`);
    return undefined;
  }
  const l: AccountLimits = {};
  each(e.value, (k, le) => {
    if (k === 'max_connections' || k === 'max_conn') l.maxConnections = mp.int(le);
    else if (k === 'max_subscriptions' || k === 'max_subs') l.maxSubscriptions = mp.int(le);
    else if (k === 'max_payload' || k === 'max_pay') l.maxPayload = mp.int(le);
    else if (k === 'max_leafnodes' || k === 'max_leafs') l.maxLeafnodes = mp.int(le);
    else mp.unknown(le, `Unknown field "${le.key}" parsing account limits`);
  });
  for (const key of Object.keys(l) as (keyof AccountLimits)[]) if (l[key] === undefined) delete l[key];
  return l;
}

export function parseAccounts(mp: Mapper, e: ConfEntry): Record<string, Account> | undefined {
  const out: Record<string, Account> = {};
  const v = e.value;
  if (v.type === 'array') {
    for (const it of v.items) {
      if (it.type !== 'string') {
        mp.error(it.pos, `account name must be a string, got ${typeName(it)}`);
        continue;
      }
      const name = it.value as string;
      if (name === '$G') mp.error(it.pos, `"${name}" is a Reserved Account`);
      else if (Object.hasOwn(out, name)) mp.error(it.pos, `Duplicate Account Entry: ${name}`);
      else setOwn(out, name, {});
    }
    return out;
  }
  if (v.type !== 'map') {
    mp.error(e.keyPos, `Expected map or array to define accounts, got ${typeName(v)}`);
    return undefined;
  }
  for (const ae of v.entries.values()) {
    if (ae.value.usedVariable) continue;
    if (ae.value.type !== 'map') {
      mp.error(ae.keyPos, 'Expected map entries for accounts');
      continue;
    }
    if (ae.key === '$G') {
      mp.error(ae.keyPos, `"${ae.key}" is a Reserved Account`);
      continue;
    }
    const acc: Account = {};
    each(ae.value, (k, fe) => {
      if (k === 'nkey') {
        const nk = fe.value.type === 'string' ? (fe.value.value as string) : '';
        if (!validPublicKey(nk, 'A')) mp.error(fe.keyPos, `Not a valid public nkey for an account: "${nk}"`);
        else acc.nkey = nk;
      } else if (k === 'imports') {
        if (fe.value.type !== 'array') {
          mp.error(fe.keyPos, `Imports should be an array, got ${typeName(fe.value)}`);
          return;
        }
        const list: Import[] = [];
        const seen = new Map<string, Import>();
        for (const it of fe.value.items) {
          const im = parseImport(mp, it);
          if (!im) continue;
          if (im.service) {
            const to = im.to ?? im.service.subject;
            const dup = seen.get(to);
            if (dup) {
              mp.error(it.pos, `Duplicate service import subject "${to}", previously used in import for account "${dup.service!.account}", subject "${dup.service!.subject}"`);
              continue;
            }
            seen.set(to, im);
          }
          list.push(im);
        }
        acc.imports = list;
      } else if (k === 'exports') {
        if (fe.value.type !== 'array') {
          mp.error(fe.keyPos, `Exports should be an array, got ${typeName(fe.value)}`);
          return;
        }
        acc.exports = fe.value.items.map((it) => parseExport(mp, it)).filter((x): x is Export => x !== undefined);
      } else if (k === 'jetstream') {
        mp.warn(fe.keyPos, `account "${ae.key}": jetstream is not supported by Switchboard; ignored`);
      } else if (k === 'users') {
        const u = parseUsers(mp, fe);
        if (u) acc.users = u;
        mp.at(`accounts.${ae.key}.users`, fe);
      } else if (k === 'default_permissions') {
        const p = parsePermissions(mp, fe);
        if (p) acc.defaultPermissions = p;
      } else if (k === 'mappings' || k === 'maps') {
        const m = parseMappings(mp, fe);
        if (m) acc.mappings = m;
      } else if (k === 'limits') {
        const l = parseLimits(mp, fe);
        if (l) acc.limits = l;
      } else mp.unknown(fe);
    });
    setOwn(out, ae.key, acc);
    mp.at(`accounts.${ae.key}`, ae);
  }
  // Cross references: every account named by an export or import must exist.
  for (const [name, acc] of Object.entries(out)) {
    for (const x of acc.exports ?? []) {
      for (const a of x.accounts ?? []) {
        if (!Object.hasOwn(out, a)) mp.error(e.keyPos, `"${a}" account not defined for ${x.stream !== undefined ? 'stream' : 'service'} export`);
      }
    }
    const streamImports = new Set<string>();
    for (const im of acc.imports ?? []) {
      const src = im.stream ?? im.service!;
      const kind = im.stream ? 'stream' : 'service';
      if (im.stream) {
        const id = `${src.account}\u0000${src.subject}`;
        if (streamImports.has(id)) {
          mp.error(e.keyPos, `Error adding stream import "${src.subject}": stream import already exists`);
          continue;
        }
        streamImports.add(id);
      }
      const target = Object.hasOwn(out, src.account) ? out[src.account] : undefined;
      if (!target) {
        mp.error(e.keyPos, `"${src.account}" account not defined for ${kind} import`);
        continue;
      }
      // The target account must export a matching subject to this account.
      const allowed = (target.exports ?? []).some((x) => {
        const pattern = kind === 'stream' ? x.stream : x.service;
        return pattern !== undefined && subjectIsSubsetOf(src.subject, pattern) && (!x.accounts || x.accounts.includes(name));
      });
      if (!allowed) mp.error(e.keyPos, `Error adding ${kind} import "${src.subject}": ${kind} import not authorized`);
    }
  }
  return out;
}
