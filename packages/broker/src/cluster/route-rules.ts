/** Small rules of the route protocol: credentials, permissions, URLs, generated cluster names. */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { subjectMatches } from '@switchboard/shared';
import type { SubjectPermissionJson } from './info.js';

export function generatedName(): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const b = randomBytes(22);
  let s = '';
  for (let i = 0; i < 22; i++) s += alphabet[b[i] % 62];
  return s;
}

export function constantTimeEquals(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function checkPassword(configured: string, given: string): boolean {
  if (/^\$2[abxy]?\$\d\d\$/.test(configured)) {
    try {
      return bcrypt.compareSync(given, configured);
    } catch {
      return false;
    }
  }
  return constantTimeEquals(configured, given);
}

/** A subject permission as nats-server applies it to routes (canImport / canExport). */
export function permits(p: { allow?: string[]; deny?: string[] } | undefined, subject: string): boolean {
  if (p === undefined) return true;
  if (p.allow !== undefined && p.allow.length > 0 && !p.allow.some((a) => subjectMatches(a, subject))) return false;
  if (p.deny !== undefined && p.deny.some((d) => subjectMatches(d, subject))) return false;
  return true;
}

export function permissionJson(p: { allow?: string[]; deny?: string[] } | undefined): SubjectPermissionJson | undefined {
  if (p === undefined) return undefined;
  const out: SubjectPermissionJson = {};
  if (p.allow && p.allow.length > 0) out.allow = [...p.allow];
  if (p.deny && p.deny.length > 0) out.deny = [...p.deny];
  return out.allow || out.deny ? out : undefined;
}

/** `host:port` of a route URL (lower case), to compare configured routes with gossiped ones. */
export function hostPortOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port}`.toLowerCase();
  } catch {
    return url.toLowerCase();
  }
}

export function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//[REDACTED]@');
}
