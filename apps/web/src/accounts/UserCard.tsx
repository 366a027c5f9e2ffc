import { useState } from 'react';
import { useWatch, type Control, type FieldErrors, type UseFormRegister, type UseFormSetValue } from 'react-hook-form';
import { WriteButton } from '../components/WriteButton';
import { BCRYPT_COST, generateUserKeyPair, isBcrypt, type UserKeyPair } from './credentials';
import type { AccountForm } from './form';
import { PRESETS, presetPermissions, type PresetName } from './presets';

export function FieldError({ error }: { error?: { message?: string } }) {
  if (!error?.message) return null;
  return (
    <span className="field-error" role="alert">
      {error.message}
    </span>
  );
}

interface Props {
  index: number;
  control: Control<AccountForm>;
  register: UseFormRegister<AccountForm>;
  setValue: UseFormSetValue<AccountForm>;
  errors: FieldErrors<AccountForm>;
  onRemove: () => void;
}

/** One NATS user of the account: password (bcrypt by default) or nkey (generated here if wanted), and permissions. */
export function UserCard({ index: i, control, register, setValue, errors, onRemove }: Props) {
  const auth = useWatch({ control, name: `users.${i}.auth` });
  const e = errors.users?.[i];
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
          <NkeyFields index={i} control={control} register={register} setValue={setValue} errors={errors} />
        ) : (
          <>
            <label className="field" style={{ flex: 1 }}>
              <span>User</span>
              <input {...register(`users.${i}.user`)} autoComplete="off" aria-label={`User ${i + 1} name`} aria-invalid={!!e?.user} />
              <FieldError error={e?.user} />
            </label>
            <PasswordFields index={i} control={control} register={register} errors={errors} />
          </>
        )}
        <WriteButton className="danger" onClick={onRemove} aria-label={`Remove user ${i + 1}`} style={{ marginTop: 20 }}>
          Remove
        </WriteButton>
      </div>
      <Permissions index={i} register={register} setValue={setValue} errors={errors} />
    </div>
  );
}

function PasswordFields({ index: i, control, register, errors }: Pick<Props, 'index' | 'control' | 'register' | 'errors'>) {
  const [store, password] = useWatch({ control, name: [`users.${i}.store`, `users.${i}.password`] });
  const e = errors.users?.[i];
  const hint =
    password === '[REDACTED]'
      ? 'Not shown: passwords and hashes reach admins only.'
      : store === 'plain'
      ? 'Plain text: anyone who can read the config file can sign in with it (the server warns at start).'
      : isBcrypt(password ?? '')
        ? 'Stored as a bcrypt hash. Type a new password to replace it.'
        : `Hashed in your browser (bcrypt, cost ${BCRYPT_COST}) before saving: the config file gets only the hash.`;
  return (
    <>
      <label className="field" style={{ flex: 1 }}>
        <span>Password</span>
        <input {...register(`users.${i}.password`)} type="password" autoComplete="new-password" aria-label={`User ${i + 1} password`} aria-invalid={!!e?.password} />
        <FieldError error={e?.password} />
      </label>
      <label className="field" style={{ flex: 1.4 }}>
        <span>Stored as</span>
        <select {...register(`users.${i}.store`)} aria-label={`User ${i + 1} password storage`}>
          <option value="bcrypt">bcrypt hash (recommended)</option>
          <option value="plain">plain text</option>
        </select>
        <span className={store === 'plain' ? 'hint warn-text' : 'hint'} data-testid={`user-${i}-storage-hint`}>
          {hint}
        </span>
      </label>
    </>
  );
}

function NkeyFields({ index: i, control, register, setValue, errors }: Omit<Props, 'onRemove'>) {
  const nkey = useWatch({ control, name: `users.${i}.nkey` });
  const [pair, setPair] = useState<UserKeyPair | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const e = errors.users?.[i];
  const generate = async () => {
    setFailed(null);
    try {
      const kp = await generateUserKeyPair();
      setPair(kp);
      setValue(`users.${i}.nkey`, kp.publicKey, { shouldDirty: true, shouldValidate: true });
    } catch (err) {
      setFailed(`Could not generate a key pair: ${(err as Error).message}`);
    }
  };
  // The seed belongs to the public key in the field; once that changes, it is of no use here.
  const shown = pair && pair.publicKey === nkey ? pair : null;
  return (
    <div style={{ flex: '3 1 380px', minWidth: 0 }}>
      <div className="row" style={{ alignItems: 'flex-start' }}>
        <label className="field" style={{ flex: '1 1 260px' }}>
          <span>User nkey (public key)</span>
          <input {...register(`users.${i}.nkey`)} className="mono" placeholder="U…" aria-label={`User ${i + 1} nkey`} aria-invalid={!!e?.nkey} spellCheck={false} />
          <FieldError error={e?.nkey} />
        </label>
        <WriteButton onClick={() => void generate()} style={{ marginTop: 20 }} aria-label={`Generate an nkey pair for user ${i + 1}`}>
          Generate key pair
        </WriteButton>
      </div>
      {failed && <div className="alert error">{failed}</div>}
      {shown && <SeedNotice index={i} seed={shown.seed} onDismiss={() => setPair(null)} />}
    </div>
  );
}

/** The new seed, shown once: copy it now, it is stored nowhere. */
function SeedNotice({ index: i, seed, onDismiss }: { index: number; seed: string; onDismiss: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(seed);
      setCopied('yes');
    } catch {
      setCopied('no');
    }
  };
  return (
    <div className="alert warn seed-notice" data-testid={`user-${i}-seed`}>
      <strong>Copy this seed now: it is shown only once.</strong> It is the user’s secret key: whoever has it can connect as this user. It is not saved anywhere; the
      configuration keeps only the public key. Give it to the client (as an <code>.nk</code> seed file or in a credentials file).
      <div className="row" style={{ marginTop: 6, flexWrap: 'nowrap' }}>
        <input className="mono" readOnly value={seed} aria-label={`User ${i + 1} nkey seed`} onFocus={(ev) => ev.currentTarget.select()} style={{ flex: 1 }} />
        <button type="button" onClick={() => void copy()}>
          Copy seed
        </button>
      </div>
      <div className="row" style={{ marginTop: 6 }}>
        <span className="small" aria-live="polite">
          {copied === 'yes' ? 'Copied to the clipboard.' : copied === 'no' ? 'The browser refused the clipboard: select the seed and copy it by hand.' : ''}
        </span>
        <span className="spacer" />
        <button type="button" className="link" onClick={onDismiss}>
          I have stored it — hide the seed
        </button>
      </div>
    </div>
  );
}

function Permissions({ index: i, register, setValue, errors }: Pick<Props, 'index' | 'register' | 'setValue' | 'errors'>) {
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
        <WriteButton onClick={applyPreset} disabled={!presetSubject.trim()} disabledReason="Enter a subject first">
          Apply preset
        </WriteButton>
        <span className="hint">{PRESETS.find((p) => p.name === preset)?.help}</span>
      </div>
      <div className="grid cols-2" style={{ gridTemplateColumns: 'repeat(auto-fit, minmax(min(200px, 100%), 1fr))' }}>
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
  );
}
