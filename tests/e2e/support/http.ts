// A tiny HTTP client over fetch for the e2e tests: real requests on loopback, answers as {status, headers, body}.

// biome-ignore lint/suspicious/noExplicitAny: answers are JSON the tests assert on field by field.
export type Json = any;
export type Answer = { status: number; headers: Headers; body: Json; text: string; bytes: Buffer };
/** An access token, a device token (fld_) or an API key (flk_): all go in `Authorization: Bearer`. */
export type Token = string | undefined;

export type Api = {
  baseUrl: string;
  get(path: string, token?: Token): Promise<Answer>;
  post(path: string, body?: unknown, token?: Token): Promise<Answer>;
  patch(path: string, body: unknown, token?: Token): Promise<Answer>;
  put(path: string, body: unknown, token?: Token): Promise<Answer>;
  /** Anything else: a raw body (text, bytes, a FormData), other headers, another method. */
  send(
    method: string,
    path: string,
    opts?: { body?: string | Uint8Array | FormData; headers?: Record<string, string> },
  ): Promise<Answer>;
};

export function httpApi(baseUrl: string): Api {
  const send: Api['send'] = async (method, path, opts = {}) => {
    const res = await fetch(`${baseUrl}${path}`, { method, body: opts.body, headers: opts.headers });
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString('utf8');
    let body: unknown = text;
    if (res.headers.get('content-type')?.includes('application/json') && text) body = JSON.parse(text);
    return { status: res.status, headers: res.headers, body, text, bytes };
  };
  const json = (method: string) => (path: string, body: unknown, token?: Token) =>
    send(method, path, {
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    });
  return {
    baseUrl,
    get: (path, token) => send('GET', path, { headers: token ? { authorization: `Bearer ${token}` } : {} }),
    post: json('POST'),
    patch: json('PATCH'),
    put: json('PUT'),
    send,
  };
}
