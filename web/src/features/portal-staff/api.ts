// The staff side of the client portal as the web app sees it: calls through the generated client,
// shapes from the generated schema (server/modules/portal/portal.schemas.ts is the source of both).
import { api, data } from '../../api/client';
import type { RequestBody, ResponseBody } from '../../api/types';

export type PortalContact = ResponseBody<'/api/v1/clients/{clientId}/portal-contacts', 'get'>['items'][number];
export type InvitationInput = RequestBody<'/api/v1/clients/{clientId}/portal-invitations', 'post'>;
export type Invitation = ResponseBody<'/api/v1/clients/{clientId}/portal-invitations', 'post'>;
export type Thread = ResponseBody<'/api/v1/matters/{matterId}/threads', 'get'>['items'][number];
export type ThreadDetail = ResponseBody<'/api/v1/threads/{threadId}', 'get'>;
export type Message = ThreadDetail['messages'][number];
export type FileRequest = ResponseBody<'/api/v1/matters/{matterId}/file-requests', 'get'>['items'][number];
export type PortalShare = ResponseBody<'/api/v1/documents/{documentId}/portal-shares', 'get'>['items'][number];
export type ExportRequest = ResponseBody<'/api/v1/clients/{clientId}/export-requests', 'get'>['items'][number];
export type MatterDocument = ResponseBody<'/api/v1/matters/{matterId}/documents', 'get'>['items'][number];

/** Query keys: a thread sits under its matter's threads, so refreshing the list refreshes the open thread too. */
export const portalKeys = {
  contacts: (clientId: string) => ['portal-staff', 'contacts', clientId] as const,
  threads: (matterId: string) => ['portal-staff', 'threads', matterId] as const,
  thread: (matterId: string, threadId: string) => ['portal-staff', 'threads', matterId, threadId] as const,
  fileRequests: (matterId: string) => ['portal-staff', 'file-requests', matterId] as const,
  documents: (matterId: string) => ['portal-staff', 'documents', matterId] as const,
  shares: (documentId: string) => ['portal-staff', 'shares', documentId] as const,
  exports: (clientId: string) => ['portal-staff', 'exports', clientId] as const,
};

export const portalStaffApi = {
  contacts: (clientId: string) => data(api.GET('/api/v1/clients/{clientId}/portal-contacts', { params: { path: { clientId } } })),
  invite: (clientId: string, body: InvitationInput) => data(api.POST('/api/v1/clients/{clientId}/portal-invitations', { params: { path: { clientId } }, body })),
  disable: (contactId: string) => data(api.POST('/api/v1/portal-contacts/{contactId}/disable', { params: { path: { contactId } } })),
  setMatters: (contactId: string, body: RequestBody<'/api/v1/portal-contacts/{contactId}/matters', 'put'>) => data(api.PUT('/api/v1/portal-contacts/{contactId}/matters', { params: { path: { contactId } }, body })),

  threads: (matterId: string) => data(api.GET('/api/v1/matters/{matterId}/threads', { params: { path: { matterId } } })),
  thread: (threadId: string) => data(api.GET('/api/v1/threads/{threadId}', { params: { path: { threadId } } })),
  startThread: (matterId: string, body: RequestBody<'/api/v1/matters/{matterId}/threads', 'post'>) => data(api.POST('/api/v1/matters/{matterId}/threads', { params: { path: { matterId } }, body })),
  reply: (threadId: string, body: RequestBody<'/api/v1/threads/{threadId}/messages', 'post'>) => data(api.POST('/api/v1/threads/{threadId}/messages', { params: { path: { threadId } }, body })),

  fileRequests: (matterId: string) => data(api.GET('/api/v1/matters/{matterId}/file-requests', { params: { path: { matterId } } })),
  askForFiles: (matterId: string, title: string) => data(api.POST('/api/v1/matters/{matterId}/file-requests', { params: { path: { matterId } }, body: { title } })),
  closeFileRequest: (fileRequestId: string) => data(api.POST('/api/v1/file-requests/{fileRequestId}/close', { params: { path: { fileRequestId } } })),

  shares: (documentId: string) => data(api.GET('/api/v1/documents/{documentId}/portal-shares', { params: { path: { documentId } } })),
  share: (documentId: string, contactId: string) => data(api.POST('/api/v1/documents/{documentId}/portal-shares', { params: { path: { documentId } }, body: { contactId } })),
  endShare: (documentId: string, shareId: string) => data(api.POST('/api/v1/documents/{documentId}/portal-shares/{shareId}/revoke', { params: { path: { documentId, shareId } } })),

  exportRequests: (clientId: string) => data(api.GET('/api/v1/clients/{clientId}/export-requests', { params: { path: { clientId } } })),
  approveExport: (exportRequestId: string) => data(api.POST('/api/v1/export-requests/{exportRequestId}/approve', { params: { path: { exportRequestId } } })),
  declineExport: (exportRequestId: string) => data(api.POST('/api/v1/export-requests/{exportRequestId}/decline', { params: { path: { exportRequestId } } })),

  /** The matter's documents, to choose attachments among (the same call as the Documents tab). */
  documents: (matterId: string) => data(api.GET('/api/v1/matters/{matterId}/documents', { params: { path: { matterId }, query: { limit: 200 } } })),
};

/** A document's current content, for a plain link (the browser downloads it with the session cookie). */
export const documentUrl = (documentId: string) => `/api/v1/documents/${encodeURIComponent(documentId)}/content`;

/** A person's name, or what to say when it is gone. */
export const nameOf = (name: string | null | undefined, fallback = 'a former staff member') => name ?? fallback;

/** A matter by its number (and title where shown). */
export function matterName(matter: { number: string | null; title: string | null }): string {
  if (!matter.number) return 'a matter not shown to you';
  return matter.title ? `${matter.number} — ${matter.title}` : matter.number;
}
