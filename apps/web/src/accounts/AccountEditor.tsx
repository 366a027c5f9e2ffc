import { useMemo, useState } from 'react';
import { useFieldArray, useForm, useWatch, type Control, type FieldErrors, type UseFormRegister, type UseFormSetValue } from 'react-hook-form';
import type { AccountModel as Account } from '../api/model';
import type { OptionsInput } from '@switchboard/shared';
import { ErrorBox, Loading } from '../components/states';
import { ReadOnlyNotice, WriteButton } from '../components/WriteButton';
import { ReviewDialog } from '../config/ReviewDialog';
import { notEditableReason, useApplyConfigMutation, useConfigQuery } from '../config/useConfig';
import type { Issue } from '@switchboard/shared';
import { accountResolver, accountToForm, emptyExport, emptyImport, emptyUser, formPath, formToAccount, type AccountForm } from './form';
import { accountNameError } from './validation';
import { PRESETS, presetPermissions, type PresetName } from './presets';
import { useCreateAccountMutation, useUpdateAccountMutation, withAccount } from './useAccounts';

function FieldError({ error }: { error?: { message?: string } }) {
  if (!error?.message) return null;
  return (
    <span className="field-error" role="alert">
      {error.message}
    </span>
  );
}

/** Create or edit one account: users, exports, imports. Ends in the review/apply flow. */
export function AccountEditor({ name, onDone }: { name?: string; onDone: (name?: string) => void }) {
  const config = useConfigQuery();
  if (config.isPending) return <Loading what="Loading the configuration" />;
  if (config.error || !config.data) return <ErrorBox action="load the configuration" error={config.error} onRetry={() => void config.refetch()} />;
  const account = name ? config.data.options.accounts?.[name] : undefined;
  if (name && !account) {
    return (
      <div>
        <h1>Account {name}</h1>
        <div className="alert info">
          <strong>{name}</strong> is not in the configuration file (a built-in account such as $G or the system account): it has no editable settings.
        </div>
        <button type="button" onClick={() => onDone()}>
          Back to accounts
        </button>
      </div>
    );
  }
  return (
    <EditorForm
      name={name}
      account={account ?? {}}
      options={config.data.options}
      revision={config.data.revision}
      locked={notEditableReason(config.data)}
      onDone={onDone}
      onReload={() => void config.refetch()}
    />
  );
}

function EditorForm({
  name,
  account,
  options,
  revision,
  locked,
  onDone,
  onReload,
}: {
  name?: string;
  account: Account;
  options: OptionsInput;
  revision: string;
  locked?: string;
  onDone: (name?: string) => void;
  onReload: () => void;
}) {
  const others = useMemo(() => {
    const o = { ...(options.accounts ?? {}) };
    if (name) delete o[name];
    return o as Record<string, Account>;
  }, [options, name]);
  const existing = Object.keys(others);
  const resolver = useMemo(() => accountResolver(others, (n) => accountNameError(n, existing), account), [others, account]); // eslint-disable-line react-hooks/exhaustive-deps
  const form = useForm<AccountForm>({ defaultValues: accountToForm(name ?? '', account), resolver, mode: 'onChange', reValidateMode: 'onChange' });
  const { register, control, handleSubmit, formState, setValue, setError } = form;
  const users = useFieldArray({ control, name: 'users' });
  const exports = useFieldArray({ control, name: 'exports' });
  const imports = useFieldArray({ control, name: 'imports' });
  const [pending, setPending] = useState<{ after: OptionsInput; name: string; account: Account } | null>(null);
  const errors = formState.errors;
  const create = useCreateAccountMutation();
  const update = useUpdateAccountMutation();
  const replaceAll = useApplyConfigMutation();
  const renamed = !!name && !!pending && pending.name !== name;

  const onValid = (v: AccountForm) => {
    const acc = formToAccount(v, account);
    setPending({ after: withAccount(options, v.name, acc, name), name: v.name, account: acc });
  };

  /** The server's messages land on their fields too (preview errors and refused writes). */
  const onIssues = (issues: Issue[]) => {
    const target = pending?.name ?? name ?? '';
    for (const i of issues) {
      const m = /^(?:accounts\.([^.]+)|body(?:\.account)?)\.(.*)$/.exec(i.path);
      if (!m || (m[1] !== undefined && m[1] !== target)) continue;
      setError(formPath(m[2]!) as never, { type: 'server', message: i.message });
    }
  };

  return (
    <div>
      <div className="page-head">
        <h1>{name ? `Account ${name}` : 'New account'}</h1>
        <button type="button" onClick={() => onDone(name)}>
          Cancel
        </button>
      </div>
      <ReadOnlyNotice />
      <form onSubmit={handleSubmit(onValid)} noValidate aria-label="Account">
        <div className="panel">
          <label className="field" style={{ maxWidth: 320 }}>
            <span>Name</span>
            <input {...register('name')} aria-invalid={!!errors.name} autoFocus={!name} />
            <FieldError error={errors.name} />
          </label>
        </div>

        <section className="panel" aria-labelledby="users-h">
          <div className="row">
            <h2 id="users-h" style={{ margin: 0, flex: 1 }}>
              Users
            </h2>
            <button type="button" onClick={() => users.append(emptyUser())}>
              Add user
            </button>
          </div>
          {users.fields.length === 0 && <p className="muted">No users: nobody can connect to this account yet.</p>}
          <div className="card-list">
            {users.fields.map((f, i) => (
              <UserCard key={f.id} index={i} control={control} register={register} setValue={setValue} errors={errors} onRemove={() => users.remove(i)} />
            ))}
          </div>
        </section>

        <section className="panel" aria-labelledby="exports-h">
          <div className="row">
            <h2 id="exports-h" style={{ margin: 0, flex: 1 }}>
              Exports
            </h2>
            <button type="button" onClick={() => exports.append(emptyExport())}>
              Add export
            </button>
          </div>
          {exports.fields.length === 0 && <p className="muted">Nothing exported: other accounts cannot import from this one.</p>}
          <div className="card-list">
            {exports.fields.map((f, i) => (
              <div className="card" key={f.id} data-testid={`export-${i}`}>
                <div className="row" style={{ alignItems: 'flex-start' }}>
                  <label className="field">
                    <span>Kind</span>
                    <select {...register(`exports.${i}.kind`)} aria-label={`Export ${i + 1} kind`}>
                      <option value="stream">stream</option>
                      <option value="service">service</option>
                    </select>
                  </label>
                  <label className="field" style={{ flex: 2 }}>
                    <span>Subject</span>
                    <input {...register(`exports.${i}.subject`)} placeholder="events.>" aria-label={`Export ${i + 1} subject`} aria-invalid={!!errors.exports?.[i]?.subject} />
                    <FieldError error={errors.exports?.[i]?.subject} />
                  </label>
                  <label className="field" style={{ flex: 2 }}>
                    <span>Only for accounts</span>
                    <input {...register(`exports.${i}.accounts`)} placeholder="public (any account)" aria-label={`Export ${i + 1} accounts`} aria-invalid={!!errors.exports?.[i]?.accounts} />
                    <FieldError error={errors.exports?.[i]?.accounts} />
                  </label>
                  <ExportResponseType control={control} register={register} index={i} />
                  <button type="button" className="danger" onClick={() => exports.remove(i)} aria-label={`Remove export ${i + 1}`} style={{ marginTop: 20 }}>
                    Remove
                  </button>
                </div>
              </div>
            ))}
          </div>
        </section>

        <section className="panel" aria-labelledby="imports-h">
          <div className="row">
            <h2 id="imports-h" style={{ margin: 0, flex: 1 }}>
              Imports
            </h2>
            <button type="button" onClick={() => imports.append(emptyImport())}>
              Add import
            </button>
          </div>
          {imports.fields.length === 0 && <p className="muted">Nothing imported.</p>}
          <datalist id="account-names">
            {existing.map((n) => (
              <option key={n} value={n} />
            ))}
          </datalist>
          <div className="card-list">
            {imports.fields.map((f, i) => (
              <ImportCard key={f.id} index={i} control={control} register={register} errors={errors} others={others} onRemove={() => imports.remove(i)} />
            ))}
          </div>
        </section>

        {Object.keys(errors).length > 0 && formState.isSubmitted && (
          <div className="alert error" role="alert">
            Some fields need attention (marked in red) before this can be reviewed.
          </div>
        )}
        <div className="row">
          <WriteButton type="submit" className="primary" disabled={!!locked} disabledReason={locked}>
            Review changes
          </WriteButton>
          <button type="button" onClick={() => onDone(name)}>
            Cancel
          </button>
        </div>
      </form>
      {pending &&
        (() => {
          const common = {
            title: name ? `account ${name}` : `new account ${pending.name}`,
            summary: name ? `Update account ${name}${renamed ? ` (renamed to ${pending.name})` : ''}` : `Create account ${pending.name}`,
            after: pending.after,
            revision,
            onClose: () => setPending(null),
            onIssues,
            onDone: () => onDone(pending.name),
            onReloadLatest: onReload,
          };
          if (renamed) return <ReviewDialog {...common} mutation={replaceAll} variables={{ options: pending.after, revision, comment: `rename account ${name} to ${pending.name}` }} />;
          if (name) return <ReviewDialog {...common} mutation={update} variables={{ name, account: pending.account, revision }} />;
          return <ReviewDialog {...common} mutation={create} variables={{ name: pending.name, account: pending.account, revision }} />;
        })()}
    </div>
  );
}

function ExportResponseType({ control, register, index }: { control: Control<AccountForm>; register: UseFormRegister<AccountForm>; index: number }) {
  const kind = useWatch({ control, name: `exports.${index}.kind` });
  if (kind !== 'service') return null;
  return (
    <label className="field">
      <span>Responses</span>
      <select {...register(`exports.${index}.responseType`)} aria-label={`Export ${index + 1} response type`}>
        <option value="">singleton (default)</option>
        <option value="stream">stream</option>
        <option value="chunked">chunked</option>
      </select>
    </label>
  );
}

function ImportCard({
  index: i,
  control,
  register,
  errors,
  others,
  onRemove,
}: {
  index: number;
  control: Control<AccountForm>;
  register: UseFormRegister<AccountForm>;
  errors: FieldErrors<AccountForm>;
  others: Record<string, Account>;
  onRemove: () => void;
}) {
  const kind = useWatch({ control, name: `imports.${i}.kind` });
  const from = useWatch({ control, name: `imports.${i}.account` });
  const offered = (others[from]?.exports ?? []).map((e) => (kind === 'stream' ? e.stream : e.service)).filter((s): s is string => !!s);
  const e = errors.imports?.[i];
  return (
    <div className="card" data-testid={`import-${i}`}>
      <div className="row" style={{ alignItems: 'flex-start' }}>
        <label className="field">
          <span>Kind</span>
          <select {...register(`imports.${i}.kind`)} aria-label={`Import ${i + 1} kind`}>
            <option value="stream">stream</option>
            <option value="service">service</option>
          </select>
        </label>
        <label className="field">
          <span>From account</span>
          <input {...register(`imports.${i}.account`)} list="account-names" aria-label={`Import ${i + 1} account`} aria-invalid={!!e?.account} size={12} />
          <FieldError error={e?.account} />
        </label>
        <label className="field" style={{ flex: 2 }}>
          <span>Subject</span>
          <input {...register(`imports.${i}.subject`)} list={`exports-of-${i}`} aria-label={`Import ${i + 1} subject`} aria-invalid={!!e?.subject} />
          <datalist id={`exports-of-${i}`}>
            {offered.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
          <FieldError error={e?.subject} />
          {from && offered.length > 0 && !e?.subject && <span className="hint">exports: {offered.join(', ')}</span>}
        </label>
        {kind === 'stream' ? (
          <label className="field">
            <span>Prefix</span>
            <input {...register(`imports.${i}.prefix`)} placeholder="none" aria-label={`Import ${i + 1} prefix`} aria-invalid={!!e?.prefix} size={12} />
            <FieldError error={e?.prefix} />
          </label>
        ) : (
          <label className="field">
            <span>Local subject (to)</span>
            <input {...register(`imports.${i}.to`)} placeholder="same as subject" aria-label={`Import ${i + 1} to`} aria-invalid={!!e?.to} size={14} />
            <FieldError error={e?.to} />
          </label>
        )}
        {kind === 'service' && (
          <label className="row" style={{ marginTop: 22 }} title="share the requester's details with the service (Nats-Request-Info)">
            <input type="checkbox" {...register(`imports.${i}.share`)} /> share
          </label>
        )}
        <button type="button" className="danger" onClick={onRemove} aria-label={`Remove import ${i + 1}`} style={{ marginTop: 20 }}>
          Remove
        </button>
      </div>
      {kind === 'stream' && e?.to && <FieldError error={e.to} />}
    </div>
  );
}

function UserCard({
  index: i,
  control,
  register,
  setValue,
  errors,
  onRemove,
}: {
  index: number;
  control: Control<AccountForm>;
  register: UseFormRegister<AccountForm>;
  setValue: UseFormSetValue<AccountForm>;
  errors: FieldErrors<AccountForm>;
  onRemove: () => void;
}) {
  const auth = useWatch({ control, name: `users.${i}.auth` });
  const [preset, setPreset] = useState<PresetName>('publisher');
  const [presetSubject, setPresetSubject] = useState('');
  const e = errors.users?.[i];
  const applyPreset = () => {
    if (!presetSubject.trim()) return;
    const p = presetPermissions(preset, presetSubject.trim());
    const opts = { shouldDirty: true, shouldValidate: true };
    setValue(`users.${i}.pubAllow`, (p.publish?.allow ?? []).join('\n'), opts);
    setValue(`users.${i}.pubDeny`, (p.publish?.deny ?? []).join('\n'), opts);
    setValue(`users.${i}.subAllow`, (p.subscribe?.allow ?? []).join('\n'), opts);
    setValue(`users.${i}.subDeny`, (p.subscribe?.deny ?? []).join('\n'), opts);
    setValue(`users.${i}.allowResponses`, !!p.allowResponses, opts);
  };
  return (
    <div className="card" data-testid={`user-${i}`}>
      <div className="row" style={{ alignItems: 'flex-start' }}>
        <fieldset style={{ margin: 0 }}>
          <legend className="small">Authenticates with</legend>
          <label>
            <input type="radio" value="password" {...register(`users.${i}.auth`)} /> password
          </label>{' '}
          <label>
            <input type="radio" value="nkey" {...register(`users.${i}.auth`)} /> nkey
          </label>
        </fieldset>
        {auth === 'nkey' ? (
          <label className="field" style={{ flex: 3 }}>
            <span>User nkey</span>
            <input {...register(`users.${i}.nkey`)} className="mono" placeholder="U…" aria-label={`User ${i + 1} nkey`} aria-invalid={!!e?.nkey} />
            <FieldError error={e?.nkey} />
          </label>
        ) : (
          <>
            <label className="field" style={{ flex: 1 }}>
              <span>User</span>
              <input {...register(`users.${i}.user`)} autoComplete="off" aria-label={`User ${i + 1} name`} aria-invalid={!!e?.user} />
              <FieldError error={e?.user} />
            </label>
            <label className="field" style={{ flex: 1 }}>
              <span>Password</span>
              <input {...register(`users.${i}.password`)} type="password" autoComplete="new-password" aria-label={`User ${i + 1} password`} aria-invalid={!!e?.password} />
              <FieldError error={e?.password} />
            </label>
          </>
        )}
        <button type="button" className="danger" onClick={onRemove} aria-label={`Remove user ${i + 1}`} style={{ marginTop: 20 }}>
          Remove
        </button>
      </div>
      <details>
        <summary>Permissions</summary>
        <div className="row" style={{ margin: '8px 0' }}>
          <span className="small">Preset</span>
          <select value={preset} onChange={(ev) => setPreset(ev.target.value as PresetName)} aria-label={`User ${i + 1} preset`}>
            {PRESETS.map((p) => (
              <option key={p.name} value={p.name} title={p.help}>
                {p.label}
              </option>
            ))}
          </select>
          <input value={presetSubject} onChange={(ev) => setPresetSubject(ev.target.value)} placeholder="subject, e.g. orders.>" aria-label={`User ${i + 1} preset subject`} />
          <button type="button" onClick={applyPreset} disabled={!presetSubject.trim()}>
            Apply preset
          </button>
          <span className="hint">{PRESETS.find((p) => p.name === preset)?.help}</span>
        </div>
        <div className="grid cols-2" style={{ gridTemplateColumns: 'repeat(auto-fit, minmax(200px, 1fr))' }}>
          {(
            [
              ['pubAllow', 'Publish allow', e?.pubAllow],
              ['pubDeny', 'Publish deny', e?.pubDeny],
              ['subAllow', 'Subscribe allow', e?.subAllow],
              ['subDeny', 'Subscribe deny', e?.subDeny],
            ] as const
          ).map(([k, label, err]) => (
            <label className="field" key={k}>
              <span>{label}</span>
              <textarea rows={3} {...register(`users.${i}.${k}`)} placeholder="one subject per line" aria-label={`User ${i + 1} ${label}`} aria-invalid={!!err} className="mono" />
              <FieldError error={err} />
            </label>
          ))}
        </div>
        <label className="row">
          <input type="checkbox" {...register(`users.${i}.allowResponses`)} /> may reply to requests it received (allow_responses)
        </label>
      </details>
    </div>
  );
}
