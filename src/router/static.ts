/**
 * Static sites as App Platform serves them: the file if it exists, a folder's index_document, else the
 * catchall_document (SPA, status 200), else the error_document (status 404). Content types, ETags, 304s.
 * No request can escape the output folder: `..`, encoded or not, and symlinks pointing out are refused. Dotfiles
 * (`.env`, `.git/`, `.do/`) are never served, whatever the folder holds: 404 as if absent (issue 17).
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';

// mime-types builds its tables from mime-db (~2,000 types) as it loads, ~6 ms of every start of the CLI: it is
// loaded when the first static file is served.
let mime: typeof import('mime-types') | undefined;
const contentType = (ext: string) =>
  (mime ??= createRequire(import.meta.url)('mime-types') as typeof import('mime-types')).contentType(ext) ||
  'application/octet-stream';

export interface StaticSiteOptions {
  root: string;
  indexDocument: string;
  errorDocument: string;
  catchallDocument?: string;
}

type Found = { file: string; size: number; mtime: Date };

async function fileIn(root: string, rel: string): Promise<Found | undefined> {
  const abs = path.resolve(root, '.' + path.posix.sep + rel);
  if (abs !== root && !abs.startsWith(root + path.sep)) return undefined;
  try {
    const real = await realpath(abs);
    if (real !== root && !real.startsWith(root + path.sep)) return undefined; // a symlink pointing out
    const s = await stat(real);
    return s.isFile() ? { file: real, size: s.size, mtime: s.mtime } : undefined;
  } catch {
    return undefined;
  }
}

/** Serves one request; returns the status sent. */
export async function serveStatic(
  site: StaticSiteOptions,
  req: IncomingMessage,
  res: ServerResponse,
  upstreamPath: string,
): Promise<number> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-length': 0 }).end();
    return 405;
  }
  const root = await realpath(site.root).catch(() => path.resolve(site.root));
  let rel: string;
  try {
    rel = decodeURIComponent(upstreamPath.split('?')[0]!);
  } catch {
    res.writeHead(400, { 'content-length': 0 }).end();
    return 400;
  }
  const segments = rel.split(/[\\/]/);
  if (rel.includes('\0') || segments.includes('..')) {
    res.writeHead(400, { 'content-type': 'text/plain', 'content-length': 23 }).end('path outside the site.\n');
    return 400;
  }
  let status = 200;
  const hidden = segments.some((s) => s.startsWith('.') && s !== '.' && s !== '.well-known');
  let found = hidden
    ? undefined
    : ((await fileIn(root, rel)) ?? (await fileIn(root, path.posix.join(rel, site.indexDocument))));
  if (!found && site.catchallDocument) found = await fileIn(root, site.catchallDocument);
  if (!found) {
    status = 404;
    found = await fileIn(root, site.errorDocument);
    if (!found) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'content-length': 10 }).end('Not Found\n');
      return 404;
    }
  }
  const etag = `W/"${found.size.toString(16)}-${found.mtime.getTime().toString(16)}"`;
  const headers = {
    'content-type': contentType(path.extname(found.file)),
    'content-length': found.size,
    etag,
    'last-modified': found.mtime.toUTCString(),
    'cache-control': 'public, max-age=0, must-revalidate',
  };
  if (status === 200 && req.headers['if-none-match'] === etag) {
    res.writeHead(304, { etag, 'last-modified': headers['last-modified'] }).end();
    return 304;
  }
  res.writeHead(status, headers);
  if (req.method === 'HEAD') {
    res.end();
    return status;
  }
  createReadStream(found.file)
    .on('error', () => res.destroy())
    .pipe(res);
  return status;
}
