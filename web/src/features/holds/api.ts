// Legal holds as the web app sees them: calls through the generated client, shapes from the
// generated schema (server/modules/retention/retention.schemas.ts is the source of both).
import { api, data } from '../../api/client';
import type { PickerOption } from '../../components';
import type { QueryParams, RequestBody, ResponseBody } from '../../api/types';

export type Hold = ResponseBody<'/api/v1/legal-holds/{id}', 'get'>;
export type HoldInput = RequestBody<'/api/v1/legal-holds', 'post'>;
export type HoldScope = Hold['scope'];
export type HoldFilter = QueryParams<'/api/v1/legal-holds', 'get'>;
export type HoldNotice = ResponseBody<'/api/v1/legal-holds/notices', 'get'>['items'][number];
export type MatterDocument = ResponseBody<'/api/v1/matters/{matterId}/documents', 'get'>['items'][number];

export const holdKeys = {
  all: ['holds'] as const,
  list: (filter: HoldFilter) => ['holds', 'list', filter] as const,
  hold: (id: string) => ['holds', 'hold', id] as const,
  notices: ['holds', 'notices'] as const,
  documents: (matterId: string) => ['holds', 'documents', matterId] as const,
  matter: (matterId: string) => ['holds', 'matter', matterId] as const,
};

export const holdsApi = {
  list: (filter: HoldFilter = {}) => data(api.GET('/api/v1/legal-holds', { params: { query: filter } })),
  hold: (id: string) => data(api.GET('/api/v1/legal-holds/{id}', { params: { path: { id } } })),
  place: (body: HoldInput) => data(api.POST('/api/v1/legal-holds', { body })),
  release: (id: string, reason: string) =>
    data(
      api.POST('/api/v1/legal-holds/{id}/release', {
        params: { path: { id } },
        body: { reason },
      }),
    ),
  notices: () => data(api.GET('/api/v1/legal-holds/notices')),
  acknowledge: (id: string) =>
    data(
      api.POST('/api/v1/legal-holds/{id}/acknowledge', {
        params: { path: { id } },
      }),
    ),
  // What the form chooses among (the vault's routes): a matter, and its documents.
  matter: (matterId: string) => data(api.GET('/api/v1/matters/{matterId}', { params: { path: { matterId } } })),
  documents: (matterId: string) =>
    data(
      api.GET('/api/v1/matters/{matterId}/documents', {
        params: { path: { matterId }, query: { limit: 200 } },
      }),
    ),
};

/** A matter chosen by number where the chooser may not open it (the compliance officer): the client comes with it. */
export interface MatterChoice extends PickerOption {
  clientId: string;
}

/** Matters by the start of their number, with their client (the compliance officer's oversight search). */
export async function searchMattersWithClient(query: string, signal?: AbortSignal): Promise<MatterChoice[]> {
  const found = await data(
    api.POST('/api/v1/walls/targets/search', {
      body: { query, limit: 10 },
      signal,
    }),
  );
  return found.matters.map((m) => ({
    id: m.id,
    clientId: m.clientId,
    label: m.title ? `${m.number} — ${m.title}` : m.number,
    ...(m.clientName ? { detail: m.clientName } : {}),
  }));
}
