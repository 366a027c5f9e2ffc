/**
 * `switchboard nk`: the nats `nk` tool (github.com/nats-io/nkeys/nk) — generate nkeys, print a
 * public key, sign a file and verify a signature. Same flags, same output: results on stdout one
 * per line, failures as a message on stdout and exit status 1 (Go's log.Fatal with stdout output).
 */
import { readFileSync } from 'node:fs';
import {
  createAccount,
  createCluster,
  createOperator,
  createServer,
  createUser,
  fromPublic,
  fromSeed,
  type KeyPair,
} from '@nats-io/nkeys';

const USAGE = 'Usage: nk [-v] [-gen type] [-sign file] [-verify file] [-inkey keyfile] [-pubin keyfile] [-sigfile file] [-pubout] [-e entropy] [-pre vanity]';

class NkError extends Error {}

interface NkFlags {
  gen?: string;
  inkey?: string;
  pubin?: string;
  sign?: string;
  sigfile?: string;
  verify?: string;
  pubout: boolean;
  version: boolean;
  e?: string;
  pre?: string;
  maxpre: number;
}

const STRING_FLAGS = new Set(['gen', 'inkey', 'pubin', 'sign', 'sigfile', 'verify', 'e', 'pre', 'maxpre']);
const BOOL_FLAGS = new Set(['pubout', 'v']);

function parse(argv: string[]): NkFlags {
  const f: NkFlags = { pubout: false, version: false, maxpre: 10_000_000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('-') || a === '-') throw new NkError(USAGE);
    const body = a.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    let value = eq >= 0 ? body.slice(eq + 1) : undefined;
    if (BOOL_FLAGS.has(name)) {
      const b = value === undefined ? true : /^(1|t|true)$/i.test(value);
      if (name === 'pubout') f.pubout = b;
      else f.version = b;
      continue;
    }
    if (!STRING_FLAGS.has(name)) throw new NkError(`flag provided but not defined: -${name}\n${USAGE}`);
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new NkError(`flag needs an argument: -${name}\n${USAGE}`);
      value = argv[++i];
    }
    if (name === 'maxpre') f.maxpre = Number(value);
    else (f as unknown as Record<string, string>)[name] = value;
  }
  return f;
}

function generator(type: string): () => KeyPair {
  switch (type.toLowerCase()) {
    case 'user':
      return createUser;
    case 'account':
      return createAccount;
    case 'server':
      return createServer;
    case 'cluster':
      return createCluster;
    case 'operator':
      return createOperator;
    default:
      throw new NkError('Usage: nk -gen [user|account|server|cluster|operator]');
  }
}

function readFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new NkError(`open ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
  }
}

/** The first line of a key file that is a valid encoded nkey (as nk's readKeyFile). */
function readKeyFile(path: string): string {
  const lines = readFile(path).toString('utf8').split('\n');
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    try {
      fromSeed(new TextEncoder().encode(line));
      return line;
    } catch {
      try {
        fromPublic(line);
        return line;
      } catch {
        // not a key: keep looking
      }
    }
  }
  throw new NkError('Could not find a valid key');
}

function seedPair(seed: string): KeyPair {
  try {
    return fromSeed(new TextEncoder().encode(seed.trim()));
  } catch (e) {
    throw new NkError((e as Error).message);
  }
}

/** Runs the tool; returns the lines to print. Throws NkError for a failure message. */
export function runNk(argv: string[]): string[] {
  const f = parse(argv);
  const out: string[] = [];
  if (f.version) out.push('nk version switchboard');
  if (f.gen !== undefined && f.gen !== '') {
    const make = generator(f.gen);
    if (f.e) throw new NkError('Entropy files are not supported by switchboard nk');
    let kp = make();
    if (f.pre) {
      const want = f.pre.toUpperCase();
      if (!/^[A-Z2-7]+$/.test(want)) throw new NkError(`Can not generate base32 encoded strings to match '${want}'`);
      let n = 0;
      while (!kp.getPublicKey().slice(1).startsWith(want)) {
        if (++n >= f.maxpre) throw new NkError(`Failed to generate prefix after ${f.maxpre} attempts`);
        kp = make();
      }
    }
    out.push(new TextDecoder().decode(kp.getSeed()));
    if (f.pubout || f.pre) out.push(kp.getPublicKey());
    return out;
  }
  if (f.e) throw new NkError('Entropy file only used when creating keys with -gen');
  if (f.sign) {
    if (!f.inkey) throw new NkError('Sign requires a seed/private key via -inkey <file>');
    const kp = seedPair(readKeyFile(f.inkey));
    const sig = kp.sign(readFile(f.sign));
    out.push(Buffer.from(sig).toString('base64'));
    return out;
  }
  if (f.verify) {
    if (!f.inkey && !f.pubin) throw new NkError('Verify requires a seed key via -inkey or a public key via -pubin');
    if (!f.sigfile) throw new NkError('Verify requires a signature via -sigfile');
    let kp: KeyPair;
    if (f.inkey) kp = seedPair(readFile(f.inkey).toString('utf8'));
    else {
      try {
        kp = fromPublic(readFile(f.pubin as string).toString('utf8').trim());
      } catch (e) {
        throw new NkError((e as Error).message);
      }
    }
    const content = readFile(f.verify);
    const sigText = readFile(f.sigfile).toString('utf8').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(sigText) || sigText.length % 4 !== 0) throw new NkError('illegal base64 data');
    const sig = Buffer.from(sigText, 'base64');
    let ok = false;
    try {
      ok = kp.verify(content, sig);
    } catch {
      ok = false;
    }
    if (!ok) throw new NkError('nkeys: signature verification failed');
    out.push('Verified OK');
    return out;
  }
  if (f.inkey && f.pubout) {
    out.push(seedPair(readKeyFile(f.inkey)).getPublicKey());
    return out;
  }
  throw new NkError(USAGE);
}

/** CLI entry: prints results (or the failure) on stdout; exit status 0 or 1. */
export function nkMain(argv: string[]): number {
  try {
    for (const l of runNk(argv)) process.stdout.write(`${l}\n`);
    return 0;
  } catch (e) {
    if (e instanceof NkError) {
      process.stdout.write(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
