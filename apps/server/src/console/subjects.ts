/*
 * The subject explorer's view: which subjects have subscribers, per account, from the accounts'
 * sublists (what /subsz lists one subscription at a time), folded per subject with plain
 * subscriptions, queue groups and their members, route interest (other servers of the cluster)
 * and the messages delivered so far; plus each account's client counters (/accstatz), from which
 * the browser takes message rates between two answers.
 * Internal subscriptions (imports, $SYS handlers, the console's own tails) are not listed: they
 * are the broker's, not subscribers an operator looks for.
 */
import { isValidLiteralSubject, subjectMatches, type AccountTraffic, type SubjectInterest, type SubjectsResponse } from '@switchboard/shared';
import { accountStatz, type Switchboard } from '@switchboard/broker';

export interface SubjectsOptions {
  account?: string;
  q?: string;
  limit: number;
}

export function subjectsView(server: Switchboard, opts: SubjectsOptions, now = Date.now()): SubjectsResponse {
  const only = opts.account ? opts.account : undefined;
  const q = (opts.q ?? '').trim();
  const needle = q.toLowerCase();
  // A literal subject also finds the wildcard subscriptions a publish to it would reach.
  const literal = q !== '' && isValidLiteralSubject(q) && !/\s/.test(q);
  const wanted = (subject: string, queue: string | null) =>
    needle === '' || subject.toLowerCase().includes(needle) || (queue !== null && queue.toLowerCase().includes(needle)) || (literal && subjectMatches(subject, q));

  const statz = new Map(accountStatz(server, { includeUnused: true }).account_statz.map((s) => [s.acc, s]));
  const accounts: AccountTraffic[] = [];
  const rows: SubjectInterest[] = [];
  const names = [...server.accounts.keys()].sort((a, b) => a.localeCompare(b));
  for (const name of names) {
    if (only !== undefined && name !== only) continue;
    const acc = server.accounts.get(name)!;
    const bySubject = new Map<string, SubjectInterest & { groups: Map<string, number> }>();
    let clientSubs = 0;
    for (const sub of acc.sublist.each()) {
      const kind = sub.conn?.kind;
      if (kind !== 'CLIENT' && kind !== 'ROUTER') continue;
      if (kind === 'CLIENT') clientSubs++;
      if (!wanted(sub.subject, sub.queue)) continue;
      let row = bySubject.get(sub.subject);
      if (row === undefined) {
        row = { account: name, subject: sub.subject, subscriptions: 0, queues: [], remote: 0, msgs: 0, groups: new Map() };
        bySubject.set(sub.subject, row);
      }
      row.msgs += sub.nm;
      if (kind === 'ROUTER') row.remote++;
      else if (sub.queue !== null) row.groups.set(sub.queue, (row.groups.get(sub.queue) ?? 0) + 1);
      else row.subscriptions++;
    }
    for (const { groups, ...row } of [...bySubject.values()].sort((a, b) => a.subject.localeCompare(b.subject))) {
      row.queues = [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([qn, members]) => ({ name: qn, members }));
      rows.push(row);
    }
    const s = statz.get(name);
    accounts.push({
      name,
      conns: s?.conns ?? 0,
      subscriptions: clientSubs,
      inMsgs: s?.received.msgs ?? 0,
      outMsgs: s?.sent.msgs ?? 0,
      inBytes: s?.received.bytes ?? 0,
      outBytes: s?.sent.bytes ?? 0,
    });
  }
  return { now, accounts, subjects: rows.slice(0, opts.limit), total: rows.length };
}
