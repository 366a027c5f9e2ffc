import { useMemo, useState } from 'react';
import { useFieldArray, useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import type { OptionsInput } from '@switchboard/shared';
import { ErrorBox, Loading } from '../components/states';
import { ReadOnlyNotice, WriteButton, WriteFieldset } from '../components/WriteButton';
import { useUnsavedChanges } from '../components/UnsavedChanges';
import { BlockReviewDialog, ReviewDiscardButtons } from '../config/BlockEditorFooter';
import { notEditableReason, usePinnedConfig, type ConfigState } from '../config/useConfig';
import { usePutGatewaysMutation } from './useGateways';
import { SuperClusterPanel } from './SuperClusterPanel';
import { ClusterPanel } from '../cluster/ClusterPanel';
import { RouteEditorSection } from '../cluster/RouteEditor';
import { RunningVsSaved } from '../cluster/RunningVsSaved';

/** The gateway block as a form: remote gateways are name + URLs (one per line). */
const GatewayFormSchema = z
  .object({
    enabled: z.boolean(),
    name: z.string(),
    host: z.string(),
    port: z.string().regex(/^(-1|\d{0,5})$/, 'a port number (or -1 for random)'),
    rejectUnknown: z.boolean(),
    gateways: z.array(
      z.object({
        name: z.string().min(1, 'name the remote gateway'),
        urls: z
          .string()
          .min(1, 'at least one URL')
          .refine((s) => s.split(/\s+/).filter(Boolean).every((u) => /^nats:\/\/[^\s/]+:\d+$/.test(u)), 'URLs look like nats://host:port'),
      }),
    ),
  })
  .refine((v) => !v.enabled || v.name.trim().length > 0, { path: ['name'], message: 'a gateway needs this cluster’s gateway name' })
  .refine((v) => !v.enabled || v.port !== '', { path: ['port'], message: 'a gateway needs a port' });
type GatewayForm = z.infer<typeof GatewayFormSchema>;

function toForm(o: OptionsInput): GatewayForm {
  const g = o.gateway;
  return {
    enabled: !!g,
    name: g?.name ?? '',
    host: g?.host ?? '',
    port: g?.port !== undefined ? String(g.port) : '',
    rejectUnknown: g?.rejectUnknown ?? false,
    gateways: (g?.gateways ?? []).map((r) => ({ name: r.name, urls: (r.urls ?? []).join('\n') })),
  };
}

function fromForm(o: OptionsInput, f: GatewayForm): OptionsInput {
  const next = { ...o };
  if (!f.enabled) {
    delete next.gateway;
    return next;
  }
  const prev = o.gateway ?? {};
  const remotes = f.gateways.map((r) => {
    const before = prev.gateways?.find((x) => x.name === r.name);
    return { ...(before ?? {}), name: r.name.trim(), urls: r.urls.split(/\s+/).filter(Boolean) };
  });
  next.gateway = {
    ...prev,
    name: f.name.trim(),
    ...(f.host.trim() ? { host: f.host.trim() } : { host: undefined }),
    port: Number(f.port),
    ...(f.rejectUnknown ? { rejectUnknown: true } : { rejectUnknown: undefined }),
    gateways: remotes,
  };
  for (const k of Object.keys(next.gateway) as (keyof typeof next.gateway)[]) if (next.gateway[k] === undefined) delete next.gateway[k];
  return next;
}

export function GatewaysPage() {
  return (
    <div>
      <div className="page-head">
        <h1>Gateways &amp; routes</h1>
      </div>
      <ReadOnlyNotice />
      <SuperClusterPanel />
      <ClusterPanel />
      <RouteEditorSection />
      <GatewayEditorSection />
    </div>
  );
}

/** The gateway block editor, on the configuration pinned when it opened (see usePinnedConfig). */
function GatewayEditorSection() {
  const { query, base, reload } = usePinnedConfig();
  if (query.error && !query.data) return <ErrorBox action="load the configuration" error={query.error} onRetry={() => void query.refetch()} />;
  if (!base) return <Loading what="Loading the configuration" />;
  return (
    <>
      {query.data?.pending?.length ? (
        <div className="alert warn" role="status" data-testid="pending-restart">
          Saved, applies at next restart: the file is at revision {query.data.revision}, the server runs revision {query.data.running ?? '?'}. Pending:{' '}
          {query.data.pending.map((c) => c.path).join(', ')}.
        </div>
      ) : null}
      <RunningVsSaved block="gateway" config={query.data} />
      <GatewayEditor config={base} reload={reload} />
    </>
  );
}

function GatewayEditor({ config, reload }: { config: ConfigState; reload: () => Promise<ConfigState | undefined> }) {
  const { options, revision } = config;
  const locked = notEditableReason(config);
  const put = usePutGatewaysMutation();
  const defaults = useMemo(() => toForm(options), [options]);
  const { register, control, handleSubmit, formState, watch, reset } = useForm<GatewayForm>({ defaultValues: defaults, resolver: zodResolver(GatewayFormSchema), mode: 'onChange' });
  const remotes = useFieldArray({ control, name: 'gateways' });
  const [after, setAfter] = useState<OptionsInput | null>(null);
  const enabled = watch('enabled');
  const e = formState.errors;
  const { prompt } = useUnsavedChanges(formState.isDirty, 'the gateway configuration');
  return (
    <section className="panel" aria-labelledby="gwedit-h">
      <h2 id="gwedit-h" style={{ marginTop: 0 }}>
        Gateway configuration
      </h2>
      <p className="muted small">Changes to the gateway block are saved to the config file and apply at the next restart (nats-server does not reload them); until then the server runs as before. The form shows the running settings.</p>
      <form onSubmit={handleSubmit((v) => setAfter(fromForm(options, v)))} noValidate aria-label="Gateway configuration">
        <WriteFieldset lockedReason={locked}>
          <label className="row" style={{ marginBottom: 8 }}>
            <input type="checkbox" {...register('enabled')} /> this server accepts and makes gateway connections
          </label>
          {enabled && (
            <>
              <div className="row" style={{ alignItems: 'flex-start' }}>
                <label className="field">
                  <span>Gateway name (this cluster)</span>
                  <input {...register('name')} aria-invalid={!!e.name} />
                  {e.name && <span className="field-error">{e.name.message}</span>}
                </label>
                <label className="field">
                  <span>Host</span>
                  <input {...register('host')} placeholder="0.0.0.0" />
                </label>
                <label className="field">
                  <span>Port</span>
                  <input {...register('port')} inputMode="numeric" size={7} aria-invalid={!!e.port} />
                  {e.port && <span className="field-error">{e.port.message}</span>}
                </label>
                <label className="row" style={{ marginTop: 22 }}>
                  <input type="checkbox" {...register('rejectUnknown')} /> reject unknown clusters
                </label>
              </div>
              <h3>Remote gateways</h3>
              {remotes.fields.length === 0 && <p className="muted">None: this cluster only accepts inbound gateways.</p>}
              {remotes.fields.map((f, i) => (
                <div className="row card" key={f.id} style={{ alignItems: 'flex-start', marginBottom: 6 }}>
                  <label className="field">
                    <span>Name</span>
                    <input {...register(`gateways.${i}.name`)} aria-label={`Remote gateway ${i + 1} name`} aria-invalid={!!e.gateways?.[i]?.name} />
                    {e.gateways?.[i]?.name && <span className="field-error">{e.gateways[i]?.name?.message}</span>}
                  </label>
                  <label className="field" style={{ flex: 1 }}>
                    <span>URLs (one per line)</span>
                    <textarea rows={2} className="mono" {...register(`gateways.${i}.urls`)} aria-label={`Remote gateway ${i + 1} URLs`} aria-invalid={!!e.gateways?.[i]?.urls} />
                    {e.gateways?.[i]?.urls && <span className="field-error">{e.gateways[i]?.urls?.message}</span>}
                  </label>
                  <WriteButton className="danger" onClick={() => remotes.remove(i)} style={{ marginTop: 20 }} aria-label={`Remove remote gateway ${i + 1}`}>
                    Remove
                  </WriteButton>
                </div>
              ))}
              <WriteButton onClick={() => remotes.append({ name: '', urls: '' })}>Add remote gateway</WriteButton>
            </>
          )}
        </WriteFieldset>
        <ReviewDiscardButtons isDirty={formState.isDirty} locked={locked} onDiscard={() => reset(defaults)} />
      </form>
      {prompt}
      <BlockReviewDialog
        block="gateway"
        summary="Update the gateway configuration"
        after={after}
        revision={revision}
        mutation={put}
        close={() => setAfter(null)}
        reload={reload}
        resetTo={(saved) => reset(toForm(saved))}
      />
    </section>
  );
}
