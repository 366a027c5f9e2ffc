import { useCallback, useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { CreateConsoleUserSchema } from '@switchboard/shared';
import { Table, type Column } from '../components/Table';
import { Empty, ErrorBox, Loading } from '../components/states';
import { ReadOnlyNotice, WriteButton, WriteFieldset } from '../components/WriteButton';
import { useUnsavedChanges } from '../components/UnsavedChanges';
import { Dialog, TypeToConfirm } from '../components/Dialog';
import { useSessionQuery } from '../auth/useSession';
import { formatTime } from '../lib/format';
import {
  addUserFieldErrors,
  removeBlockedReason,
  useAddConsoleUserMutation,
  useConsoleUsersQuery,
  useRemoveConsoleUserMutation,
  visibleUsers,
  type ConsoleUser,
  type ConsoleUserField,
  type CreateConsoleUser,
  type UserSort,
} from './useUsers';

function FieldError({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <span className="field-error" id={id} role="alert">
      {message}
    </span>
  );
}

/** The console's own sign-in users: list, add (admins), remove with a type-the-name confirmation. */
export function UsersPage() {
  const users = useConsoleUsersQuery();
  const me = useSessionQuery().data?.user;
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<{ key: UserSort; desc: boolean }>({ key: 'user', desc: false });
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const remove = useRemoveConsoleUserMutation();
  const all = users.data ?? [];
  // Stable, so that the dialogs keep their focus when this page re-renders.
  const closeAdd = useCallback(() => setAdding(false), []);
  const closeRemove = useCallback(() => setRemoving(null), []);

  const columns: Column<ConsoleUser>[] = [
    {
      key: 'user',
      label: 'User',
      sort: 'user',
      render: (u) => (
        <>
          <strong>{u.user}</strong> {u.user === me && <span className="badge">you</span>}
        </>
      ),
    },
    { key: 'role', label: 'Role', sort: 'role', render: (u) => <span className={`badge ${u.role === 'admin' ? 'warn' : ''}`}>{u.role}</span> },
    { key: 'createdAt', label: 'Created', sort: 'createdAt', render: (u) => <time dateTime={u.createdAt}>{formatTime(u.createdAt)}</time> },
    {
      key: 'actions',
      label: '',
      render: (u) => {
        const blocked = removeBlockedReason(all, u.user);
        return (
          <WriteButton
            className="danger"
            disabled={!!blocked}
            disabledReason={blocked}
            onClick={() => (remove.reset(), setNotice(null), setRemoving(u.user))}
            aria-label={`Remove user ${u.user}`}
          >
            Remove
          </WriteButton>
        );
      },
    },
  ];
  const rows = visibleUsers(all, filter, sort.key, sort.desc);

  return (
    <div>
      <div className="page-head">
        <h1>Console users</h1>
        <input placeholder="Filter users" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Filter users" />
        <WriteButton className="primary" onClick={() => (setNotice(null), setAdding(true))}>
          Add user
        </WriteButton>
      </div>
      <p className="muted small" style={{ marginTop: 0 }}>
        Who may sign in to this console. Admins change things; viewers see everything and change nothing. These are not NATS users (those live in the accounts).
      </p>
      <ReadOnlyNotice />
      {notice && (
        <div className="alert ok" role="status" data-testid="users-notice">
          {notice}
        </div>
      )}
      {users.isPending ? (
        <Loading what="Loading console users" />
      ) : users.error && !users.data ? (
        <ErrorBox action="load console users" error={users.error} onRetry={() => void users.refetch()} />
      ) : rows.length === 0 ? (
        <Empty>{filter ? 'No user matches.' : 'No console users.'}</Empty>
      ) : (
        <Table
          caption="Console users"
          columns={columns}
          rows={rows}
          rowKey={(u) => u.user}
          sort={sort.key}
          desc={sort.desc}
          onSort={(k) => setSort((s) => ({ key: k as UserSort, desc: s.key === k ? !s.desc : k === 'createdAt' }))}
        />
      )}
      {adding && (
        <AddUserDialog
          onClose={closeAdd}
          onAdded={(u) => {
            setAdding(false);
            setNotice(`Added ${u.role} ${u.user}. They can sign in now.`);
          }}
        />
      )}
      {removing && (
        <TypeToConfirm
          title={`Remove user ${removing}`}
          name={removing}
          what="user name"
          action="Remove user"
          busy={remove.isPending}
          onClose={closeRemove}
          onConfirm={() =>
            remove.mutate(
              { user: removing },
              {
                onSuccess: () => {
                  setNotice(`Removed ${removing}.`);
                  setRemoving(null);
                },
              },
            )
          }
        >
          <p>
            <strong>{removing}</strong> will no longer be able to sign in, and their open sessions end now.
          </p>
          {removing === me && <div className="alert warn">This is you: you will be signed out.</div>}
          {remove.error && <ErrorBox action="remove user" error={remove.error} />}
        </TypeToConfirm>
      )}
    </div>
  );
}

const EMPTY: CreateConsoleUser = { user: '', password: '', role: 'viewer' };

/** The "Add user" form: validated by the shared schema; the server's issues land on their fields. */
function AddUserDialog({ onClose, onAdded }: { onClose: () => void; onAdded: (u: CreateConsoleUser) => void }) {
  const add = useAddConsoleUserMutation();
  const { register, handleSubmit, formState, setError } = useForm<CreateConsoleUser>({
    resolver: zodResolver(CreateConsoleUserSchema),
    defaultValues: EMPTY,
    mode: 'onTouched',
  });
  const errors = formState.errors;
  const { prompt } = useUnsavedChanges(formState.isDirty, 'the new console user');
  const onValid = (v: CreateConsoleUser) =>
    add.mutate(v, {
      onSuccess: () => onAdded(v),
      onError: (e) => {
        for (const [field, message] of Object.entries(addUserFieldErrors(e))) setError(field as ConsoleUserField, { type: 'server', message });
      },
    });
  const invalid = (f: ConsoleUserField) => ({ 'aria-invalid': !!errors[f], 'aria-describedby': errors[f] ? `add-user-${f}-error` : undefined });

  return (
    <Dialog title="Add console user" onClose={onClose}>
      <form onSubmit={handleSubmit(onValid)} noValidate aria-label="Add console user">
        <WriteFieldset>
          <label className="field">
            <span>User name</span>
            <input {...register('user')} {...invalid('user')} autoComplete="off" spellCheck={false} />
            <FieldError id="add-user-user-error" message={errors.user?.message} />
          </label>
          <label className="field">
            <span>Password</span>
            <input type="password" {...register('password')} {...invalid('password')} autoComplete="new-password" />
            <span className="hint">At least 8 characters. Give it to the user over a safe channel.</span>
            <FieldError id="add-user-password-error" message={errors.password?.message} />
          </label>
          <label className="field">
            <span>Role</span>
            <select {...register('role')} {...invalid('role')}>
              <option value="viewer">viewer — sees everything, changes nothing</option>
              <option value="admin">admin — may change the configuration and users</option>
            </select>
            <FieldError id="add-user-role-error" message={errors.role?.message} />
          </label>
        </WriteFieldset>
        {add.error && <ErrorBox action="add user" error={add.error} />}
        <div className="actions">
          <button type="button" onClick={onClose} data-close>
            Cancel
          </button>
          <WriteButton type="submit" className="primary" disabled={add.isPending}>
            {add.isPending ? 'Adding…' : 'Add user'}
          </WriteButton>
        </div>
      </form>
      {prompt}
    </Dialog>
  );
}
