import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { useLoginMutation } from './useSession';
import { ErrorBox } from '../components/states';

const LoginSchema = z.object({
  user: z.string().min(1, 'enter your user name'),
  password: z.string().min(1, 'enter your password'),
});
type LoginForm = z.infer<typeof LoginSchema>;

export function LoginPage() {
  const login = useLoginMutation();
  const { register, handleSubmit, formState } = useForm<LoginForm>({ resolver: zodResolver(LoginSchema), defaultValues: { user: 'admin', password: '' } });
  return (
    <div className="login">
      <div className="panel">
        <h1>Switchboard console</h1>
        <p className="muted">Sign in as <code>admin</code> to operate the server, or as <code>viewer</code> to look around.</p>
        <form onSubmit={handleSubmit((v) => login.mutate(v))} noValidate>
          <label className="field">
            <span>User</span>
            <input autoComplete="username" {...register('user')} aria-invalid={!!formState.errors.user} />
            {formState.errors.user && <span className="field-error">{formState.errors.user.message}</span>}
          </label>
          <label className="field">
            <span>Password</span>
            <input type="password" autoComplete="current-password" {...register('password')} aria-invalid={!!formState.errors.password} autoFocus />
            {formState.errors.password && <span className="field-error">{formState.errors.password.message}</span>}
          </label>
          {login.error && <ErrorBox action="sign in" error={login.error} />}
          <button type="submit" className="primary" disabled={login.isPending}>
            {login.isPending ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </div>
    </div>
  );
}
