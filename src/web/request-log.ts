import type { FastifyRequest } from 'fastify';

/**
 * Query parameters that are secrets in themselves: the status page's key (k), a download link's
 * signature (s) and a CSRF token. Whoever reads the log must not be able to replay them.
 */
const SECRET_PARAMS = new Set(['k', 's', '_csrf']);
/** Paths whose last segment is a one-time sign-in token. */
const SECRET_PATH = /^(\/admin\/masuk\/)[^/?#]+/;

/** The URL as the request log shows it: secrets replaced, everything else kept for tracing. */
export function redactUrl(url: string): string {
  const query = url.indexOf('?');
  const path = (query < 0 ? url : url.slice(0, query)).replace(SECRET_PATH, '$1[redacted]');
  if (query < 0) return path;
  const params = url
    .slice(query + 1)
    .split('&')
    .map((pair) => {
      const name = pair.split('=', 1)[0] ?? '';
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replaceAll('+', ' '));
      } catch {
        // A malformed name is logged as sent; it cannot be one of ours.
      }
      return SECRET_PARAMS.has(decoded) ? `${name}=[redacted]` : pair;
    });
  return `${path}?${params.join('&')}`;
}

/** fastify's request serializer with the URL redacted. */
export function requestSerializer(req: FastifyRequest) {
  return {
    method: req.method,
    url: redactUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}
