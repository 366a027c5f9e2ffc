import { createHash, randomBytes } from 'node:crypto';

const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE = 62;
const PRE_LEN = 12;
const SEQ_LEN = 10;
const MAX_SEQ = BASE ** SEQ_LEN;

function randomBase62(n: number): string {
  const b = randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += DIGITS[b[i] % BASE];
  return s;
}

/** 22-character unique ids like nats' NUID (random prefix + sequence with a random increment). */
export class Nuid {
  private pre = randomBase62(PRE_LEN);
  private seq = Math.floor(Math.random() * 1e12);
  private inc = 33 + Math.floor(Math.random() * 300);

  next(): string {
    this.seq += this.inc;
    if (this.seq >= MAX_SEQ) {
      this.pre = randomBase62(PRE_LEN);
      this.seq = Math.floor(Math.random() * 1e12);
    }
    let s = '';
    let v = this.seq;
    for (let i = 0; i < SEQ_LEN; i++) {
      s = DIGITS[v % BASE] + s;
      v = Math.floor(v / BASE);
    }
    return this.pre + s;
  }
}

/** The 8-character hash of a server name that targets it in `$SYS._INBOX.<hash>.…`. */
export function serverHash(name: string, size = 8): string {
  const b = createHash('sha256').update(name).digest();
  let s = '';
  for (let i = 0; i < size; i++) s += DIGITS[b[i] % BASE];
  return s;
}
