import { useEffect, useState, type ReactNode } from 'react';
import { useLogOut, useMe } from '../auth.tsx';
import { Link, useLocation } from '../router.tsx';

type Theme = 'light' | 'dark' | 'system';

/** Follows the chosen theme (kept in this browser), or the system's. */
function useTheme(): [Theme, (theme: Theme) => void] {
  const [theme, setTheme] = useState<Theme>(
    () => (localStorage.getItem('theme') as Theme | null) ?? 'system',
  );
  useEffect(() => {
    localStorage.setItem('theme', theme);
    if (theme === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
  }, [theme]);
  return [theme, setTheme];
}

function NavLink({ href, children }: { href: string; children: ReactNode }) {
  const { path } = useLocation();
  const current = path === href || (href !== '/' && path.startsWith(`${href}/`));
  return (
    <Link href={href} aria-current={current ? 'page' : undefined}>
      {children}
    </Link>
  );
}

/** The frame of every page: navigation, theme, who is logged in. */
export function Layout({ children }: { children: ReactNode }) {
  const me = useMe();
  const logOut = useLogOut();
  const [theme, setTheme] = useTheme();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link href="/" className="brand">
          Task Planner
        </Link>
        <nav aria-label="Main">
          <NavLink href="/tasks">Tasks</NavLink>
          <NavLink href="/runs">Runs</NavLink>
          <NavLink href="/tokens">API tokens</NavLink>
          {me.can.manageUsers && <NavLink href="/admin/users">Users</NavLink>}
          {me.can.manageSettings && <NavLink href="/admin/settings">Settings</NavLink>}
          {me.can.manageMail && <NavLink href="/admin/outbox">Outbox</NavLink>}
        </nav>
        <div className="who">
          <label>
            <span className="visually-hidden">Theme</span>
            <select value={theme} onChange={(event) => setTheme(event.target.value as Theme)}>
              <option value="system">System theme</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          </label>
          <NavLink href="/account">
            <span className="visually-hidden">Your account: </span>
            {me.displayName}
          </NavLink>
          <button type="button" onClick={() => void logOut()}>
            Log out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
