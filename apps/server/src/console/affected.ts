/*
 * Which connections a config change will close, for the review dialog (from connz, as the delete
 * dialog does): a reload re-checks every client when who may connect changes, and closes those
 * whose user is gone, moved to another account (an account rename moves its users), whose
 * password changed, or that connected without credentials once the new config requires them.
 * Judged from the config and connz (user and account); a password is not re-verified here, so
 * a changed password entry is reported as "may close" — the client may hold the new one.
 */
import { connz, type Switchboard } from '@switchboard/broker';
import type { AffectedConnection, Options } from '@switchboard/shared';

interface UserEntry {
  account: string;
  password?: string;
}

/** user name or nkey → its account and password entry, as `o` declares them. */
function usersOf(o: Options): Map<string, UserEntry> {
  const m = new Map<string, UserEntry>();
  for (const u of o.authorization?.users ?? []) {
    const id = u.user ?? u.nkey;
    if (id) m.set(id, { account: '$G', password: u.password });
  }
  if (o.authorization?.user) m.set(o.authorization.user, { account: '$G', password: o.authorization.password });
  for (const [acc, a] of Object.entries(o.accounts ?? {})) {
    for (const u of a.users ?? []) {
      const id = u.user ?? u.nkey;
      if (id) m.set(id, { account: acc, password: u.password });
    }
  }
  return m;
}

/** Whether a client without credentials may connect under `o`. */
function anonymousAllowed(o: Options): boolean {
  if (o.noAuthUser) return true;
  return usersOf(o).size === 0 && !o.authorization?.token;
}

/** Only when who may connect changes: otherwise a reload leaves every client alone. */
function authChanged(before: Options, after: Options): boolean {
  const pick = (o: Options) => JSON.stringify([o.authorization ?? null, Object.entries(o.accounts ?? {}).map(([n, a]) => [n, a.users ?? []]), o.noAuthUser ?? null]);
  return pick(before) !== pick(after);
}

export function affectedConnections(server: Switchboard, before: Options, after: Options): AffectedConnection[] {
  if (!authChanged(before, after)) return [];
  const now = usersOf(before);
  const next = usersOf(after);
  const out: AffectedConnection[] = [];
  const list = connz(server, { auth: true, limit: 100_000 }).connections;
  for (const c of list) {
    const user = c.authorized_user;
    const account = c.account ?? '$G';
    const base = { cid: c.cid, name: c.name ?? '', account, user: user ?? '', ip: `${c.ip}:${c.port}` };
    if (!user) {
      if (anonymousAllowed(before) && !anonymousAllowed(after)) out.push({ ...base, reason: 'connected without credentials; the new config requires them', certain: true });
      continue;
    }
    if (before.noAuthUser === user && after.noAuthUser !== user && !anonymousAllowed(after)) {
      out.push({ ...base, reason: `no_auth_user "${user}" is no longer the default user`, certain: true });
      continue;
    }
    const was = now.get(user);
    const will = next.get(user);
    if (!was) continue; // a user the config does not declare (token, operator mode): not judged here
    if (!will) out.push({ ...base, reason: `user "${user}" is removed`, certain: true });
    else if (will.account !== was.account) out.push({ ...base, reason: `user "${user}" moves from account ${was.account} to ${will.account}`, certain: true });
    else if ((will.password ?? '') !== (was.password ?? '')) out.push({ ...base, reason: `the password of "${user}" changes: closed unless the client holds the new one`, certain: false });
  }
  return out;
}
