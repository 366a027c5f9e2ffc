/** Gateways and routes data hooks over /gatewayz and /routez (nats-server JSON). */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApplyResponseSchema, GatewayzSchema, RoutezSchema, type ApplyResponse, type OptionsInput } from '@switchboard/shared';
import { getJson, request } from '../api/client';
import { ifMatch, invalidateConfig } from '../config/useConfig';

export function useGatewayzQuery() {
  return useQuery({ queryKey: ['gatewayz'], queryFn: () => getJson('/gatewayz?accs=true', GatewayzSchema), refetchInterval: 5_000 });
}

export function useRoutezQuery() {
  return useQuery({ queryKey: ['routez'], queryFn: () => getJson('/routez', RoutezSchema), refetchInterval: 5_000 });
}

export type LinkState = 'connected' | 'flow-controlled' | 'idle' | 'down';

/**
 * The state of a link, told truthfully: down when configured but not connected; flow-controlled
 * when bytes are pending; idle when nothing moved for a minute; else connected.
 */
export function linkState(l: { connected: boolean; pending?: number; idle?: string }): LinkState {
  if (!l.connected) return 'down';
  if ((l.pending ?? 0) > 0) return 'flow-controlled';
  if (l.idle && /(\d+h|\d+d|[1-9]\d*m)/.test(l.idle)) return 'idle';
  return 'connected';
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
