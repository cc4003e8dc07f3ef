import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';

type HelmetMiddleware = (req: unknown, res: { setHeader(name: string, value: string): void; removeHeader(name: string): void }, next: (error?: unknown) => void) => void;
type HelmetFactory = (options: Record<string, unknown>) => HelmetMiddleware;

// helmet itself, as installed with @fastify/helmet (its dependency): that plugin rebuilds helmet's
// middleware on every request (parsing the CSP each time, several % of a small request's cost),
// while our headers never vary, so we compute them once with helmet and set them as a block.
const requireFromHelmetPlugin = createRequire(createRequire(import.meta.url).resolve('@fastify/helmet'));
const helmet = requireFromHelmetPlugin('helmet') as HelmetFactory;

/** The headers helmet would send for our policy: CSP without inline scripts, no framing, HSTS under TLS. */
export function securityHeaderValues(options: { tls: boolean }): Record<string, string> {
  const headers: Record<string, string> = {};
  const middleware = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        // blob: — document previews show decrypted bytes the page fetched itself (images in <img>,
        // PDFs in an <iframe sandbox> without scripts); only our own scripts can mint blob URLs.
        imgSrc: ["'self'", 'data:', 'blob:'],
        frameSrc: ['blob:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(options.tls ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: options.tls ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
  });
  let failure: unknown = null;
  middleware(
    {},
    {
      setHeader: (name, value) => {
        headers[name.toLowerCase()] = String(value);
      },
      removeHeader: (name) => {
        delete headers[name.toLowerCase()];
      },
    },
    (error) => {
      failure = error ?? null;
    },
  );
  if (failure !== null) throw failure;
  return headers;
}

/** Strict headers on every response, computed once at startup. */
export async function registerSecurityHeaders(app: FastifyInstance, options: { tls: boolean }): Promise<void> {
  const headers = securityHeaderValues(options);
  if (!headers['content-security-policy']) throw new Error('security headers: no CSP computed');
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}
