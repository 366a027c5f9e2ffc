/*
 * Operator page data: the state of operator mode (GET /api/operator) and the admin writes. The
 * server signs every JWT and holds (or not) the seeds; the page never makes keys itself. New
 * seeds arrive in the one response that made them and live only in the page's state until the
 * user leaves it.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  ActivationResponseSchema,
  CreateOperatorResponseSchema,
  DeleteAccountResponseSchema,
  OperatorSigningKeyResponseSchema,
  IssueUserResponseSchema,
  OkSchema,
  OperatorAccountWriteResponseSchema,
  OperatorStateSchema,
  PushResultSchema,
  type AddAccountSigningKeyRequest,
  type CreateOperatorRequest,
  type DeleteAccountRequest,
  type ExportRevocationRequest,
  type StrictSigningRequest,
  type IssueActivationRequest,
  type CreateOperatorAccountRequest,
  type ImportOperatorAccountRequest,
  type ImportOperatorRequest,
  type IssueUserRequest,
  type OperatorExport,
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

const post = <T>(path: string, body: unknown, schema: z.ZodType<T>, method: 'POST' | 'PUT' | 'DELETE' = 'POST') => request(path, { method, body, schema }).then((r) => r.data);
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
export const useIssueActivation = () =>
  useWrite((v: { account: string; body: IssueActivationRequest }) => post(`${acc(v.account)}/activations`, v.body, ActivationResponseSchema));
export const useDeleteAccount = () => useWrite((v: { account: string; body: DeleteAccountRequest }) => post(acc(v.account), v.body, DeleteAccountResponseSchema, 'DELETE'));
export const useAddAccountSigningKey = () =>
  useWrite((v: { account: string; body: AddAccountSigningKeyRequest }) => post(`${acc(v.account)}/signing-keys`, v.body, OperatorAccountWriteResponseSchema));
export const useRemoveAccountSigningKey = () =>
  useWrite((v: { account: string; key: string; operatorSeed?: string }) =>
    post(`${acc(v.account)}/signing-keys/${encodeURIComponent(v.key)}`, v.operatorSeed ? { operatorSeed: v.operatorSeed } : {}, OperatorAccountWriteResponseSchema, 'DELETE'),
  );
export const useAddOperatorSigningKey = () =>
  useWrite((v: { storeSeed: boolean; operatorSeed?: string }) => post('/api/operator/signing-keys', v, OperatorSigningKeyResponseSchema));
export const useRemoveOperatorSigningKey = () =>
  useWrite((v: { key: string; operatorSeed?: string }) =>
    post(`/api/operator/signing-keys/${encodeURIComponent(v.key)}`, v.operatorSeed ? { operatorSeed: v.operatorSeed } : {}, OperatorSigningKeyResponseSchema, 'DELETE'),
  );
export const useRevokeActivations = () =>
  useWrite((v: { account: string; body: ExportRevocationRequest }) => post(`${acc(v.account)}/export-revocations`, v.body, OperatorAccountWriteResponseSchema));
export const useRemoveExportRevocation = () =>
  useWrite((v: { account: string; body: ExportRevocationRequest }) => post(`${acc(v.account)}/export-revocations`, v.body, OperatorAccountWriteResponseSchema, 'DELETE'));
export const useSetStrictSigning = () => useWrite((v: StrictSigningRequest) => post('/api/operator/strict-signing', v, OperatorSigningKeyResponseSchema, 'PUT'));
export const fetchCreds = (account: string, user: string) => getJson(`${acc(account)}/users/${encodeURIComponent(user)}/creds`, z.object({ creds: z.string(), fileName: z.string() }));

// ---------------------------------------------------------------------------------------------
// Pure helpers (unit tested): the text areas of the forms.

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

export function exportsText(e: readonly OperatorExport[]): string {
  return e.map((x) => `${x.type} ${x.subject}${x.tokenReq ? ' token' : ''}`).join('\n');
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
