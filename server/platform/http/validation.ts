/**
 * Request validation: one ajv per part of the request. JSON bodies are validated strictly — no
 * type coercion — so `null` stays `null` where a schema allows it (an optional time left empty)
 * and `{"name":123}` is refused instead of becoming the client "123". Query strings, path
 * parameters and headers are text on the wire, so they keep coercion ('array': `?page=2` is a
 * number, `?tag=a` a one-element list). Header schema keys must be lower case (a custom compiler
 * gets them as written). Coerced text is refused when it becomes a number that is not finite
 * (`?limit=1e309`, `?limit=Infinity`): ajv turns such text into `Infinity` and then skips its
 * range checks for it.
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
    return (route) => (route.httpPart === 'body' ? json(route) : finiteNumbersOnly(text(route)));
  };
  return { compilersFactory: { buildValidator } };
}

type Validate = ReturnType<ReturnType<ReturnType<typeof AjvCompiler>>>;

/** Wraps a coercing validator: a value ajv accepted is refused when it holds a non-finite number. */
function finiteNumbersOnly(validate: Validate): Validate {
  const wrapper = ((...args: Parameters<Validate>) => {
    const result = validate(...args);
    wrapper.errors = validate.errors;
    if (result !== true) return result;
    const path = nonFinitePath(args[0], '');
    if (path === null) return true;
    wrapper.errors = [{ instancePath: path, schemaPath: '', keyword: 'type', params: { type: 'number' }, message: 'must be a finite number' }];
    return false;
  }) as Validate;
  // ajv's own properties (fastify lets ajv write a coerced root value back only when it sees `schemaEnv`).
  return Object.assign(wrapper, validate);
}

function nonFinitePath(value: unknown, path: string): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : path;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, inner] of Object.entries(value)) {
    const found = nonFinitePath(inner, `${path}/${key}`);
    if (found !== null) return found;
  }
  return null;
}
