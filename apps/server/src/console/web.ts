/*
 * The web app (apps/web/dist) at `/`: compressed (brotli or gzip, as the browser accepts),
 * content-hashed assets cached for a year as immutable, index.html revalidated on every load
 * (`no-cache`), and the SPA fallback (a path without a file extension gets index.html). Source
 * maps are not served unless asked for (`sourceMaps`).
 */
import compress from '@fastify/compress';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { existsSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { ApiHttpError, sendError } from './errors.js';

export interface WebOptions {
  webDir: string;
  /** Serve `*.map` files (default false). */
  sourceMaps?: boolean;
}

/** Vite's output names: `assets/<name>-<hash>.<ext>` (hash: 8 base64url characters). */
const HASHED = /(^|\/)assets\/.+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

export function cacheControlFor(path: string): string {
  return HASHED.test(path.replaceAll('\\', '/')) ? IMMUTABLE : REVALIDATE;
}

const NOT_BUILT =
  '<!doctype html><title>Switchboard</title><h1>Switchboard console</h1><p>The web app is not built. Run <code>npm run build -w apps/web</code> and reload.</p>' +
  '<p>Monitoring: <a href="/varz">/varz</a> <a href="/connz">/connz</a> <a href="/healthz">/healthz</a> · API: <a href="/api/openapi.json">/api/openapi.json</a></p>';

export async function webPlugin(app: FastifyInstance, opts: WebOptions): Promise<void> {
  const hasWeb = existsSync(join(opts.webDir, 'index.html'));
  await app.register(compress, { global: true, encodings: ['br', 'gzip'], threshold: 1024 });
  if (hasWeb) {
    await app.register(fastifyStatic, {
      root: opts.webDir,
      prefix: '/',
      wildcard: false,
      index: ['index.html'],
      cacheControl: false,
      globIgnore: opts.sourceMaps ? [] : ['**/*.map'],
      setHeaders: (reply: FastifyReply, path: string) => void reply.header('cache-control', cacheControlFor(relative(opts.webDir, path))),
    });
  }
  const notFound = (reply: FastifyReply, path: string) => sendError(reply, new ApiHttpError('NOT_FOUND', `no file ${path}`));
  // SPA fallback: client-side routes (no file extension) get the app; missing files get a 404.
  app.get('/*', async (req, reply) => {
    const path = req.url.split('?')[0];
    if (basename(path).includes('.')) return notFound(reply, path);
    reply.header('cache-control', REVALIDATE);
    if (hasWeb) return reply.type('text/html; charset=utf-8').sendFile('index.html');
    return reply.type('text/html; charset=utf-8').send(NOT_BUILT);
  });
  if (!hasWeb) app.get('/', async (_req, reply) => reply.header('cache-control', REVALIDATE).type('text/html; charset=utf-8').send(NOT_BUILT));
}
