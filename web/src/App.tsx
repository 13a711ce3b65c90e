import type { ReactElement } from 'react';
import { MeProvider, useSession } from './auth.tsx';
import { Layout } from './components/Layout.tsx';
import { AccountPage } from './pages/AccountPage.tsx';
import { AdminSettingsPage } from './pages/AdminSettingsPage.tsx';
import { AdminUsersPage } from './pages/AdminUsersPage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { OutboxPage } from './pages/OutboxPage.tsx';
import { PasswordChangePage } from './pages/PasswordChangePage.tsx';
import { RunPage } from './pages/RunPage.tsx';
import { RunsPage } from './pages/RunsPage.tsx';
import { TaskEditorPage } from './pages/TaskEditorPage.tsx';
import { TaskImportPage } from './pages/TaskImportPage.tsx';
import { TasksPage } from './pages/TasksPage.tsx';
import { TokensPage } from './pages/TokensPage.tsx';
import { match, useLocation } from './router.tsx';

/** The page for a path. */
function Page({ path }: { path: string }) {
  const routes: Array<[string, (params: Record<string, string>) => ReactElement]> = [
    ['/', () => <TasksPage />],
    ['/tasks', () => <TasksPage />],
    ['/tasks/new', () => <TaskEditorPage taskId={null} />],
    ['/tasks/import', () => <TaskImportPage />],
    ['/tasks/:id', ({ id = '' }) => <TaskEditorPage taskId={id} />],
    ['/tasks/:id/runs', ({ id = '' }) => <RunsPage taskId={id} />],
    ['/runs', () => <RunsPage taskId={null} />],
    ['/runs/:id', ({ id = '' }) => <RunPage runId={id} />],
    ['/tokens', () => <TokensPage />],
    ['/account', () => <AccountPage />],
    ['/admin/users', () => <AdminUsersPage />],
    ['/admin/settings', () => <AdminSettingsPage />],
    ['/admin/outbox', () => <OutboxPage />],
  ];
  for (const [pattern, render] of routes) {
    const params = match(pattern, path);
    if (params) return render(params);
  }
  return <NotFoundPage />;
}

/**
 * The whole UI: the login form until someone is logged in, then the pages; only the form for
 * a password of their own while someone else's choice is still theirs.
 */
export function App() {
  const session = useSession();
  const { path } = useLocation();
  if (session.isPending) return <p className="loading">Loading…</p>;
  if (session.isError)
    return <p role="alert">The server cannot be reached: {session.error.message}</p>;
  if (!session.data) return <LoginPage />;
  if (session.data.mustChangePassword) return <PasswordChangePage me={session.data} />;
  return (
    <MeProvider me={session.data}>
      <Layout>
        <Page path={path} />
      </Layout>
    </MeProvider>
  );
}
