// The audit API as the web app sees it: calls through the generated client, shapes from the
// generated schema (server/audit/audit.routes.ts declares both).
import { api, data } from '../../api/client';
import type { QueryParams, ResponseBody } from '../../api/types';

export type EventPage = ResponseBody<'/api/v1/audit/events', 'get'>;
/** Names for the ids of an answer (every audit answer that shows ids carries them). */
export type Names = EventPage['names'];
export type AuditEvent = EventPage['events'][number];
export type Checkpoint = ResponseBody<'/api/v1/audit/checkpoint', 'get'>;
export type InclusionProof = ResponseBody<'/api/v1/audit/proofs/inclusion', 'get'>;
export type Alert = ResponseBody<'/api/v1/audit/alerts', 'get'>['alerts'][number];
export type EventFilter = QueryParams<'/api/v1/audit/events', 'get'>;
export type AccessSummary = ResponseBody<'/api/v1/audit/reports/access', 'get'>['actors'][number];
export type PersonMatterReport = ResponseBody<'/api/v1/audit/reports/person-matter', 'get'>;
export type BreachScope = ResponseBody<'/api/v1/audit/reports/breach-scope', 'get'>;

/** Form fields left empty are not sent (the server would refuse an empty id). */
function present<T extends object>(params: T): T {
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined && value !== '')) as T;
}

export const auditApi = {
  events: (filter: EventFilter) => data(api.GET('/api/v1/audit/events', { params: { query: present(filter) } })),
  checkpoint: () => data(api.GET('/api/v1/audit/checkpoint')),
  signCheckpoint: () => data(api.POST('/api/v1/audit/checkpoints')),
  inclusion: (index: number, treeSize: number) => data(api.GET('/api/v1/audit/proofs/inclusion', { params: { query: { index, treeSize } } })),
  alerts: (status?: 'open' | 'acknowledged') => data(api.GET('/api/v1/audit/alerts', { params: { query: present({ status }) } })),
  acknowledge: (id: string) => data(api.POST('/api/v1/audit/alerts/{id}/acknowledge', { params: { path: { id } } })),
  /** Opens an incident from the alert, with its evidence (the compliance officer; once per alert). */
  openIncident: (alertId: string) => data(api.POST('/api/v1/incidents/from-alert', { body: { alertId } })),
  access: (target: QueryParams<'/api/v1/audit/reports/access', 'get'>) => data(api.GET('/api/v1/audit/reports/access', { params: { query: present(target) } })),
  personMatter: (params: QueryParams<'/api/v1/audit/reports/person-matter', 'get'>) => data(api.GET('/api/v1/audit/reports/person-matter', { params: { query: params } })),
  breachScope: (params: QueryParams<'/api/v1/audit/reports/breach-scope', 'get'>) => data(api.GET('/api/v1/audit/reports/breach-scope', { params: { query: params } })),
};
