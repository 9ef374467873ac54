// The front end's HTTP server: the page and its script, the page's configuration (which carries the
// front end's fault ui-drops-notification), its own /health for the sampler, and the backend's HTTP API
// under /api/ - proxied, so the page calls its own origin and the backend needs no CORS.
import { readFileSync } from 'node:fs';
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Health } from '../../../contract/http.ts';
import { UI_DROPPED_TYPE, type Faults } from '../faults.ts';

export const API_PREFIX = '/api/';

/** The page's configuration: `dropType` is the notification type the page does not render (fault ui-drops-notification). */
export interface PageConfig {
  dropType: string | null;
}

const STATIC: Record<string, [file: string, type: string]> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/style.css': ['style.css', 'text/css; charset=utf-8'],
};

export interface WebServerOptions {
  backendUrl: string;
  faults: Faults;
  /** The launcher's count of this component's restarts, for /health. */
  restarts: () => number;
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
}

const json = (res: ServerResponse, status: number, body: unknown) => send(res, status, 'application/json', JSON.stringify(body));

/** Forwards one call to the backend, path without /api; a backend that does not answer is a 502 in the API's error shape. */
function proxy(req: IncomingMessage, res: ServerResponse, backend: URL, agent: Agent): void {
  const upstream = request(
    {
      agent,
      host: backend.hostname,
      port: backend.port,
      method: req.method,
      path: req.url!.slice(API_PREFIX.length - 1),
      headers: { ...req.headers, host: backend.host },
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', (err) => {
    if (res.headersSent) return res.destroy();
    json(res, 502, { error: 'bad_gateway', message: `the backend did not answer: ${err.message}` });
  });
  req.pipe(upstream);
}

export function createWebServer({ backendUrl, faults, restarts }: WebServerOptions): Server {
  const backend = new URL(backendUrl);
  const agent = new Agent({ keepAlive: true });
  const files = Object.fromEntries(
    Object.entries(STATIC).map(([path, [file, type]]) => [
      path,
      { type, body: readFileSync(new URL(`./public/${file}`, import.meta.url)) },
    ]),
  );
  const config: PageConfig = { dropType: faults.uiDropsNotification ? UI_DROPPED_TYPE : null };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://web').pathname;
    if (path.startsWith(API_PREFIX)) return proxy(req, res, backend, agent);
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return json(res, 405, { error: 'method_not_allowed', message: `${req.method} ${path}` });
    if (path === '/config.json') return json(res, 200, config);
    if (path === '/health') {
      const health: Health = { status: 'ok', components: [{ name: 'web', state: 'up', restarts: restarts(), pid: process.pid }] };
      return json(res, 200, health);
    }
    const file = files[path];
    if (file) return send(res, 200, file.type, file.body);
    json(res, 404, { error: 'not_found', message: `no page ${path}` });
  });
  server.on('close', () => agent.destroy());
  return server;
}
