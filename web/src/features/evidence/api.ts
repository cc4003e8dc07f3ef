// The evidence module's API as the web app sees it: calls through the generated client, shapes
// from the generated schema (server/modules/evidence/evidence.schemas.ts is the source of both).
import { api, apiErrorFrom, data } from '../../api/client';
import type { RequestBody, ResponseBody } from '../../api/types';

export type Activity = ResponseBody<'/api/v1/compliance/processing-activities', 'get'>['items'][number];
export type ActivityInput = RequestBody<'/api/v1/compliance/processing-activities', 'post'>;
export type ActivityPatch = RequestBody<'/api/v1/compliance/processing-activities/{id}', 'patch'>;
export type ActivityRole = Activity['role'];
export type Register = ResponseBody<'/api/v1/compliance/registers', 'get'>['items'][number];
export type RegisterName = 'processing-activities' | 'disclosures' | 'training' | 'agreements' | 'policies' | 'access-reviews' | 'backups';
export type RegisterFormat = 'csv' | 'pdf';

/** A downloaded file and the name the server gave it. */
export interface DownloadedFile {
  blob: Blob;
  fileName: string;
}

/** Query keys: every change invalidates everything under `all` (the lists are small). */
export const evidenceKeys = {
  all: ['evidence'] as const,
  activities: (includeRetired: boolean) => ['evidence', 'activities', includeRetired] as const,
  registers: ['evidence', 'registers'] as const,
  publicKey: ['audit', 'public-key'] as const,
};

/** The file name from `content-disposition: attachment; filename="…"`, else `fallback`. */
export function fileNameOf(response: Response, fallback: string): string {
  const header = response.headers.get('content-disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(header)?.[1] ?? /filename=([^;]+)/.exec(header)?.[1]?.trim();
  return name && !/[\\/]/.test(name) ? name : fallback;
}

async function fileOf(request: Promise<{ data?: unknown; response: Response }>, fallback: string, what: string): Promise<DownloadedFile> {
  const result = await request;
  if (!(result.data instanceof Blob)) throw apiErrorFrom(result.response.status, null, `${what} could not be downloaded`);
  return { blob: result.data, fileName: fileNameOf(result.response, fallback) };
}

const path = (id: string) => ({ params: { path: { id } } });

export const evidenceApi = {
  activities: (includeRetired: boolean) => data(api.GET('/api/v1/compliance/processing-activities', { params: { query: includeRetired ? { includeRetired: true } : {} } })),
  createActivity: (body: ActivityInput) => data(api.POST('/api/v1/compliance/processing-activities', { body })),
  changeActivity: (id: string, body: ActivityPatch) => data(api.PATCH('/api/v1/compliance/processing-activities/{id}', { ...path(id), body })),
  retireActivity: (id: string) => data(api.POST('/api/v1/compliance/processing-activities/{id}/retire', path(id))),
  registers: () => data(api.GET('/api/v1/compliance/registers')),
  register: (register: RegisterName, format: RegisterFormat) =>
    fileOf(api.GET('/api/v1/compliance/registers/{register}', { params: { path: { register }, query: { format } }, parseAs: 'blob', headers: { accept: '*/*' } }), `${register}.${format}`, 'The register'),
  /** The signed evidence pack (needs a fresh second factor: STEP_UP_REQUIRED otherwise). */
  evidencePack: () => fileOf(api.POST('/api/v1/compliance/evidence-pack', { parseAs: 'blob', headers: { accept: '*/*' } }), `evidence-pack-${new Date().toISOString().slice(0, 10)}.zip`, 'The evidence pack'),
  publicKey: () => data(api.GET('/api/v1/audit/public-key')),
};
