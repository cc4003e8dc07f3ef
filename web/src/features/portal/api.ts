// The portal API as a client's contact sees it: calls through the generated client, shapes from the
// generated schema (server/modules/portal/portal.schemas.ts is the source of both).
import { api, data } from '../../api/client';
import { uploadWithProgress } from '../../api/upload';
import type { RequestBody, ResponseBody } from '../../api/types';

export type PortalHome = ResponseBody<'/api/v1/portal/home', 'get'>;
export type PortalMatter = PortalHome['matters'][number];
export type PortalNotice = NonNullable<PortalHome['notice']>;
export type ConsentRequest = PortalHome['consentRequests'][number];
export type Thread = ResponseBody<'/api/v1/portal/threads', 'get'>['items'][number];
export type ThreadDetail = ResponseBody<'/api/v1/portal/threads/{threadId}', 'get'>;
export type Message = ThreadDetail['messages'][number];
export type NewThread = RequestBody<'/api/v1/portal/matters/{matterId}/threads', 'post'>;
export type NewMessage = RequestBody<'/api/v1/portal/threads/{threadId}/messages', 'post'>;
export type PortalDocument = ResponseBody<'/api/v1/portal/documents', 'get'>['items'][number];
export type FileRequest = ResponseBody<'/api/v1/portal/file-requests', 'get'>['items'][number];
export type Person = ResponseBody<'/api/v1/portal/people', 'get'>['items'][number];
export type Activity = ResponseBody<'/api/v1/portal/activity', 'get'>;
export type ActivityEntry = Activity['items'][number];
export type PortalConsent = ResponseBody<'/api/v1/portal/consents', 'get'>['items'][number];
export type PortalExport = ResponseBody<'/api/v1/portal/export-requests', 'get'>['items'][number];
export type PortalDisclosure = ResponseBody<'/api/v1/portal/disclosures', 'get'>['items'][number];

/** The query keys of the portal's lists: every mutation invalidates the ones it changes. */
export const portalKeys = {
  all: ['portal'] as const,
  home: ['portal', 'home'] as const,
  threads: ['portal', 'threads'] as const,
  thread: (threadId: string) => ['portal', 'threads', threadId] as const,
  documents: ['portal', 'documents'] as const,
  fileRequests: ['portal', 'file-requests'] as const,
  people: ['portal', 'people'] as const,
  activity: ['portal', 'activity'] as const,
  consents: ['portal', 'consents'] as const,
  disclosures: ['portal', 'disclosures'] as const,
  exports: ['portal', 'exports'] as const,
};

export const portalApi = {
  home: () => data(api.GET('/api/v1/portal/home')),
  decide: (requestId: string, decision: 'give' | 'decline', noticeId: string) => data(api.POST('/api/v1/portal/consent-requests/{requestId}', { params: { path: { requestId } }, body: { decision, noticeId } })),
  threads: () => data(api.GET('/api/v1/portal/threads')),
  thread: (threadId: string) => data(api.GET('/api/v1/portal/threads/{threadId}', { params: { path: { threadId } } })),
  startThread: (matterId: string, body: NewThread) => data(api.POST('/api/v1/portal/matters/{matterId}/threads', { params: { path: { matterId } }, body })),
  reply: (threadId: string, body: NewMessage) => data(api.POST('/api/v1/portal/threads/{threadId}/messages', { params: { path: { threadId } }, body })),
  documents: () => data(api.GET('/api/v1/portal/documents')),
  fileRequests: () => data(api.GET('/api/v1/portal/file-requests')),
  people: () => data(api.GET('/api/v1/portal/people')),
  activity: (before?: number) => data(api.GET('/api/v1/portal/activity', { params: { query: before === undefined ? {} : { before } } })),
  consents: () => data(api.GET('/api/v1/portal/consents')),
  withdraw: (consentId: string) => data(api.POST('/api/v1/portal/consents/{consentId}/withdraw', { params: { path: { consentId } } })),
  disclosures: () => data(api.GET('/api/v1/portal/disclosures')),
  exports: () => data(api.GET('/api/v1/portal/export-requests')),
  requestExport: (body: RequestBody<'/api/v1/portal/export-requests', 'post'>) => data(api.POST('/api/v1/portal/export-requests', { body })),
  // The firm's tamper-evident log: any signed-in person may ask for its checkpoint and proofs.
  checkpoint: () => data(api.GET('/api/v1/audit/checkpoint')),
  inclusion: (index: number, treeSize: number) => data(api.GET('/api/v1/audit/proofs/inclusion', { params: { query: { index, treeSize } } })),
};

/** A document's content, for a plain link (the browser downloads it with the session cookie). */
export const portalContentUrl = (documentId: string) => `/api/v1/portal/documents/${encodeURIComponent(documentId)}/content`;

/** A made export, for a plain link (an age file the browser saves). */
export const portalExportUrl = (exportRequestId: string) => `/api/v1/portal/export-requests/${encodeURIComponent(exportRequestId)}/archive`;

/** Uploads one file to one of the contact's matters (into a file request when given), reporting progress (0..1). */
export function uploadToPortal(matterId: string, file: File, onProgress: (fraction: number) => void, fileRequestId?: string): Promise<PortalDocument> {
  const query = fileRequestId ? `?${new URLSearchParams({ fileRequestId }).toString()}` : '';
  return uploadWithProgress<PortalDocument>(`/api/v1/portal/matters/${encodeURIComponent(matterId)}/uploads${query}`, file, onProgress, { sendName: true });
}
