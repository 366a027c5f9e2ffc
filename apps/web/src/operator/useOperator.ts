/*
 * Operator page data: the state of operator mode (GET /api/operator) and the admin writes. The
 * server signs every JWT and holds (or not) the seeds; the page never makes keys itself. New
 * seeds arrive in the one response that made them and live only in the page's state until the
 * user leaves it.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  CreateOperatorResponseSchema,
  IssueUserResponseSchema,
  OkSchema,
  OperatorAccountWriteResponseSchema,
  OperatorStateSchema,
  PushResultSchema,
  type CreateOperatorRequest,
  type CreateOperatorAccountRequest,
  type ImportOperatorAccountRequest,
  type ImportOperatorRequest,
  type IssueUserRequest,
  type OperatorExport,
  type OperatorImport,
  type UpdateOperatorAccountRequest,
} from '@switchboard/shared';
import { z } from 'zod';
import { getJson, request } from '../api/client';

export const operatorKey = ['operator'] as const;

export function useOperatorQuery() {
  return useQuery({ queryKey: operatorKey, queryFn: () => getJson('/api/operator', OperatorStateSchema), refetchInterval: 10_000 });
}

/** A write that refreshes the operator state (and the audit log) when it settles. */
function useWrite<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => Promise.all([qc.invalidateQueries({ queryKey: operatorKey }), qc.invalidateQueries({ queryKey: ['audit'] })]),
  });
}

const post = <T>(path: string, body: unknown, schema: z.ZodType<T>, method: 'POST' | 'PUT' = 'POST') => request(path, { method, body, schema }).then((r) => r.data);
const acc = (key: string) => `/api/operator/accounts/${encodeURIComponent(key)}`;

export const useCreateOperator = () => useWrite((v: CreateOperatorRequest) => post('/api/operator', v, CreateOperatorResponseSchema));
export const useImportOperator = () => useWrite((v: ImportOperatorRequest) => post('/api/operator/import', v, OperatorStateSchema));
export const useForgetOperator = () => useWrite(() => request('/api/operator', { method: 'DELETE', schema: OkSchema }).then((r) => r.data));
export const useCreateAccount = () => useWrite((v: CreateOperatorAccountRequest) => post('/api/operator/accounts', v, OperatorAccountWriteResponseSchema));
export const useImportAccount = () => useWrite((v: ImportOperatorAccountRequest) => post('/api/operator/accounts/import', v, OperatorAccountWriteResponseSchema));
export const useUpdateAccount = () =>
  useWrite((v: { key: string; body: UpdateOperatorAccountRequest }) => post(acc(v.key), v.body, OperatorAccountWriteResponseSchema, 'PUT'));
export const usePushAccount = () => useWrite((v: { key: string }) => post(`${acc(v.key)}/push`, {}, PushResultSchema));
export const useIssueUser = () => useWrite((v: { account: string; body: IssueUserRequest }) => post(`${acc(v.account)}/users`, v.body, IssueUserResponseSchema));
export const useRevokeUser = () =>
  useWrite((v: { account: string; user: string; operatorSeed?: string }) =>
    post(`${acc(v.account)}/users/${encodeURIComponent(v.user)}/revoke`, v.operatorSeed ? { operatorSeed: v.operatorSeed } : {}, OperatorAccountWriteResponseSchema),
  );
export const fetchCreds = (account: string, user: string) => getJson(`${acc(account)}/users/${encodeURIComponent(user)}/creds`, z.object({ creds: z.string(), fileName: z.string() }));

// ---------------------------------------------------------------------------------------------
// Pure helpers (unit tested): the text areas of the forms.

/** One entry a line (commas also separate); blanks dropped. */
export function lines(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export type Parsed<T> = { ok: true; value: T[] } | { ok: false; error: string };

/** Exports, one a line: `stream SUBJECT` or `service SUBJECT`, `token` at the end to require an activation token. */
export function parseExports(text: string): Parsed<OperatorExport> {
  const out: OperatorExport[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    const t = line.trim();
    if (!t) continue;
    const m = /^(stream|service)\s+(\S+)(\s+token)?$/.exec(t);
    if (!m) return { ok: false, error: `line ${i + 1}: write "stream SUBJECT" or "service SUBJECT" (optionally followed by "token")` };
    out.push({ type: m[1] as 'stream' | 'service', subject: m[2]!, tokenReq: !!m[3] });
  }
  return { ok: true, value: out };
}

/** Imports, one a line: `stream|service ACCOUNT_KEY SUBJECT [LOCAL_SUBJECT]`. */
export function parseImports(text: string): Parsed<OperatorImport> {
  const out: OperatorImport[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    const t = line.trim();
    if (!t) continue;
    const m = /^(stream|service)\s+(A[A-Z2-7]{55})\s+(\S+)(?:\s+(\S+))?$/.exec(t);
    if (!m) return { ok: false, error: `line ${i + 1}: write "stream|service ACCOUNT_KEY SUBJECT [LOCAL_SUBJECT]" (the account key starts with A, 56 characters)` };
    out.push({ type: m[1] as 'stream' | 'service', account: m[2]!, subject: m[3]!, ...(m[4] ? { localSubject: m[4] } : {}) });
  }
  return { ok: true, value: out };
}

export function exportsText(e: readonly OperatorExport[]): string {
  return e.map((x) => `${x.type} ${x.subject}${x.tokenReq ? ' token' : ''}`).join('\n');
}

export function importsText(i: readonly OperatorImport[]): string {
  return i.map((x) => `${x.type} ${x.account} ${x.subject}${x.localSubject && x.localSubject !== x.subject ? ` ${x.localSubject}` : ''}`).join('\n');
}

/** A limit input: empty or "unlimited" is -1. */
export function parseLimit(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (t === '' || t === 'unlimited' || t === '-1') return -1;
  return /^\d+$/.test(t) ? Number(t) : undefined;
}

export const limitText = (n: number): string => (n === -1 ? '' : String(n));

/** `ABCD…WXYZ` for a long key. */
export const shortKey = (k: string): string => (k.length > 16 ? `${k.slice(0, 8)}…${k.slice(-6)}` : k);
