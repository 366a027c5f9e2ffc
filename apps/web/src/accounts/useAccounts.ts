/*
 * Accounts data hooks. The configured accounts come from the config model (what the editor
 * changes); the live numbers (connections, subscriptions) from /accountz per account.
 * Edits produce a new config model that goes through the review/apply flow (config/useConfig).
 */
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { AccountzSchema, ApplyResponseSchema, type AccountInfo, type ApplyResponse, type OptionsInput } from '@switchboard/shared';
import type { AccountModel as Account } from '../api/model';
import { getJson, request, withQuery } from '../api/client';
import { ifMatch, invalidateConfig, useConfigQuery } from '../config/useConfig';

export interface AccountRow {
  name: string;
  configured: boolean;
  system: boolean;
  account?: Account;
  info?: AccountInfo;
}

export function useAccountzQuery() {
  return useQuery({
    queryKey: ['accountz'],
    queryFn: () => getJson('/accountz', AccountzSchema),
    refetchInterval: 10_000,
  });
}

export function useAccountDetailQueries(names: string[]) {
  return useQueries({
    queries: names.map((n) => ({
      queryKey: ['accountz', n],
      queryFn: async () => (await getJson(withQuery('/accountz', { acc: n }), AccountzSchema)).account_detail,
      refetchInterval: 10_000,
    })),
  });
}

/** Configured accounts plus the ones the server has (e.g. $G, $SYS), with live numbers. */
export function useAccountsQuery() {
  const config = useConfigQuery();
  const accountz = useAccountzQuery();
  const configured = config.data?.options.accounts ?? {};
  const names = [...new Set([...Object.keys(configured), ...(accountz.data?.accounts ?? [])])].sort();
  const details = useAccountDetailQueries(names);
  const rows: AccountRow[] = names.map((name, i) => ({
    name,
    configured: name in configured,
    system: name === accountz.data?.system_account,
    account: configured[name],
    info: details[i]?.data,
  }));
  return {
    rows,
    config,
    isPending: config.isPending,
    error: config.error ?? accountz.error,
    refetch: () => {
      void config.refetch();
      void accountz.refetch();
    },
  };
}

/** The config model with one account set (or renamed) — the input of the review flow. */
export function withAccount(options: OptionsInput, name: string, account: Account, previousName?: string): OptionsInput {
  const accounts = structuredClone(options.accounts ?? {});
  if (previousName && previousName !== name) {
    delete accounts[previousName];
    // Imports and export lists naming the old account follow the rename.
    for (const a of Object.values(accounts)) {
      for (const i of a.imports ?? []) {
        const src = i.stream ?? i.service;
        if (src?.account === previousName) src.account = name;
      }
      for (const e of a.exports ?? []) if (e.accounts) e.accounts = e.accounts.map((x) => (x === previousName ? name : x));
    }
  }
  accounts[name] = account;
  return { ...options, accounts };
}

export function withoutAccount(options: OptionsInput, name: string): OptionsInput {
  const accounts = { ...(options.accounts ?? {}) };
  delete accounts[name];
  return { ...options, accounts };
}

/** Accounts whose imports name `name` (deleting it would break them). */
export function importersOf(options: OptionsInput, name: string): string[] {
  return Object.entries(options.accounts ?? {})
    .filter(([n, a]) => n !== name && (a.imports ?? []).some((i) => (i.stream ?? i.service)?.account === name))
    .map(([n]) => n);
}

// ---------------------------------------------------------------------------------------------
// Mutations: each sends the revision the edit started from (If-Match) and invalidates the config
// and account views; errors keep the server's code and message ("Failed to save account: …").

export function useCreateAccountMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { name: string; account: Account; revision: string }): Promise<ApplyResponse> =>
      (await request('/api/accounts', { method: 'POST', body: { name: v.name, account: v.account }, headers: ifMatch(v.revision), schema: ApplyResponseSchema })).data,
    onSettled: () => invalidateConfig(qc),
  });
}

export function useUpdateAccountMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { name: string; account: Account; revision: string }): Promise<ApplyResponse> =>
      (await request(`/api/accounts/${encodeURIComponent(v.name)}`, { method: 'PUT', body: v.account, headers: ifMatch(v.revision), schema: ApplyResponseSchema })).data,
    onSettled: () => invalidateConfig(qc),
  });
}

export function useDeleteAccountMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { name: string; revision: string }): Promise<ApplyResponse> =>
      (await request(`/api/accounts/${encodeURIComponent(v.name)}`, { method: 'DELETE', headers: ifMatch(v.revision), schema: ApplyResponseSchema })).data,
    onSettled: () => invalidateConfig(qc),
  });
}
