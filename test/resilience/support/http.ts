import http from 'node:http';

/** One HTTP exchange as the client saw it: a response, or the network error that replaced it. */
export interface Exchange {
  status: number; // 0 when there was no response
  error?: string; // ECONNRESET, ECONNREFUSED, TIMEOUT, ...
  headers: http.IncomingHttpHeaders;
  text: string;
  body: unknown;
  startedAt: number;
  endedAt: number;
  ms: number;
}

export interface SendOptions {
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string or Buffer as is (set Content-Type yourself). */
  body?: unknown;
  timeoutMs?: number;
  /** Default: a fresh connection per request, so no exchange inherits a socket the server closed. */
  agent?: http.Agent | false;
}

/**
 * A raw node:http request: the path goes on the wire exactly as given (malformed percent
 * escapes included), and a dropped connection is reported instead of thrown.
 */
export function send(baseUrl: string, method: string, path: string, options: SendOptions = {}): Promise<Exchange> {
  const url = new URL(baseUrl);
  const headers: Record<string, string | number> = { ...options.headers };
  let payload: Buffer | undefined;
  if (options.body !== undefined) {
    if (Buffer.isBuffer(options.body)) payload = options.body;
    else if (typeof options.body === 'string') payload = Buffer.from(options.body, 'utf8');
    else {
      payload = Buffer.from(JSON.stringify(options.body), 'utf8');
      headers['Content-Type'] ??= 'application/json';
    }
    headers['Content-Length'] ??= payload.length;
  }
  const startedAt = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (partial: Partial<Exchange>) => {
      if (settled) return;
      settled = true;
      const endedAt = Date.now();
      resolve({ status: 0, headers: {}, text: '', body: undefined, ...partial, startedAt, endedAt, ms: endedAt - startedAt });
    };
    let req: http.ClientRequest;
    try {
      req = http.request(
        { host: url.hostname, port: url.port, method, path, headers, agent: options.agent ?? false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error: NodeJS.ErrnoException) => finish({ error: error.code ?? error.message }));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = text;
            if (/json/.test(String(res.headers['content-type']))) {
              try {
                body = JSON.parse(text);
              } catch {
                body = text;
              }
            }
            finish({ status: res.statusCode ?? 0, headers: res.headers, text, body });
          });
        },
      );
    } catch (error) {
      finish({ error: `CLIENT_${(error as NodeJS.ErrnoException).code ?? 'ERROR'}` });
      return;
    }
    req.on('error', (error: NodeJS.ErrnoException) => finish({ error: error.code ?? error.message }));
    if (options.timeoutMs) {
      req.setTimeout(options.timeoutMs, () => {
        finish({ error: 'TIMEOUT' });
        req.destroy();
      });
    }
    req.end(payload);
  });
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export async function login(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await send(baseUrl, 'POST', '/api/v1/auth/login', { body: { username, password }, timeoutMs: 60_000 });
  if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${res.error ?? res.text}`);
  return (res.body as { access_token: string }).access_token;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns true or the time is up; returns whether it did. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, intervalMs = 200): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}
