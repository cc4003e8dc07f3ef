// The portal API as a client's contact sees it: calls through the generated client, shapes from the
// generated schema (server/modules/portal/portal.schemas.ts is the source of both).
import { api, apiErrorFrom, csrfToken, data, networkError } from '../../api/client';
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

/** base64url of the UTF-8 name: the name travels in a header, never in the URL. */
function encodeName(name: string): string {
  const bytes = new TextEncoder().encode(name);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Uploads one file to a matter with XMLHttpRequest (fetch cannot report upload progress), into a
 * file request when given. `onProgress` gets 0..1. The same CSRF header and ApiError as every
 * other call (as the vault's document upload does it).
 */
export function uploadToPortal(matterId: string, file: File, onProgress: (fraction: number) => void, fileRequestId?: string): Promise<PortalDocument> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    // The (confidential) file name travels in the x-document-name header only, never in the URL.
    const query = fileRequestId ? `?${new URLSearchParams({ fileRequestId }).toString()}` : '';
    xhr.open('POST', `/api/v1/portal/matters/${encodeURIComponent(matterId)}/uploads${query}`);
    xhr.withCredentials = true;
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader('x-document-name', encodeName(file.name));
    const token = csrfToken();
    if (token) xhr.setRequestHeader('x-csrf-token', token);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      let body: unknown;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body as PortalDocument);
      reject(apiErrorFrom(xhr.status, body, `Upload failed (${xhr.status})`));
    };
    xhr.onerror = () => reject(networkError());
    xhr.send(file);
  });
}
