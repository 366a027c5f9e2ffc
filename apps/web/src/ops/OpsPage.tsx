import { useState } from 'react';
import { ErrorBox } from '../components/states';
import { TypeToConfirm } from '../components/Dialog';
import { ReadOnlyNotice, WriteButton } from '../components/WriteButton';
import { useEvents, useEventsStatus } from '../lib/events';
import { formatClock } from '../lib/format';
import { useVarzQuery } from '../overview/useOverview';
import { lameDuckPercent, useLameDuckMutation, useLameDuckQuery, useReloadMutation } from './useOps';
import { fromApiChange } from '../config/useConfig';
import { ChangeList } from '../config/ChangeList';

interface FeedItem {
  id: string;
  time: number;
  kind: 'connect' | 'disconnect' | 'other';
  text: string;
}

const MAX_FEED = 200;

export function OpsPage() {
  const varz = useVarzQuery();
  const reload = useReloadMutation();
  const lameDuck = useLameDuckMutation();
  const [confirming, setConfirming] = useState(false);
  const ldm = useLameDuckQuery();
  const [feed, setFeed] = useState<FeedItem[]>([]);
  const [paused, setPaused] = useState(false);
  const live = useEventsStatus();
  const name = varz.data?.server_name ?? '';

  useEvents(['connect', 'disconnect'], (d, type) => {
    if (paused) return;
    const ev = d as { id?: string; client?: { acc?: string; user?: string; name?: string; id?: number; host?: string }; reason?: string; server?: { name?: string } };
    const c = ev.client ?? {};
    const who = `${c.name ? `"${c.name}" ` : ''}cid ${c.id ?? '?'}${c.user ? ` user ${c.user}` : ''} in ${c.acc ?? '$G'}${c.host ? ` from ${c.host}` : ''}`;
    const item: FeedItem = {
      id: ev.id ?? `${Date.now()}-${Math.random()}`,
      time: Date.now(),
      kind: type === 'connect' ? 'connect' : 'disconnect',
      text: type === 'connect' ? `connected: ${who}` : `disconnected: ${who}${ev.reason ? ` (${ev.reason})` : ''}`,
    };
    setFeed((f) => [item, ...f].slice(0, MAX_FEED));
  });

  const conns = varz.data?.connections;
  const state = ldm.data;
  const pct = lameDuckPercent(state);
  // Lame duck ends with the process gone: once a run was seen, a server that stops answering has stopped.
  const stopped = !!state && (!!ldm.error || !!varz.error);

  return (
    <div>
      <div className="page-head">
        <h1>Operations</h1>
      </div>
      <ReadOnlyNotice />
      <div className="grid cols-2">
        <section className="panel" aria-labelledby="reload-h">
          <h2 id="reload-h" style={{ marginTop: 0 }}>
            Reload configuration
          </h2>
          <p className="muted">Re-reads the config file from disk and applies it as SIGHUP does. Changes that need a restart make the whole reload fail, and the server keeps running as it was.</p>
          <WriteButton className="primary" onClick={() => reload.mutate()} disabled={reload.isPending}>
            {reload.isPending ? 'Reloading…' : 'Reload from disk'}
          </WriteButton>
          {reload.isSuccess && (
            <div data-testid="reload-result">
              <div className={`alert ${reload.data.ok ? 'ok' : 'error'}`} role="status">
                {!reload.data.ok
                  ? 'The reload was refused; the server runs on with its previous configuration.'
                  : reload.data.changes.length === 0
                    ? 'Reloaded: the file has no changes.'
                    : `Reloaded: ${reload.data.changes.length} change(s) applied.`}
                {reload.data.revision && <> Revision {reload.data.revision}.</>}
              </div>
              {reload.data.errors.map((e) => (
                <div className="alert error" key={e}>
                  {e}
                </div>
              ))}
              <ChangeList changes={reload.data.changes.map(fromApiChange)} />
            </div>
          )}
          {reload.error && <ErrorBox action="reload the configuration" error={reload.error} />}
        </section>

        <section className="panel" aria-labelledby="ldm-h">
          <h2 id="ldm-h" style={{ marginTop: 0 }}>
            Lame duck mode
          </h2>
          <p className="muted">
            Stops accepting clients, tells connected clients about the other servers, then closes them one by one over the lame duck duration and shuts the server down. Clients reconnect elsewhere in the cluster.
          </p>
          <WriteButton className="danger" onClick={() => setConfirming(true)} disabled={!name || lameDuck.isPending || !!state?.active} disabledReason={state?.active ? 'Already in lame duck mode' : undefined}>
            Enter lame duck mode…
          </WriteButton>
          {lameDuck.error && <ErrorBox action="enter lame duck mode" error={lameDuck.error} />}
          {(lameDuck.isSuccess || state) && (
            <div style={{ marginTop: 10 }} data-testid="ldm-progress" aria-live="polite">
              <div className="row">
                <strong>
                  {stopped
                    ? 'done'
                    : state?.phase === 'grace'
                      ? 'grace period: clients are told to move'
                      : state?.phase === 'closing'
                        ? 'closing clients'
                        : state?.phase === 'done'
                          ? 'done: shutting down'
                          : 'lame duck'}
                </strong>
                <span className="spacer" />
                <span className="muted">{stopped ? '' : state ? `${state.remaining} of ${state.total} client${state.total === 1 ? '' : 's'} left` : 'waiting for progress…'}</span>
              </div>
              <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={stopped ? 100 : pct}>
                <div style={{ width: `${stopped ? 100 : pct}%` }} />
              </div>
              {stopped && (
                <div className="alert ok" role="status" data-testid="ldm-finished">
                  {state.total === 0 ? 'No clients were connected' : `${state.total} client${state.total === 1 ? '' : 's'} moved`}, server stopped: the process has exited, as after <code>--signal ldm</code>. This console is gone with it; open another server&apos;s console.
                </div>
              )}
            </div>
          )}
        </section>
      </div>

      <section className="panel" aria-labelledby="feed-h">
        <div className="row">
          <h2 id="feed-h" style={{ margin: 0, flex: 1 }}>
            Live connections feed
          </h2>
          <span className={`badge ${live === 'open' ? 'ok' : live === 'error' ? 'bad' : ''}`}>{live === 'open' ? 'live' : live}</span>
          <button type="button" onClick={() => setPaused((p) => !p)} aria-pressed={paused}>
            {paused ? 'Resume' : 'Pause'}
          </button>
          <button type="button" onClick={() => setFeed([])} disabled={feed.length === 0}>
            Clear
          </button>
        </div>
        <div className="feed" data-testid="feed" role="log" aria-live="polite">
          {feed.length === 0 ? (
            <div className="empty">No connects or disconnects since this page opened (only clients of accounts other than $G produce events).</div>
          ) : (
            feed.map((f) => (
              <div className="ev" key={f.id}>
                <span className="muted mono">{formatClock(f.time)}</span>
                <span className={`badge ${f.kind === 'connect' ? 'ok' : 'warn'}`}>{f.kind}</span>
                <span>{f.text}</span>
              </div>
            ))
          )}
        </div>
      </section>

      {confirming && (
        <TypeToConfirm
          title={`Lame duck ${name}`}
          name={name}
          what="server name"
          action="Enter lame duck mode"
          onClose={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            lameDuck.mutate({ server: name });
          }}
        >
          <p>
            <strong>{name}</strong> has {conns ?? '?'} client connection{conns === 1 ? '' : 's'}. It will close them all, shut down and end its process (this console with it); this cannot be undone from the console.
          </p>
        </TypeToConfirm>
      )}
    </div>
  );
}
