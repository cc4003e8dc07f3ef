/**
 * Names for the shapes the generated schema describes, so features say `ResponseBody<'/api/v1/walls/{id}', 'get'>`
 * instead of restating the server's contract by hand.
 */
import type { paths } from './schema';

export type ApiPath = keyof paths;
export type HttpMethod = 'get' | 'put' | 'post' | 'patch' | 'delete';
type Operation<P extends ApiPath, M extends HttpMethod> = NonNullable<paths[P][M]>;
type SuccessStatus = 200 | 201 | 202 | 206;
type JsonOf<R> = R extends { content: { 'application/json': infer T } } ? T : never;

/** The JSON a route answers on success (the union when it has several success statuses). */
export type ResponseBody<P extends ApiPath, M extends HttpMethod> =
  Operation<P, M> extends { responses: infer R } ? { [S in keyof R & SuccessStatus]: JsonOf<R[S]> }[keyof R & SuccessStatus] : never;

/** The JSON body a route takes. */
export type RequestBody<P extends ApiPath, M extends HttpMethod> = Operation<P, M> extends { requestBody?: infer B } ? JsonOf<NonNullable<B>> : never;

/** The query parameters a route takes. */
export type QueryParams<P extends ApiPath, M extends HttpMethod> = Operation<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
