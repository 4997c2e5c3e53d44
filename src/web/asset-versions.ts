import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** For an asset asked for by its content's version: that URL never names other bytes. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Asked for without its version (an old page, a typed URL): the browser checks again each time. */
const UNVERSIONED = 'no-cache';

/** A file the pages load (stylesheet, script, icon), read once, with the URL that names its version. */
export interface Asset {
  readonly path: string;
  readonly type: string;
  readonly body: Buffer;
  readonly version: string;
  /** `path?v=<version>`: what pages link. */
  readonly url: string;
}

/** A short hash of the bytes: a new release that changes the file changes its URL. */
export function versionOf(body: Buffer | string): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 16);
}

export function asset(path: string, type: string, body: Buffer | string): Asset {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const version = versionOf(bytes);
  return { path, type, body: bytes, version, url: `${path}?v=${version}` };
}

/** The cache header for a request of an asset whose current version is `version`. */
export function assetCacheControl(req: FastifyRequest, version: string): string {
  return (req.query as { v?: unknown } | undefined)?.v === version ? IMMUTABLE : UNVERSIONED;
}

function sendAsset(req: FastifyRequest, reply: FastifyReply, file: Asset): FastifyReply {
  return reply.type(file.type).header('cache-control', assetCacheControl(req, file.version)).send(file.body);
}

/** Serves each asset at its path. */
export function serveAssets(fastify: FastifyInstance, assets: readonly Asset[]): void {
  for (const file of assets) fastify.get(file.path, async (req, reply) => sendAsset(req, reply, file));
}

/**
 * The files of a folder served under `prefix` (by @fastify/static), each with its content's version:
 * a page's links to them get `?v=`, and a request naming the current version may be kept for good.
 */
export class VersionedFolder {
  readonly #prefix: string;
  readonly #versions = new Map<string, string>();

  constructor(prefix: string, dir: string) {
    this.#prefix = prefix;
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isFile()) this.#versions.set(name, versionOf(readFileSync(path)));
    }
  }

  /** The page with every src or href to a file of the folder, and to the icon, naming its version. */
  link(page: string, icon: Asset): string {
    return page.replace(/(src|href)="([^"?#]+)"/g, (whole, attr: string, url: string) => {
      if (url === icon.path) return `${attr}="${icon.url}"`;
      const version = url.startsWith(this.#prefix) ? this.#versions.get(url.slice(this.#prefix.length)) : undefined;
      return version ? `${attr}="${url}?v=${version}"` : whole;
    });
  }

  /** The cache header for a request of one of the folder's files, or null for any other URL. */
  cacheControl(req: FastifyRequest): string | null {
    const path = req.url.split('?')[0] ?? '';
    if (!path.startsWith(this.#prefix)) return null;
    const version = this.#versions.get(path.slice(this.#prefix.length));
    return version ? assetCacheControl(req, version) : null;
  }
}
