import { NavLink, Navigate, Route, Routes } from 'react-router';
import { Loading, ErrorBox } from './components/states';
import { LoginPage } from './auth/LoginPage';
import { useLogoutMutation, useSessionQuery } from './auth/useSession';
import { OverviewPage } from './overview/OverviewPage';
import { AccountsPage } from './accounts/AccountsPage';
import { ImportExportMapPage } from './accounts/ImportExportMapPage';
import { HistoryPage } from './config/HistoryPage';
import { ConfigFilePage } from './config/ConfigFilePage';
import { GatewaysPage } from './gateways/GatewaysPage';
import { ConnectionsPage } from './connections/ConnectionsPage';
import { OpsPage } from './ops/OpsPage';
import { AuditPage } from './audit/AuditPage';
import { UsersPage } from './users/UsersPage';
import { MessagesPage } from './messages/MessagesPage';
import { ApiError } from './api/client';

const NAV = [
  { to: '/', label: 'Overview', end: true },
  { to: '/accounts', label: 'Accounts' },
  { to: '/map', label: 'Import/export map' },
  { to: '/gateways', label: 'Gateways & routes' },
  { to: '/connections', label: 'Connections' },
  { to: '/messages', label: 'Messages' },
  { to: '/config', label: 'Config file' },
  { to: '/history', label: 'Config history' },
  { to: '/ops', label: 'Operations' },
  { to: '/users', label: 'Console users' },
  { to: '/audit', label: 'Audit log' },
];

export function App() {
  const session = useSessionQuery();
  const logout = useLogoutMutation();
  if (session.isPending) return <Loading what="Checking your session" />;
  if (session.error && !(session.error instanceof ApiError && session.error.status === 401)) {
    return (
      <div className="login">
        <ErrorBox action="reach the console server" error={session.error} onRetry={() => void session.refetch()} />
      </div>
    );
  }
  if (!session.data) return <LoginPage />;
  const me = session.data;
  return (
    <div className="layout">
      <aside className="sidebar">
        <div className="brand">Switchboard</div>
        <nav aria-label="Main">
          {NAV.map((n) => (
            <NavLink key={n.to} to={n.to} end={n.end} className={({ isActive }) => (isActive ? 'active' : undefined)}>
              {n.label}
            </NavLink>
          ))}
        </nav>
        <div className="who">
          <div>
            Signed in as <strong data-testid="whoami">{me.user}</strong> ({me.role})
          </div>
          <button type="button" onClick={() => logout.mutate()}>
            Sign out
          </button>
        </div>
      </aside>
      <main className="main">
        <Routes>
          <Route path="/" element={<OverviewPage />} />
          <Route path="/accounts" element={<AccountsPage />} />
          <Route path="/accounts/:name" element={<AccountsPage />} />
          <Route path="/map" element={<ImportExportMapPage />} />
          <Route path="/gateways" element={<GatewaysPage />} />
          <Route path="/connections" element={<ConnectionsPage />} />
          <Route path="/connections/:cid" element={<ConnectionsPage />} />
          <Route path="/messages" element={<MessagesPage />} />
          <Route path="/config" element={<ConfigFilePage />} />
          <Route path="/history" element={<HistoryPage />} />
          <Route path="/ops" element={<OpsPage />} />
          <Route path="/users" element={<UsersPage />} />
          <Route path="/audit" element={<AuditPage />} />
          <Route path="/login" element={<Navigate to="/" replace />} />
          <Route path="*" element={<div className="empty">No such page. <NavLink to="/">Go to the overview</NavLink></div>} />
        </Routes>
      </main>
    </div>
  );
}
