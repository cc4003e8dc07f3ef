// The incidents module's API as the web app sees it: calls through the generated client, shapes
// from the generated schema (server/modules/incidents/incidents.schemas.ts is the source of both).
import { api, data } from '../../api/client';
import type { RequestBody, ResponseBody } from '../../api/types';

export type Incident = ResponseBody<'/api/v1/incidents/{id}', 'get'>;
export type IncidentSummary = ResponseBody<'/api/v1/incidents', 'get'>['items'][number];
export type Status = Incident['status'];
export type Severity = Incident['severity'];
export type Regime = ResponseBody<'/api/v1/incidents/regimes', 'get'>['items'][number];
export type Clock = Incident['clocks'][number];
export type Scope = NonNullable<Incident['scope']>;
export type Containment = Incident['containments'][number];
export type CorrectiveAction = Incident['actions'][number];
export type TimelineEntry = Incident['timeline'][number];
export type ReportInput = RequestBody<'/api/v1/incidents', 'post'>;
export type ScopeInput = RequestBody<'/api/v1/incidents/{id}/scope', 'post'>;
export type ContainInput = RequestBody<'/api/v1/incidents/{id}/containment', 'post'>;
export type ActionInput = RequestBody<'/api/v1/incidents/{id}/actions', 'post'>;
export type Letter = ResponseBody<'/api/v1/incidents/{id}/notifications', 'get'>['items'][number];
export type LetterInput = RequestBody<'/api/v1/incidents/{id}/notifications', 'post'>;

/** Query keys: every change invalidates everything under `all`. */
export const incidentKeys = {
  all: ['incidents'] as const,
  list: (open: boolean) => ['incidents', 'list', open] as const,
  one: (id: string) => ['incidents', 'one', id] as const,
  regimes: ['incidents', 'regimes'] as const,
};

const path = (id: string) => ({ params: { path: { id } } });

export const incidentsApi = {
  list: (open: boolean) => data(api.GET('/api/v1/incidents', { params: { query: open ? { open: true } : {} } })),
  report: (body: ReportInput) => data(api.POST('/api/v1/incidents', { body })),
  get: (id: string) => data(api.GET('/api/v1/incidents/{id}', path(id))),
  regimes: () => data(api.GET('/api/v1/incidents/regimes')),
  advance: (id: string, to: Status, note?: string) => data(api.POST('/api/v1/incidents/{id}/advance', { ...path(id), body: note ? { to, note } : { to } })),
  note: (id: string, text: string) => data(api.POST('/api/v1/incidents/{id}/notes', { ...path(id), body: { text } })),
  setRegimes: (id: string, regimes: string[]) => data(api.PUT('/api/v1/incidents/{id}/regimes', { ...path(id), body: { regimes } })),
  scope: (id: string, body: ScopeInput) => data(api.POST('/api/v1/incidents/{id}/scope', { ...path(id), body })),
  contain: (id: string, body: ContainInput) => data(api.POST('/api/v1/incidents/{id}/containment', { ...path(id), body })),
  reverse: (id: string, containmentId: string) => data(api.POST('/api/v1/incidents/{id}/containment/{containmentId}/reverse', { params: { path: { id, containmentId } } })),
  addAction: (id: string, body: ActionInput) => data(api.POST('/api/v1/incidents/{id}/actions', { ...path(id), body })),
  actionDone: (id: string, actionId: string) => data(api.POST('/api/v1/incidents/{id}/actions/{actionId}/done', { params: { path: { id, actionId } } })),
  letters: (id: string) => data(api.GET('/api/v1/incidents/{id}/notifications', path(id))),
  draftLetter: (id: string, body: LetterInput) => data(api.POST('/api/v1/incidents/{id}/notifications', { ...path(id), body })),
  editLetter: (id: string, notificationId: string, body: { subject?: string; body?: string }) => data(api.PATCH('/api/v1/incidents/{id}/notifications/{notificationId}', { params: { path: { id, notificationId } }, body })),
  approveLetter: (id: string, notificationId: string) => data(api.POST('/api/v1/incidents/{id}/notifications/{notificationId}/approve', { params: { path: { id, notificationId } } })),
  sendLetter: (id: string, notificationId: string) => data(api.POST('/api/v1/incidents/{id}/notifications/{notificationId}/send', { params: { path: { id, notificationId } } })),
};

/** The letter as PDF (a plain link: the session cookie authenticates it). */
export const letterPdfUrl = (id: string, notificationId: string) => `/api/v1/incidents/${encodeURIComponent(id)}/notifications/${encodeURIComponent(notificationId)}/pdf`;
