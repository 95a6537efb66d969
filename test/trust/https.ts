/** A small HTTPS client for tests: status, headers and body text. */
import { request } from 'node:https';

export interface HttpsResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function https(
  port: number,
  path: string,
  opts: {
    method?: string;
    body?: string | Buffer;
    headers?: Record<string, string>;
    ca?: string;
    cert?: string;
    key?: string;
  } = {},
): Promise<HttpsResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: opts.method ?? 'GET',
        servername: 'localhost',
        headers: opts.headers,
        ca: opts.ca,
        cert: opts.cert,
        key: opts.key,
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.end(opts.body);
    else req.end();
  });
}

export const basic = (user: string, secret: string) => ({
  Authorization: 'Basic ' + Buffer.from(`${user}:${secret}`).toString('base64'),
});
