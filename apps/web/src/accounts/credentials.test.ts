import { describe, expect, it } from 'vitest';
import bcrypt from 'bcryptjs';
import { fromSeed } from '@nats-io/nkeys';
import { emptyUser, type AccountForm } from './form';
import { generateUserKeyPair, hashFormPasswords, hashPassword, isBcrypt, needsHash } from './credentials';

describe('password hashing', () => {
  it('hashes to a $2a$ bcrypt hash of cost 11 that checks against the password', async () => {
    const h = await hashPassword('s3cret-pw');
    expect(h).toMatch(/^\$2a\$11\$.{53}$/);
    expect(isBcrypt(h)).toBe(true);
    expect(await bcrypt.compare('s3cret-pw', h)).toBe(true);
    expect(await bcrypt.compare('other', h)).toBe(false);
  });

  it('hashes only what was chosen: new passwords stored as bcrypt, not plain ones, existing hashes or nkey users', async () => {
    const existing = '$2a$11$abcdefghijklmnopqrstuuOq1Xf7w3m0Hk1JbC2m6bzRZ5FQy6tW2';
    const form: AccountForm = {
      name: 'A',
      users: [
        { ...emptyUser(), user: 'new', password: 'pw-new' },
        { ...emptyUser(), user: 'plain', password: 'pw-plain', store: 'plain' },
        { ...emptyUser(), user: 'kept', password: existing },
        { ...emptyUser(), auth: 'nkey', nkey: 'U'.padEnd(56, 'A'), password: 'ignored' },
      ],
      exports: [],
      imports: [],
    };
    expect(form.users.map(needsHash)).toEqual([true, false, false, false]);
    const seen: string[] = [];
    const out = await hashFormPasswords(form, async (pw) => (seen.push(pw), `hashed(${pw})`));
    expect(seen).toEqual(['pw-new']);
    expect(out.users.map((u) => u.password)).toEqual(['hashed(pw-new)', 'pw-plain', existing, 'ignored']);
    expect(form.users[0]!.password).toBe('pw-new');
  });

  it('a new user stores a bcrypt hash unless plain text is chosen', () => {
    expect(emptyUser().store).toBe('bcrypt');
  });
});

describe('user nkeys', () => {
  it('makes a user pair whose seed gives back the public key', async () => {
    const kp = await generateUserKeyPair();
    expect(kp.publicKey).toMatch(/^U[A-Z2-7]{55}$/);
    expect(kp.seed).toMatch(/^SU[A-Z2-7]{56}$/);
    expect(fromSeed(new TextEncoder().encode(kp.seed)).getPublicKey()).toBe(kp.publicKey);
    expect((await generateUserKeyPair()).publicKey).not.toBe(kp.publicKey);
  });
});
