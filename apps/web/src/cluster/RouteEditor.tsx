/*
 * The cluster block editor, through the review/save flow (ReviewDialog, PUT /api/cluster).
 * nats-server reloads the routes list, route authorization and route permissions: those apply at
 * once (as does cluster TLS, for the next route). Name, host, port and advertise apply at the next restart: the review says so and the
 * save is kept for the next start (the config store's pending path); RunningVsSaved shows both.
 * Authorization and TLS are kept as they are in the file (edited in the Config page).
 */
import { useMemo, useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import type { OptionsInput } from '@switchboard/shared';
import { ErrorBox, Loading } from '../components/states';
import { WriteFieldset } from '../components/WriteButton';
import { useUnsavedChanges } from '../components/UnsavedChanges';
import { BlockReviewDialog, ReviewDiscardButtons } from '../config/BlockEditorFooter';
import { notEditableReason, usePinnedConfig, type ConfigState } from '../config/useConfig';
import { usePutClusterMutation } from '../gateways/useGateways';
import { RunningVsSaved } from './RunningVsSaved';

const lines = (s: string) => s.split(/[\s,]+/).filter(Boolean);

export const ClusterFormSchema = z
  .object({
    enabled: z.boolean(),
    name: z.string(),
    host: z.string(),
    port: z.string().regex(/^(-1|\d{0,5})$/, 'a port number (or -1 for random)'),
    routes: z.string().refine((s) => lines(s).every((u) => /^nats(-route)?:\/\/([^\s/@]+@)?[^\s/@]+:\d+$/.test(u)), 'route URLs look like nats-route://host:port'),
    noAdvertise: z.boolean(),
    importAllow: z.string(),
    importDeny: z.string(),
    exportAllow: z.string(),
    exportDeny: z.string(),
  })
  .refine((v) => !v.enabled || v.port !== '', { path: ['port'], message: 'a cluster needs a route port' });
export type ClusterForm = z.infer<typeof ClusterFormSchema>;

export function toClusterForm(o: OptionsInput): ClusterForm {
  const c = o.cluster;
  const p = c?.permissions;
  return {
    enabled: !!c,
    name: c?.name ?? '',
    host: c?.host ?? '',
    port: c?.port !== undefined ? String(c.port) : '',
    routes: (c?.routes ?? []).join('\n'),
    noAdvertise: c?.noAdvertise ?? false,
    importAllow: (p?.import?.allow ?? []).join('\n'),
    importDeny: (p?.import?.deny ?? []).join('\n'),
    exportAllow: (p?.export?.allow ?? []).join('\n'),
    exportDeny: (p?.export?.deny ?? []).join('\n'),
  };
}

/** The cluster block from the form, on top of `o`'s (authorization, TLS and the rest kept). */
export function clusterFromForm(o: OptionsInput, f: ClusterForm): OptionsInput['cluster'] | undefined {
  if (!f.enabled) return undefined;
  const next: NonNullable<OptionsInput['cluster']> = { ...(o.cluster ?? {}), port: Number(f.port) };
  const set = <K extends keyof typeof next>(k: K, v: (typeof next)[K] | undefined) => {
    if (v === undefined) delete next[k];
    else next[k] = v;
  };
  set('name', f.name.trim() || undefined);
  set('host', f.host.trim() || undefined);
  set('routes', lines(f.routes).length ? lines(f.routes) : undefined);
  set('noAdvertise', f.noAdvertise || undefined);
  const perm = (allow: string, deny: string) => (lines(allow).length || lines(deny).length ? { ...(lines(allow).length ? { allow: lines(allow) } : {}), ...(lines(deny).length ? { deny: lines(deny) } : {}) } : undefined);
  const imp = perm(f.importAllow, f.importDeny);
  const exp = perm(f.exportAllow, f.exportDeny);
  set('permissions', imp || exp ? { ...(imp ? { import: imp } : {}), ...(exp ? { export: exp } : {}) } : undefined);
  return next;
}

export function RouteEditorSection() {
  const { query, base, reload } = usePinnedConfig();
  if (query.error && !query.data) return <ErrorBox action="load the configuration" error={query.error} onRetry={() => void query.refetch()} />;
  if (!base) return <Loading what="Loading the configuration" />;
  return <RouteEditor config={base} latest={query.data} reload={reload} />;
}

function RouteEditor({ config, latest, reload }: { config: ConfigState; latest: ConfigState | undefined; reload: () => Promise<ConfigState | undefined> }) {
  const { options, revision } = config;
  const locked = notEditableReason(config);
  const put = usePutClusterMutation();
  const defaults = useMemo(() => toClusterForm(options), [options]);
  const { register, handleSubmit, formState, watch, reset } = useForm<ClusterForm>({ defaultValues: defaults, resolver: zodResolver(ClusterFormSchema), mode: 'onChange' });
  const [after, setAfter] = useState<OptionsInput | null>(null);
  const enabled = watch('enabled');
  const e = formState.errors;
  const { prompt } = useUnsavedChanges(formState.isDirty, 'the cluster configuration');
  return (
    <section className="panel" aria-labelledby="clusteredit-h" data-testid="cluster-editor">
      <h2 id="clusteredit-h" style={{ marginTop: 0 }}>
        Cluster (route) configuration
      </h2>
      <p className="muted small">
        <strong>Applies now:</strong> the routes list and route permissions (nats-server reloads them). <strong>Applies at next restart:</strong> name, host, port, advertising — the review says which,
        and the server runs on with its current settings until restarted. The form starts from the running settings.
      </p>
      <RunningVsSaved block="cluster" config={latest ?? config} />
      <form
        onSubmit={handleSubmit((v) => {
          const next = { ...options };
          const c = clusterFromForm(options, v);
          if (c) next.cluster = c;
          else delete next.cluster;
          setAfter(next);
        })}
        noValidate
        aria-label="Cluster configuration"
      >
        <WriteFieldset lockedReason={locked}>
          <label className="row" style={{ marginBottom: 8 }}>
            <input type="checkbox" {...register('enabled')} /> this server is part of a cluster (listens for and makes routes)
          </label>
          {enabled && (
            <>
              <div className="row" style={{ alignItems: 'flex-start', flexWrap: 'wrap' }}>
                <label className="field">
                  <span>Cluster name (restart)</span>
                  <input {...register('name')} />
                </label>
                <label className="field">
                  <span>Host (restart)</span>
                  <input {...register('host')} placeholder="0.0.0.0" />
                </label>
                <label className="field">
                  <span>Route port (restart)</span>
                  <input {...register('port')} inputMode="numeric" size={7} aria-invalid={!!e.port} />
                  {e.port && <span className="field-error">{e.port.message}</span>}
                </label>
                <label className="row" style={{ marginTop: 22 }}>
                  <input type="checkbox" {...register('noAdvertise')} /> do not advertise (restart)
                </label>
              </div>
              <label className="field" style={{ display: 'block' }}>
                <span>Routes to solicit, one per line (applies now)</span>
                <textarea rows={3} className="mono" style={{ width: '100%' }} {...register('routes')} aria-invalid={!!e.routes} />
                {e.routes && <span className="field-error">{e.routes.message}</span>}
              </label>
              <div className="grid cols-2">
                {(
                  [
                    ['importAllow', 'Import allow (subjects this server may receive over routes)'],
                    ['importDeny', 'Import deny'],
                    ['exportAllow', 'Export allow (subjects this server may send over routes)'],
                    ['exportDeny', 'Export deny'],
                  ] as const
                ).map(([k, label]) => (
                  <label className="field" key={k}>
                    <span>{label} — applies now</span>
                    <textarea rows={2} className="mono" {...register(k)} />
                  </label>
                ))}
              </div>
            </>
          )}
        </WriteFieldset>
        <ReviewDiscardButtons isDirty={formState.isDirty} locked={locked} onDiscard={() => reset(defaults)} />
      </form>
      {prompt}
      <BlockReviewDialog
        block="cluster"
        summary="Update the cluster (routes) configuration"
        after={after}
        revision={revision}
        mutation={put}
        close={() => setAfter(null)}
        reload={reload}
        resetTo={(saved) => reset(toClusterForm(saved))}
      />
    </section>
  );
}
