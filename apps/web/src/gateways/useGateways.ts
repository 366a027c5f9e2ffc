/** Gateways and routes data hooks over /gatewayz and /routez (nats-server JSON). */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApplyResponseSchema, GatewayRemotesResponseSchema, GatewayzSchema, RoutezSchema, type ApplyResponse, type OptionsInput } from '@switchboard/shared';
import { getJson, request } from '../api/client';
import { ifMatch, invalidateConfig } from '../config/useConfig';

/** Links are polled this often, so a link that goes down shows within a few seconds. */
export const LINK_POLL_MS = 2_000;

export function useGatewayzQuery() {
  return useQuery({ queryKey: ['gatewayz'], queryFn: () => getJson('/gatewayz?accs=true', GatewayzSchema), refetchInterval: LINK_POLL_MS, refetchIntervalInBackground: true });
}

/** The gateway module's own view of each remote it dials: retrying state and last error (not in /gatewayz). */
export function useGatewayRemotesQuery() {
  return useQuery({ queryKey: ['gateway-remotes'], queryFn: () => getJson('/api/gateways/remotes', GatewayRemotesResponseSchema), refetchInterval: LINK_POLL_MS, refetchIntervalInBackground: true });
}

export function useRoutezQuery() {
  return useQuery({ queryKey: ['routez'], queryFn: () => getJson('/routez', RoutezSchema), refetchInterval: LINK_POLL_MS, refetchIntervalInBackground: true });
}

/** PUT /api/gateways: the whole gateway block (null removes it), with If-Match. */
export function usePutGatewaysMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { gateway: OptionsInput['gateway'] | null; revision: string }): Promise<ApplyResponse> =>
      (await request('/api/gateways', { method: 'PUT', body: { gateway: v.gateway }, headers: ifMatch(v.revision), schema: ApplyResponseSchema })).data,
    onSettled: () => invalidateConfig(qc),
  });
}

/** PUT /api/cluster: the whole cluster block (null removes it), with If-Match. */
export function usePutClusterMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { cluster: OptionsInput['cluster'] | null; revision: string }): Promise<ApplyResponse> =>
      (await request('/api/cluster', { method: 'PUT', body: { cluster: v.cluster }, headers: ifMatch(v.revision), schema: ApplyResponseSchema })).data,
    onSettled: () => invalidateConfig(qc),
  });
}
