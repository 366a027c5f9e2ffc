/**
 * The decorated files of the NATS tools (nsc, nk, the jwt library's creds_utils.go): `.creds`
 * (a user JWT and its seed between `-----BEGIN …-----` / `------END …------` lines), decorated
 * JWTs and seeds, and plain `.jwt` / `.nk` files. Written byte for byte as the Go library writes
 * them, read as it reads them (a file without decoration is taken as is).
 */
import { readFileSync } from 'node:fs';
import { decodeJwt, decodeOperatorJwt, decodeUserJwt, type OperatorClaims } from './claims.js';

/** jwt `DecorateJWT` / `formatJwt`. */
export function formatDecoratedJwt(kind: string, jwt: string): string {
  const k = kind.toUpperCase();
  return `-----BEGIN NATS ${k} JWT-----\n${jwt}\n------END NATS ${k} JWT------\n\n`;
}

/** A decorated JWT with the kind read from the token (`DecorateJWT`). */
export function decorateJwt(jwt: string): string {
  const c = decodeJwt(jwt);
  return formatDecoratedJwt(c.kind === 'generic' ? c.type || 'generic' : c.kind, jwt);
}

/** jwt `DecorateSeed`: operator, account and user seeds only. */
export function decorateSeed(seed: string): string {
  const ts = seed.trim();
  const kind = ts.startsWith('SU') ? 'USER' : ts.startsWith('SA') ? 'ACCOUNT' : ts.startsWith('SO') ? 'OPERATOR' : undefined;
  if (!kind) throw new Error('seed is not an operator, account or user seed');
  return (
    '************************* IMPORTANT *************************\n' +
    'NKEY Seed printed below can be used to sign and prove identity.\n' +
    'NKEYs are sensitive and should be treated as secrets.\n\n' +
    `-----BEGIN ${kind} NKEY SEED-----\n${ts}\n------END ${kind} NKEY SEED------\n\n` +
    '*************************************************************\n'
  );
}

/** jwt `FormatUserConfig`: the `.creds` file of a user. */
export function formatUserCreds(userJwt: string, seed: string): string {
  decodeUserJwt(userJwt);
  if (!seed.trim().startsWith('SU')) throw new Error('nkey seed is not an user seed');
  return formatDecoratedJwt('user', userJwt) + decorateSeed(seed);
}

const DECORATED = /\s*(?:(?:-{3,}.*-{3,}\r?\n)([\w\-.=]+)(?:\r?\n-{3,}.*-{3,}(?:\r?\n|$)))/g;

function decoratedItems(text: string): string[] {
  return [...text.matchAll(DECORATED)].map((m) => m[1]!);
}

/** jwt `ParseDecoratedJWT`: the first decorated block, or the whole text when there is none. */
export function parseDecoratedJwt(text: string): string {
  const items = decoratedItems(text);
  return items.length === 0 ? text : items[0]!;
}

/**
 * jwt `ParseDecoratedNKey`: the second decorated block (the seed of a `.creds`), else the
 * first line that starts with an operator, account or user seed prefix (a plain `.nk` file).
 */
export function parseDecoratedSeed(text: string): string {
  const items = decoratedItems(text);
  let seed: string | undefined;
  if (items.length > 1) seed = items[1];
  else {
    for (const line of text.split('\n')) {
      const t = line.trim();
      if (t.startsWith('SO') || t.startsWith('SA') || t.startsWith('SU')) {
        seed = t;
        break;
      }
    }
  }
  if (seed === undefined) throw new Error('no nkey seed found');
  if (!/^S[OAU]/.test(seed)) throw new Error("doesn't contain a seed nkey");
  return seed;
}

/** A `.creds` file: the user JWT and its seed. */
export function parseUserCreds(text: string): { jwt: string; seed: string } {
  const jwt = parseDecoratedJwt(text);
  const seed = parseDecoratedSeed(text);
  if (!seed.startsWith('SU')) throw new Error("doesn't contain an user seed nkey");
  return { jwt, seed };
}

/** The prefix nats-server uses to recognise an inline JWT in `operator`. */
export const JWT_PREFIX = 'eyJ';

/**
 * nats-server `readOperatorJWT`: `value` names a file (plain or decorated JWT); when the file
 * can not be read and the value looks like a JWT it is taken as the JWT itself. Throws with
 * nats-server's message (`open <file>: no such file or directory`, a decode error, …).
 */
export function readOperatorJwt(value: string, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): { jwt: string; claims: OperatorClaims } {
  let contents: string;
  try {
    contents = readFile(value);
  } catch (e) {
    if (!value.startsWith(JWT_PREFIX)) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
      throw new Error(`open ${value}: ${why}`);
    }
    contents = value;
  }
  const jwt = parseDecoratedJwt(contents);
  return { jwt, claims: decodeOperatorJwt(jwt) };
}
