/** One cookie a server set, as the jar keeps it. */
interface StoredCookie {
  name: string;
  value: string;
  path: string;
}

/**
 * The cookies of one origin, kept the way a browser keeps them for requests that follow
 * redirects by hand: a later Set-Cookie of the same name and path replaces an earlier one,
 * an expired or emptied cookie is removed, and a request carries the cookies whose path
 * matches its own (RFC 6265, 5.1.4). Domain, Secure and SameSite are not looked at: the jar
 * serves one test server.
 */
export class CookieJar {
  readonly #cookies = new Map<string, StoredCookie>();

  /** Takes the Set-Cookie headers of a response. */
  store(response: Response): void {
    for (const header of response.headers.getSetCookie()) this.#storeOne(header);
  }

  /** The Cookie header for a request to url, or undefined when no cookie applies. */
  header(url: URL): string | undefined {
    const matching = [...this.#cookies.values()].filter((cookie) =>
      pathMatches(url.pathname, cookie.path),
    );
    if (matching.length === 0) return undefined;
    return matching.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
  }

  #storeOne(header: string): void {
    const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
    const separator = pair.indexOf('=');
    const name = pair.slice(0, separator);
    const value = pair.slice(separator + 1);
    let path = '/';
    let expired = value === '';
    for (const attribute of attributes) {
      const [key = '', argument = ''] = attribute.split('=', 2);
      const lower = key.toLowerCase();
      if (lower === 'path' && argument.startsWith('/')) path = argument;
      if (lower === 'max-age' && Number(argument) <= 0) expired = true;
      if (lower === 'expires' && Date.parse(argument) <= Date.now()) expired = true;
    }
    const key = `${name};${path}`;
    if (expired) this.#cookies.delete(key);
    else this.#cookies.set(key, { name, value, path });
  }
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}
