import type { FastifyInstance, HTTPMethods, InjectOptions } from 'fastify';

/** A response with its JSON body parsed. */
export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: any;
}

/** Calls the app as one client would: with a session cookie and CSRF token, a token, or nothing. */
export class ApiClient {
  constructor(
    private readonly app: FastifyInstance,
    private readonly auth: { cookie?: string; csrf?: string; authorization?: string } = {},
  ) {}

  async request(
    method: HTTPMethods,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse> {
    const options: InjectOptions = {
      method,
      url,
      headers: {
        ...(this.auth.cookie ? { cookie: this.auth.cookie } : {}),
        ...(this.auth.csrf ? { 'x-csrf-token': this.auth.csrf } : {}),
        ...(this.auth.authorization ? { authorization: this.auth.authorization } : {}),
        ...headers,
      },
    };
    if (body !== undefined) options.payload = body as NonNullable<InjectOptions['payload']>;
    const response = await this.app.inject(options);
    const text = response.body;
    const json =
      /json/.test(String(response.headers['content-type'])) && text
        ? (JSON.parse(text) as unknown)
        : text;
    return { status: response.statusCode, headers: response.headers, body: json };
  }

  get(url: string) {
    return this.request('GET', url);
  }
  post(url: string, body?: unknown, headers?: Record<string, string>) {
    return this.request('POST', url, body, headers);
  }
  put(url: string, body: unknown, headers?: Record<string, string>) {
    return this.request('PUT', url, body, headers);
  }
  patch(url: string, body: unknown, headers?: Record<string, string>) {
    return this.request('PATCH', url, body, headers);
  }
  delete(url: string) {
    return this.request('DELETE', url);
  }
}
