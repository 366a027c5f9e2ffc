/*
 * The operator's tool (operator mode, decentralized JWT security): what the running server
 * trusts, the operator the console manages (created here or imported), its accounts and users.
 * Admins create and sign; viewers see the same state read-only. Seeds appear once, right after
 * they were made, and are gone when the page is left.
 */
import { useCallback, useState } from 'react';
import type { CreateOperatorResponse, OperatorState, ShownSeed } from '@switchboard/shared';
import { ErrorBox, Loading } from '../components/states';
import { TypeToConfirm } from '../components/Dialog';
import { ReadOnlyNotice, WriteButton, WriteFieldset } from '../components/WriteButton';
import { downloadText } from '../lib/download';
import { AccountPanel } from './AccountPanel';
import { AccountDialog, ImportAccountDialog } from './dialogs';
import { OperatorSigningKeys } from './dialogs-keys';
import { shortKey, useCreateOperator, useForgetOperator, useImportOperator, useOperatorQuery } from './useOperator';

export function OperatorPage() {
  const q = useOperatorQuery();
  const [seeds, setSeeds] = useState<{ title: string; seeds: ShownSeed[]; config?: string } | null>(null);
  const [creatingAccount, setCreatingAccount] = useState(false);
  const [importing, setImporting] = useState<{ jwt: string; name: string } | null>(null);
  const closeCreate = useCallback(() => setCreatingAccount(false), []);
  const closeImport = useCallback(() => setImporting(null), []);
  const s = q.data;
  return (
    <div>
      <div className="page-head">
        <h1>Operator</h1>
        {s?.operator && (
          <WriteButton className="primary" onClick={() => setCreatingAccount(true)}>
            New account
          </WriteButton>
        )}
      </div>
      <p className="muted small" style={{ marginTop: 0 }}>
        Decentralized security: the server trusts only the operator&apos;s key and learns accounts from its resolver; an account signs its own users. Nobody edits the server
        config to add a user.
      </p>
      <ReadOnlyNotice />
      {q.isPending ? (
        <Loading what="Loading operator mode" />
      ) : q.error && !s ? (
        <ErrorBox action="load operator mode" error={q.error} onRetry={() => void q.refetch()} />
      ) : s ? (
        <>
          <ServerPanel state={s} />
          {seeds && <SeedsPanel {...seeds} onDone={() => setSeeds(null)} />}
          {s.operator ? (
            <OperatorPanel state={s} />
          ) : (
            <SetupPanel state={s} onCreated={(r) => setSeeds({ title: `Operator ${r.operator.name} created`, seeds: r.seeds, config: r.config })} />
          )}
          {s.operator &&
            s.accounts.map((a) => <AccountPanel key={a.publicKey} account={a} state={s} />)}
          {s.operator && <UnmanagedAccounts state={s} onImport={setImporting} />}
        </>
      ) : null}
      {creatingAccount && s?.operator && (
        <AccountDialog
          state={s}
          onClose={closeCreate}
          onDone={(r) => {
            setCreatingAccount(false);
            if (r.seeds.length) setSeeds({ title: `Account ${r.account.name} created`, seeds: r.seeds });
          }}
        />
      )}
      {importing && <ImportAccountDialog jwt={importing.jwt} name={importing.name} onClose={closeImport} />}
    </div>
  );
}

/** What the running server does: operator mode or not, its resolver, how to start one. */
function ServerPanel({ state }: { state: OperatorState }) {
  const srv = state.server;
  if (!srv.operatorMode) {
    return (
      <section className="panel" aria-labelledby="srv-h" data-testid="not-operator-mode">
        <h2 id="srv-h" style={{ marginTop: 0 }}>
          This server is not in operator mode
        </h2>
        <p>
          It authenticates users from its config file. To run with JWTs, start a server whose config names a trusted <code>operator</code> and a <code>resolver</code>, like{' '}
          <code>examples/operator/operator.conf</code>:
        </p>
        <pre className="mono" style={{ overflowX: 'auto', background: 'var(--panel-2)', padding: 8 }}>
          {`operator: "examples/operator/operator.jwt"  # or the JWT inline
resolver: MEMORY                             # or resolver { type: full, dir: "./jwt" }
resolver_preload: {
  <SYS account key>: "<SYS account JWT>"
}`}
        </pre>
        <p className="muted small">
          Below, the console makes a new operator with a system account and writes such a config for you to save. Start it with <code>switchboard -c operator.conf</code> and the
          same <code>--data_dir</code>, and this page manages it.
        </p>
      </section>
    );
  }
  return (
    <section className="panel" aria-labelledby="srv-h" data-testid="server-operator">
      <h2 id="srv-h" style={{ marginTop: 0 }}>
        Running server
      </h2>
      <div className="row">
        <span className="badge ok">operator mode</span>
        {srv.operators.map((o) => (
          <span key={o.publicKey}>
            trusts <strong>{o.name}</strong> <code title={o.publicKey}>{shortKey(o.publicKey)}</code>
          </span>
        ))}
        {srv.systemAccount && (
          <span>
            system account <code title={srv.systemAccount}>{shortKey(srv.systemAccount)}</code>
          </span>
        )}
      </div>
      {srv.resolver && (
        <p className="small" style={{ marginBottom: 0 }}>
          <span className={`badge ${srv.resolver.pushable ? 'ok' : 'warn'}`}>{srv.resolver.type} resolver</span> {srv.resolver.how}
        </p>
      )}
    </section>
  );
}

/** No operator in the console yet: import the running one (with its seed, optionally) or make a new one. */
function SetupPanel({ state, onCreated }: { state: OperatorState; onCreated: (r: CreateOperatorResponse) => void }) {
  const running = state.server.operators[0];
  const imp = useImportOperator();
  const create = useCreateOperator();
  const [jwt, setJwt] = useState(running?.jwt ?? '');
  const [seed, setSeed] = useState('');
  const [storeSeed, setStoreSeed] = useState(true);
  const [name, setName] = useState('');
  const [resolver, setResolver] = useState<'memory' | 'full'>('memory');
  const [storeSeeds, setStoreSeeds] = useState(true);
  return (
    <div className="grid cols-2">
      <section className="panel" aria-labelledby="imp-h">
        <h2 id="imp-h" style={{ marginTop: 0 }}>
          Import an operator
        </h2>
        <p className="muted small">{running ? `Filled in with the operator this server trusts (${running.name}).` : 'Paste an operator JWT (from nsc or switchboard jwt).'}</p>
        <form
          aria-label="Import an operator"
          onSubmit={(e) => {
            e.preventDefault();
            imp.mutate({ jwt, ...(seed.trim() ? { seed: seed.trim() } : {}), storeSeed });
          }}
        >
          <WriteFieldset>
            <label className="field">
              <span>Operator JWT</span>
              <textarea rows={3} value={jwt} onChange={(e) => setJwt(e.target.value)} spellCheck={false} className="mono" />
            </label>
            <label className="field">
              <span>Signing seed (optional)</span>
              <input type="password" value={seed} onChange={(e) => setSeed(e.target.value)} autoComplete="off" placeholder="SO…" aria-label="Operator seed" />
              <span className="hint">The operator&apos;s seed or a signing key&apos;s. Without one, every signature asks for it.</span>
            </label>
            <label className="row">
              <input type="checkbox" checked={storeSeed} onChange={(e) => setStoreSeed(e.target.checked)} /> Store the seed in the console, encrypted
            </label>
            {imp.error && <ErrorBox action="import the operator" error={imp.error} />}
            <div className="actions" style={{ marginTop: 10 }}>
              <WriteButton type="submit" className="primary" disabled={imp.isPending || !jwt.trim()}>
                {imp.isPending ? 'Importing…' : 'Import operator'}
              </WriteButton>
            </div>
          </WriteFieldset>
        </form>
      </section>
      <section className="panel" aria-labelledby="new-h">
        <h2 id="new-h" style={{ marginTop: 0 }}>
          Create an operator
        </h2>
        <p className="muted small">A new operator with a signing key and a system account, and a server config that trusts it (to save and start a server with).</p>
        <form
          aria-label="Create an operator"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate({ name: name.trim(), resolver, storeSeeds }, { onSuccess: onCreated });
          }}
        >
          <WriteFieldset>
            <label className="field">
              <span>Operator name</span>
              <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" aria-label="Operator name" />
            </label>
            <label className="field">
              <span>Resolver of the new config</span>
              <select value={resolver} onChange={(e) => setResolver(e.target.value as 'memory' | 'full')} aria-label="Resolver">
                <option value="memory">MEMORY — accounts in the config file (resolver_preload)</option>
                <option value="full">full — accounts as files in a directory, pushed on $SYS</option>
              </select>
            </label>
            <label className="row">
              <input type="checkbox" checked={storeSeeds} onChange={(e) => setStoreSeeds(e.target.checked)} /> Store the seeds in the console, encrypted
            </label>
            {create.error && <ErrorBox action="create the operator" error={create.error} />}
            <div className="actions" style={{ marginTop: 10 }}>
              <WriteButton type="submit" className="primary" disabled={create.isPending || !name.trim()}>
                {create.isPending ? 'Creating…' : 'Create operator'}
              </WriteButton>
            </div>
          </WriteFieldset>
        </form>
      </section>
    </div>
  );
}

function OperatorPanel({ state }: { state: OperatorState }) {
  const op = state.operator!;
  const forget = useForgetOperator();
  const [confirm, setConfirm] = useState(false);
  const close = useCallback(() => setConfirm(false), []);
  return (
    <section className="panel" aria-labelledby="op-h" data-testid="operator-panel">
      <div className="row">
        <h2 id="op-h" style={{ margin: 0 }}>
          Operator {op.name}
        </h2>
        {op.trusted ? <span className="badge ok">trusted by this server</span> : <span className="badge warn">not trusted by this server</span>}
        {op.canSign ? <span className="badge">seed stored</span> : <span className="badge warn">no seed stored: signing asks for one</span>}
        <span className="spacer" />
        <WriteButton className="danger" onClick={() => setConfirm(true)}>
          Forget operator
        </WriteButton>
      </div>
      <div className="small" style={{ marginTop: 8, overflowWrap: 'anywhere' }}>
        <div>
          Key <code>{op.publicKey}</code>
        </div>
        <OperatorSigningKeys state={state} />
        {op.serverJwtOutdated && (
          <div className="alert warn" data-testid="operator-jwt-outdated">
            The running server still has the previous operator JWT (operators are read at start): keys added here are not trusted by it yet. Put this operator JWT in its config and
            restart it.{' '}
            <button type="button" onClick={() => downloadText(`${op.name}.jwt`, op.jwt)}>
              Download {op.name}.jwt
            </button>
          </div>
        )}
        {!op.trusted && (
          <div className="alert warn">
            The running server does not trust this operator: accounts signed by it are not pushed. Start a server with the config made for it (or import the operator the server trusts).
          </div>
        )}
      </div>
      {confirm && (
        <TypeToConfirm title={`Forget operator ${op.name}`} name={op.name} what="operator name" action="Forget operator" busy={forget.isPending} onClose={close} onConfirm={() => forget.mutate(undefined, { onSuccess: close })}>
          <p>The console forgets this operator, its accounts, the users it issued and every stored seed. The running server is not changed.</p>
          {forget.error && <ErrorBox action="forget the operator" error={forget.error} />}
        </TypeToConfirm>
      )}
    </section>
  );
}

/** Seeds just made: shown once, with the generated config when there is one. */
function SeedsPanel({ title, seeds, config, onDone }: { title: string; seeds: ShownSeed[]; config?: string; onDone: () => void }) {
  return (
    <section className="panel seed-notice" aria-labelledby="seeds-h" data-testid="new-seeds">
      <h2 id="seeds-h" style={{ marginTop: 0 }}>
        {title}
      </h2>
      <div className="alert warn">These seeds are shown only once. Keep them somewhere safe: whoever holds a seed signs as its key.</div>
      {seeds.map((s) => (
        <label className="field" key={s.publicKey}>
          <span>
            {s.kind} {s.name} <code className="muted">{shortKey(s.publicKey)}</code>
          </span>
          <input readOnly value={s.seed} className="mono" onFocus={(e) => e.currentTarget.select()} aria-label={`Seed of ${s.kind} ${s.name}`} />
        </label>
      ))}
      {config && (
        <>
          <p className="small">The server config for this operator (no seeds in it):</p>
          <pre className="mono" style={{ maxHeight: 180, overflow: 'auto', background: 'var(--panel-2)', padding: 8, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} data-testid="operator-config">
            {config}
          </pre>
        </>
      )}
      <div className="actions row">
        {config && (
          <button type="button" onClick={() => downloadText('operator.conf', config)}>
            Download operator.conf
          </button>
        )}
        <button type="button" className="primary" onClick={onDone}>
          I have kept them
        </button>
      </div>
    </section>
  );
}

/** Accounts the server's resolver holds that the console does not manage yet. */
function UnmanagedAccounts({ state, onImport }: { state: OperatorState; onImport: (a: { jwt: string; name: string }) => void }) {
  const list = state.server.accounts.filter((a) => !a.managed);
  if (list.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="unmanaged-h">
      <h2 id="unmanaged-h" style={{ marginTop: 0 }}>
        Other accounts on the server
      </h2>
      <p className="muted small">The resolver holds these; import one to edit it or issue its users.</p>
      {list.map((a) => (
        <div className="row" key={a.publicKey} style={{ marginBottom: 6 }}>
          <strong>{a.name}</strong> <code title={a.publicKey}>{shortKey(a.publicKey)}</code>
          <span className="spacer" />
          <WriteButton onClick={() => onImport({ jwt: a.jwt, name: a.name })} aria-label={`Import account ${a.name}`}>
            Import
          </WriteButton>
        </div>
      ))}
    </section>
  );
}
