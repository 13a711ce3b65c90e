import { useQuery } from '@tanstack/react-query';
import { api } from '../api.ts';

/** Why the last sign-in with the provider did not work, as the server sent the browser back. */
function ssoError(): string | null {
  return new URLSearchParams(window.location.search).get('ssoError');
}

/** Where the provider's sign-in should come back to: this page, without the old error. */
function returnPath(): string {
  const url = new URL(window.location.href);
  url.searchParams.delete('ssoError');
  return `${url.pathname}${url.search}`;
}

/**
 * "Sign in with <provider>" when single sign-on is set up, and the reason the last attempt
 * failed. A plain link, styled as a secondary button below the login form's own: the browser
 * goes to the provider and comes back logged in.
 */
export function SingleSignOn() {
  const provider = useQuery({
    queryKey: ['sso'],
    queryFn: () => api<{ enabled: boolean; name: string | null }>('GET', '/session/oidc'),
    staleTime: 60_000,
  });
  const error = ssoError();
  const start = `/api/v1/session/oidc/start?returnTo=${encodeURIComponent(returnPath())}`;
  return (
    <>
      {error && (
        <p role="alert" className="error">
          Single sign-on did not work: {error}
        </p>
      )}
      {provider.data?.enabled && (
        <div className="sso">
          <p className="sso-or">or</p>
          <a className="button" href={start}>
            Sign in with {provider.data.name}
          </a>
        </div>
      )}
    </>
  );
}
