import { useMemo, useState } from 'react';
import { useFieldArray, useForm, useWatch, type Control, type FieldErrors, type UseFormRegister } from 'react-hook-form';
import type { AccountModel as Account } from '../api/model';
import type { OptionsInput } from '@switchboard/shared';
import { ErrorBox, Loading } from '../components/states';
import { ReadOnlyNotice, WriteButton, WriteFieldset } from '../components/WriteButton';
import { useUnsavedChanges } from '../components/UnsavedChanges';
import { ReviewDialog } from '../config/ReviewDialog';
import { notEditableReason, useApplyConfigMutation, usePinnedConfig } from '../config/useConfig';
import type { Issue } from '@switchboard/shared';
import { accountResolver, accountToForm, emptyExport, emptyImport, emptyUser, formPath, formToAccount, type AccountForm } from './form';
import { accountNameError } from './validation';
import { hashFormPasswords } from './credentials';
import { FieldError, UserCard } from './UserCard';
import { useCreateAccountMutation, useUpdateAccountMutation, withAccount } from './useAccounts';

/** Create or edit one account: users, exports, imports. Ends in the review/apply flow. */
export function AccountEditor({ name, onDone }: { name?: string; onDone: (name?: string) => void }) {
  const { query: config, base, reload } = usePinnedConfig();
  if (config.error && !config.data) return <ErrorBox action="load the configuration" error={config.error} onRetry={() => void config.refetch()} />;
  if (!base) return <Loading what="Loading the configuration" />;
  const account = name ? base.options.accounts?.[name] : undefined;
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
      options={base.options}
      revision={base.revision}
      locked={notEditableReason(base)}
      onDone={onDone}
      onReload={() => void reload()}
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
  const resolver = useMemo(() => accountResolver(others, (n) => accountNameError(n, existing), account, name), [others, account, name]); // eslint-disable-line react-hooks/exhaustive-deps
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
  const [hashing, setHashing] = useState(false);
  const [hashError, setHashError] = useState<string | null>(null);
  const { prompt, allowLeave } = useUnsavedChanges(formState.isDirty, name ? `account ${name}` : 'the new account');

  /** Passwords to store as bcrypt are hashed here, in the browser, before anything is sent. */
  const onValid = async (v: AccountForm) => {
    setHashError(null);
    setHashing(true);
    try {
      const acc = formToAccount(await hashFormPasswords(v), account);
      setPending({ after: withAccount(options, v.name, acc, name), name: v.name, account: acc });
    } catch (e) {
      setHashError(`Could not hash the password: ${(e as Error).message}`);
    } finally {
      setHashing(false);
    }
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
        <button type="button" onClick={() => onDone()}>
          {formState.isDirty ? 'Cancel' : 'Back to accounts'}
        </button>
      </div>
      <ReadOnlyNotice />
      <form onSubmit={handleSubmit(onValid)} noValidate aria-label="Account">
        <WriteFieldset lockedReason={locked}>
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
              <WriteButton onClick={() => users.append(emptyUser())}>Add user</WriteButton>
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
              <WriteButton onClick={() => exports.append(emptyExport())}>Add export</WriteButton>
            </div>
            {exports.fields.length === 0 && <p className="muted">Nothing exported: other accounts cannot import from this one.</p>}
            {errors.exports?.root?.message && (
              <div className="alert error" role="alert" data-testid="exports-dependents">
                {errors.exports.root.message}
              </div>
            )}
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
                    <WriteButton className="danger" onClick={() => exports.remove(i)} aria-label={`Remove export ${i + 1}`} style={{ marginTop: 20 }}>
                      Remove
                    </WriteButton>
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
              <WriteButton onClick={() => imports.append(emptyImport())}>Add import</WriteButton>
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
          {hashError && <div className="alert error" role="alert">{hashError}</div>}
        </WriteFieldset>
        <div className="row">
          <WriteButton type="submit" className="primary" disabled={!!locked || hashing} disabledReason={locked}>
            {hashing ? 'Hashing passwords…' : 'Review changes'}
          </WriteButton>
          <button type="button" onClick={() => onDone()}>
            {formState.isDirty ? 'Cancel' : 'Back to accounts'}
          </button>
        </div>
      </form>
      {prompt}
      {pending &&
        (() => {
          const common = {
            title: name ? `account ${name}` : `new account ${pending.name}`,
            summary: name ? `Update account ${name}${renamed ? ` (renamed to ${pending.name})` : ''}` : `Create account ${pending.name}`,
            after: pending.after,
            revision,
            onClose: () => setPending(null),
            onIssues,
            onDone: () => {
              // Saved: leaving (or reopening the saved account) asks nothing.
              allowLeave();
              onDone(pending.name);
            },
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
        <WriteButton className="danger" onClick={onRemove} aria-label={`Remove import ${i + 1}`} style={{ marginTop: 20 }}>
          Remove
        </WriteButton>
      </div>
      {kind === 'stream' && e?.to && <FieldError error={e.to} />}
    </div>
  );
}
