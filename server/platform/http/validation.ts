/**
 * Request validation: one ajv per part of the request. JSON bodies are validated strictly — no
 * type coercion — so `null` stays `null` where a schema allows it (an optional time left empty)
 * and `{"name":123}` is refused instead of becoming the client "123". Query strings, path
 * parameters and headers are text on the wire, so they keep coercion ('array': `?page=2` is a
 * number, `?tag=a` a one-element list). Header schema keys must be lower case (a custom compiler
 * gets them as written).
 */
import { AjvCompiler, type ValidatorFactory } from '@fastify/ajv-compiler';
import type { FastifyServerOptions } from 'fastify';

/** ajv settings every part shares; `coerceTypes` is set per part below. */
export const AJV_OPTIONS = { allErrors: false, removeAdditional: false, useDefaults: true } as const;

/** The `schemaController` option for `Fastify(…)`: strict bodies, coercing query, params and headers. */
export function partAwareValidation(): NonNullable<FastifyServerOptions['schemaController']> {
  const pool = AjvCompiler();
  const buildValidator: ValidatorFactory = (externalSchemas, options) => {
    // The pool keys its ajv instances by options: two instances, reused by every encapsulated context.
    const plugins = options?.plugins ?? [];
    const text = pool(externalSchemas, { plugins, customOptions: { ...AJV_OPTIONS, coerceTypes: 'array' } });
    const json = pool(externalSchemas, { plugins, customOptions: { ...AJV_OPTIONS, coerceTypes: false } });
    return (route) => (route.httpPart === 'body' ? json : text)(route);
  };
  return { compilersFactory: { buildValidator } };
}
