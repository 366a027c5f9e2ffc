/**
 * The shared ground of the conf → options mapping: the `Mapper` (errors, warnings, positions
 * and typed value readers) and the small value checks every block uses.
 */
import { fromPublic } from '@nats-io/nkeys';
import { parseDurationMs } from './duration.js';
import type { ConfEntry, ConfigError, ConfMap, ConfNode, Pos } from './parser.js';

export interface ConfigWarning extends Pos {
  message: string;
  /**
   * `nats`: nats-server warns too (and `-t` fails on it, as nats-server's does);
   * `unsupported`: accepted, but Switchboard does not implement it yet.
   */
  kind: 'nats' | 'unsupported';
}

export const typeName = (n: ConfNode): string =>
  n.type === 'map' ? 'map' : n.type === 'array' ? 'array' : n.type === 'bool' ? 'boolean' : n.type;

/** Mapping state: errors, warnings, positions. */
export class Mapper {
  errors: ConfigError[] = [];
  warnings: ConfigWarning[] = [];
  positions = new Map<string, Pos>();

  error(pos: Pos, message: string): void {
    this.errors.push({ ...pos, message });
  }
  warn(pos: Pos, message: string, kind: ConfigWarning['kind'] = 'unsupported'): void {
    this.warnings.push({ ...pos, message, kind });
  }
  unknown(e: ConfEntry, message = `unknown field "${e.key}"`): void {
    if (!e.value.usedVariable) this.error(e.keyPos, message);
  }
  at(path: string, e: ConfEntry): void {
    this.positions.set(path, e.keyPos);
  }

  // -- typed readers; each reports a wrong type at the key and returns undefined ---------------

  str(e: ConfEntry): string | undefined {
    if (e.value.type === 'string') return e.value.value as string;
    this.error(e.keyPos, `"${e.key}" must be a string, got ${typeName(e.value)}`);
    return undefined;
  }
  int(e: ConfEntry): number | undefined {
    if (e.value.type === 'integer') return e.value.value as number;
    this.error(e.keyPos, `"${e.key}" must be an integer, got ${typeName(e.value)}`);
    return undefined;
  }
  bool(e: ConfEntry): boolean | undefined {
    if (e.value.type === 'bool') return e.value.value as boolean;
    this.error(e.keyPos, `"${e.key}" must be a boolean, got ${typeName(e.value)}`);
    return undefined;
  }
  num(e: ConfEntry): number | undefined {
    if (e.value.type === 'integer' || e.value.type === 'float') return e.value.value as number;
    this.error(e.keyPos, `"${e.key}" must be a number, got ${typeName(e.value)}`);
    return undefined;
  }
  map(e: ConfEntry, what = e.key): ConfMap | undefined {
    if (e.value.type === 'map') return e.value;
    this.error(e.keyPos, `Expected map to define ${what}, got ${typeName(e.value)}`);
    return undefined;
  }
  /** A string or an array of strings. */
  strings(e: ConfEntry | { node: ConfNode; pos: Pos; key: string }): string[] | undefined {
    const node = 'value' in e ? e.value : e.node;
    const pos = 'keyPos' in e ? e.keyPos : e.pos;
    if (node.type === 'string') return [node.value as string];
    if (node.type !== 'array') {
      this.error(pos, `"${e.key}" must be a string or an array of strings, got ${typeName(node)}`);
      return undefined;
    }
    const out: string[] = [];
    for (const it of node.items) {
      if (it.type === 'string') out.push(it.value as string);
      else this.error(it.pos, `"${e.key}": expected a string in the array, got ${typeName(it)}`);
    }
    return out;
  }
  /** Go duration string; integers are seconds with a warning (`seconds`) or an error (`strict`). */
  duration(e: ConfEntry, mode: 'seconds' | 'strict'): number | undefined {
    const v = e.value;
    if (v.type === 'string') {
      const r = parseDurationMs(v.value as string);
      if ('error' in r) {
        this.error(e.keyPos, `error parsing ${e.key}: ${r.error}`);
        return undefined;
      }
      return r.ms;
    }
    if (v.type === 'integer' && mode === 'seconds') {
      this.warn(e.keyPos, `invalid use of field "${e.key}": ${e.key} should be converted to a duration`, 'nats');
      return (v.value as number) * 1000;
    }
    this.error(
      e.keyPos,
      `error parsing ${e.key}: expected a duration string such as "30s" or "2m", got ${typeName(v)}` +
        (v.type === 'integer' ? ` (note: unquoted ${v.raw} is a number; quote durations)` : ''),
    );
    return undefined;
  }
}

export function each(m: ConfMap, fn: (key: string, e: ConfEntry) => void): void {
  for (const e of m.entries.values()) fn(e.key.toLowerCase(), e);
}

/** `listen`-style value: a port, or `host:port` (port may be -1). */
export function parseListen(mp: Mapper, e: ConfEntry): { host?: string; port: number } | undefined {
  const v = e.value;
  if (v.type === 'integer') return { port: v.value as number };
  if (v.type === 'string') {
    const s = v.value as string;
    const m = /^(?:\[([^\]]*)\]|([^:]*)):([^:]*)$/.exec(s);
    if (!m) {
      mp.error(e.keyPos, `could not parse address string "${s}"`);
      return undefined;
    }
    const portText = m[3]!;
    if (!/^[+-]?[0-9]+$/.test(portText)) {
      mp.error(e.keyPos, `could not parse port "${portText}"`);
      return undefined;
    }
    return { host: m[1] ?? m[2] ?? '', port: Number(portText) };
  }
  mp.error(e.keyPos, `expected port or host:port, got ${typeName(v)}`);
  return undefined;
}

export function validPublicKey(key: string, prefix: 'U' | 'A'): boolean {
  if (!key.startsWith(prefix)) return false;
  try {
    fromPublic(key);
    return true;
  } catch {
    return false;
  }
}
