/** The nkey challenge (nats-server nkey.go, auth.go): a nonce in INFO, an ed25519 signature in CONNECT. */
import { randomBytes } from 'node:crypto';
import { fromPublic } from '@nats-io/nkeys';

/** Raw nonce length; the INFO value is its unpadded base64url form (15 characters). */
export const NONCE_RAW_LEN = 11;

export function generateNonce(): string {
  return randomBytes(NONCE_RAW_LEN).toString('base64url');
}

/** Decodes a CONNECT `sig`: unpadded base64url first, standard base64 as fallback. */
export function decodeSignature(sig: string): Buffer | null {
  if (/^[A-Za-z0-9_-]*$/.test(sig)) return Buffer.from(sig, 'base64url');
  if (/^[A-Za-z0-9+/]*={0,2}$/.test(sig) && sig.length % 4 === 0) return Buffer.from(sig, 'base64');
  return null;
}

/** Verifies that `sig` is the signature of the nonce's ASCII bytes by the user key `publicKey`. */
export function verifyNonceSignature(publicKey: string, nonce: string, sig: string | undefined): boolean {
  if (sig === undefined || sig === '') return false;
  const raw = decodeSignature(sig);
  if (raw === null || raw.length !== 64) return false;
  try {
    return fromPublic(publicKey).verify(Buffer.from(nonce, 'latin1'), raw);
  } catch {
    return false;
  }
}
