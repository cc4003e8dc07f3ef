// The vault API as the web app sees it: calls through the generated client, shapes from the
// generated schema (server/modules/vault/vault.schemas.ts is the source of both).
import { api, apiErrorFrom, data } from '../../api/client';
import { uploadWithProgress } from '../../api/upload';
import type { RequestBody, ResponseBody } from '../../api/types';
import type { ArchiveProtection } from '../../components';

export type ClientSummary = ResponseBody<'/api/v1/clients', 'get'>['items'][number];
export type Client = ResponseBody<'/api/v1/clients/{clientId}', 'get'>;
export type Matter = ResponseBody<'/api/v1/matters/{matterId}', 'get'>;
export type VaultDocument = ResponseBody<'/api/v1/documents/{documentId}', 'get'>;
export type DocumentVersion = NonNullable<VaultDocument['versions']>[number];
export type Classification = VaultDocument['classification'];
export type RecentDocument = ResponseBody<'/api/v1/documents/recent', 'get'>['items'][number];
/** How an export is protected: a passphrase (the default) or age public keys. */
export type ExportProtection = ArchiveProtection;
export const CLASSIFICATIONS: Classification[] = ['internal', 'confidential', 'privileged', 'client-secret'];
export type Note = ResponseBody<'/api/v1/notes/{noteId}', 'get'>;
export type Party = NonNullable<Client['parties']>[number];
export type PartyInput = NonNullable<RequestBody<'/api/v1/clients', 'post'>['parties']>[number];
export type ConflictCheck = ResponseBody<'/api/v1/conflict-checks/{checkId}', 'get'>;
export type ConflictHit = NonNullable<ConflictCheck['hits']>[number];
export type IntakeRequest = ResponseBody<'/api/v1/conflict-checks/mine', 'get'>['items'][number];
export type PhysicalRecord = ResponseBody<'/api/v1/records/{recordId}', 'get'>;

export const vaultApi = {
  clients: (after?: string) => data(api.GET('/api/v1/clients', { params: { query: { limit: 50, after } } })),
  client: (clientId: string) => data(api.GET('/api/v1/clients/{clientId}', { params: { path: { clientId } } })),
  createClient: (body: RequestBody<'/api/v1/clients', 'post'>) => data(api.POST('/api/v1/clients', { body })),
  matters: (clientId?: string, after?: string) => data(api.GET('/api/v1/matters', { params: { query: { limit: 50, clientId, after } } })),
  matter: (matterId: string) => data(api.GET('/api/v1/matters/{matterId}', { params: { path: { matterId } } })),
  createMatter: (body: RequestBody<'/api/v1/matters', 'post'>) => data(api.POST('/api/v1/matters', { body })),
  updateClient: (clientId: string, body: RequestBody<'/api/v1/clients/{clientId}', 'patch'>) => data(api.PATCH('/api/v1/clients/{clientId}', { params: { path: { clientId } }, body })),
  updateMatter: (matterId: string, body: RequestBody<'/api/v1/matters/{matterId}', 'patch'>) => data(api.PATCH('/api/v1/matters/{matterId}', { params: { path: { matterId } }, body })),
  closeMatter: (matterId: string, body: RequestBody<'/api/v1/matters/{matterId}/close', 'post'>) => data(api.POST('/api/v1/matters/{matterId}/close', { params: { path: { matterId } }, body })),
  reopenMatter: (matterId: string) => data(api.POST('/api/v1/matters/{matterId}/reopen', { params: { path: { matterId } }, body: {} })),
  addParty: (clientId: string, body: RequestBody<'/api/v1/clients/{clientId}/parties', 'post'>) => data(api.POST('/api/v1/clients/{clientId}/parties', { params: { path: { clientId } }, body })),
  updateParty: (partyId: string, body: RequestBody<'/api/v1/parties/{partyId}', 'patch'>) => data(api.PATCH('/api/v1/parties/{partyId}', { params: { path: { partyId } }, body })),
  deleteParty: (partyId: string) => data(api.DELETE('/api/v1/parties/{partyId}', { params: { path: { partyId } } })),
  conflictChecks: (status?: ConflictCheck['status']) => data(api.GET('/api/v1/conflict-checks', { params: { query: { limit: 100, ...(status ? { status } : {}) } } })),
  conflictCheck: (checkId: string) => data(api.GET('/api/v1/conflict-checks/{checkId}', { params: { path: { checkId } } })),
  decideConflictCheck: (checkId: string, body: RequestBody<'/api/v1/conflict-checks/{checkId}/decide', 'post'>) => data(api.POST('/api/v1/conflict-checks/{checkId}/decide', { params: { path: { checkId } }, body })),
  myIntakes: () => data(api.GET('/api/v1/conflict-checks/mine', { params: { query: { limit: 50 } } })),
  documents: (matterId: string, options: { trashed?: boolean; after?: string } = {}) => data(api.GET('/api/v1/matters/{matterId}/documents', { params: { path: { matterId }, query: { limit: 200, ...options } } })),
  document: (documentId: string) => data(api.GET('/api/v1/documents/{documentId}', { params: { path: { documentId } } })),
  updateDocument: (documentId: string, body: RequestBody<'/api/v1/documents/{documentId}', 'patch'>) => data(api.PATCH('/api/v1/documents/{documentId}', { params: { path: { documentId } }, body })),
  trashDocument: (documentId: string) => data(api.POST('/api/v1/documents/{documentId}/trash', { params: { path: { documentId } } })),
  restoreDocument: (documentId: string) => data(api.POST('/api/v1/documents/{documentId}/restore', { params: { path: { documentId } } })),
  /** The newest documents in the matters the user may open (for the home page). */
  recentDocuments: (limit = 10) => data(api.GET('/api/v1/documents/recent', { params: { query: { limit } } })),
  /** A version's decrypted bytes, fetched with the session, for a preview (never put in the page as HTML). */
  documentContent: async (documentId: string, version?: number, signal?: AbortSignal): Promise<Blob> => {
    const result = await api.GET('/api/v1/documents/{documentId}/content', { params: { path: { documentId }, query: version ? { version } : {} }, parseAs: 'blob', headers: { accept: '*/*' }, ...(signal ? { signal } : {}) });
    if (!(result.data instanceof Blob)) throw apiErrorFrom(result.response.status, null, 'The document could not be read');
    return result.data;
  },
  notes: (matterId: string) => data(api.GET('/api/v1/matters/{matterId}/notes', { params: { path: { matterId }, query: { limit: 200 } } })),
  createNote: (matterId: string, body: RequestBody<'/api/v1/matters/{matterId}/notes', 'post'>) => data(api.POST('/api/v1/matters/{matterId}/notes', { params: { path: { matterId } }, body })),
  updateNote: (noteId: string, body: RequestBody<'/api/v1/notes/{noteId}', 'patch'>) => data(api.PATCH('/api/v1/notes/{noteId}', { params: { path: { noteId } }, body })),
  deleteNote: (noteId: string) => data(api.DELETE('/api/v1/notes/{noteId}', { params: { path: { noteId } } })),
  records: (matterId: string) => data(api.GET('/api/v1/matters/{matterId}/records', { params: { path: { matterId } } })),
  createRecord: (matterId: string, body: RequestBody<'/api/v1/matters/{matterId}/records', 'post'>) => data(api.POST('/api/v1/matters/{matterId}/records', { params: { path: { matterId } }, body })),
  moveRecord: (recordId: string, action: 'check-out' | 'check-in') =>
    data(action === 'check-out' ? api.POST('/api/v1/records/{recordId}/check-out', { params: { path: { recordId } } }) : api.POST('/api/v1/records/{recordId}/check-in', { params: { path: { recordId } }, body: {} })),
  sealStatus: () => data(api.GET('/api/v1/seal-status')),
  unseal: (passphrase: string, setupToken?: string) => data(api.POST('/api/v1/unseal', { body: setupToken ? { passphrase, setupToken } : { passphrase } })),
  /** The client's age archive, read as a Blob. */
  exportClient: async (clientId: string, protection: ExportProtection): Promise<Blob> => {
    const result = await api.POST('/api/v1/clients/{clientId}/export', { params: { path: { clientId } }, body: protection, parseAs: 'blob', headers: { accept: '*/*' } });
    if (!(result.data instanceof Blob)) throw apiErrorFrom(result.response.status, null, 'The export failed');
    return result.data;
  },
};

/** A document's content, for a plain link (the browser downloads it with the session cookie). */
export const contentUrl = (documentId: string, version?: number) => `/api/v1/documents/${documentId}/content${version ? `?version=${version}` : ''}`;


/** Uploads a new document to a matter, or a new version of a document, reporting progress (0..1). */
export function uploadFile(target: { matterId: string } | { documentId: string }, file: File, onProgress: (fraction: number) => void, classification?: Classification): Promise<VaultDocument> {
  const url = 'matterId' in target ? `/api/v1/matters/${target.matterId}/documents${classification ? `?classification=${classification}` : ''}` : `/api/v1/documents/${target.documentId}/versions`;
  return uploadWithProgress<VaultDocument>(url, file, onProgress, { sendName: 'matterId' in target });
}

