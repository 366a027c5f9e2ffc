/**
 * Subject and address helpers the JWT rules need beyond the NATS subject rules (those are in
 * packages/shared): the jwt library's own `Subject.IsContainedIn`/`HasWildCards` (jwt/v2
 * types.go), which differ from nats-server's, and CIDR parsing and matching.
 */
import { isIP } from 'node:net';

/** jwt `Subject.IsContainedIn(other)`. */
export function jwtSubjectIsContainedIn(subject: string, other: string): boolean {
  const otherArray = other.split('.');
  const myArray = subject.split('.');
  if (myArray.length > otherArray.length && otherArray[otherArray.length - 1] !== '>') return false;
  if (myArray.length < otherArray.length) return false;
  for (let i = 0; i < otherArray.length; i++) {
    const tok = otherArray[i]!;
    if (i === otherArray.length - 1 && tok === '>') return true;
    if (tok !== myArray[i] && tok !== '*') return false;
  }
  return true;
}

/** jwt `Subject.HasWildCards`. */
export function jwtSubjectHasWildcards(v: string): boolean {
  return v.endsWith('.>') || v.includes('.*.') || v.endsWith('.*') || v.startsWith('*.') || v === '*' || v === '>';
}

/** A parsed CIDR (Go `net.ParseCIDR`), matched with `cidrContains`. */
export interface Cidr {
  family: 4 | 6;
  bytes: Uint8Array;
  prefix: number;
}

function ipBytes(ip: string): Uint8Array | undefined {
  const fam = isIP(ip);
  if (fam === 4) return Uint8Array.from(ip.split('.').map(Number));
  if (fam !== 6) return undefined;
  // Expand an IPv6 text (zone dropped, an embedded IPv4 tail turned into two groups) to 16 bytes.
  let text = ip.replace(/%.*$/, '');
  const v4 = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(2).map(Number) as [number, number, number, number];
    text = `${v4[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const parse = (s: string): number[] => (s === '' ? [] : s.split(':').map((h) => parseInt(h, 16)));
  let groups: number[];
  const dbl = text.indexOf('::');
  if (dbl >= 0) {
    const hs = parse(text.slice(0, dbl));
    const rs = parse(text.slice(dbl + 2));
    groups = [...hs, ...new Array<number>(8 - hs.length - rs.length).fill(0), ...rs];
  } else groups = parse(text);
  if (groups.length !== 8) return undefined;
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

/** Go `net.ParseCIDR`: `a.b.c.d/n` or `x::y/n`; undefined when invalid. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const addr = text.slice(0, slash);
  const bits = text.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(bits)) return undefined;
  const bytes = ipBytes(addr);
  if (!bytes) return undefined;
  const family = bytes.length === 4 ? 4 : 6;
  const prefix = Number(bits);
  if (prefix > bytes.length * 8) return undefined;
  return { family, bytes, prefix };
}

/** Whether `ip` (text) is inside the CIDR; IPv4-mapped IPv6 addresses match IPv4 networks. */
export function cidrContains(cidr: Cidr, ip: string): boolean {
  let bytes = ipBytes(ip);
  if (!bytes) return false;
  if (cidr.family === 4 && bytes.length === 16) {
    const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
    if (!mapped) return false;
    bytes = bytes.slice(12);
  } else if (cidr.family === 6 && bytes.length === 4) {
    bytes = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...bytes]);
  }
  let left = cidr.prefix;
  for (let i = 0; i < bytes.length && left > 0; i++, left -= 8) {
    const mask = left >= 8 ? 0xff : (0xff << (8 - left)) & 0xff;
    if ((bytes[i]! & mask) !== (cidr.bytes[i]! & mask)) return false;
  }
  return true;
}
