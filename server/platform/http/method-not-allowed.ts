/**
 * 405 for a known API path asked with a method it does not answer (`DELETE /api/v1/matters`), with
 * the `Allow` header listing the methods it does; any other unknown route stays 404. The routes
 * are recorded as they are added (an `onRoute` hook), so nothing restates the route table.
 */
import type { FastifyInstance } from 'fastify';

interface KnownPath {
  pattern: RegExp;
  methods: Set<string>;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `/api/v1/matters/:matterId` → a pattern matching one concrete path segment per parameter. */
function patternOf(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : escape(segment)))
    .join('/');
  return new RegExp(`^${source}/?$`);
}

/** Records every route under `prefix` (call before any route is added); `allowedMethods(path)` answers from them. */
export function trackKnownPaths(app: FastifyInstance, prefix: string): { allowedMethods(path: string): string[] } {
  const known = new Map<string, KnownPath>();
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith(prefix)) return;
    const entry = known.get(route.url) ?? { pattern: patternOf(route.url), methods: new Set<string>() };
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) entry.methods.add(method.toUpperCase());
    known.set(route.url, entry);
  });
  return {
    allowedMethods(path) {
      const methods = new Set<string>();
      for (const entry of known.values()) if (entry.pattern.test(path)) for (const method of entry.methods) methods.add(method);
      return [...methods].sort();
    },
  };
}
