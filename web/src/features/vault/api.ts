// The vault API as the web app sees it (shapes mirror server/modules/vault/vault.schemas.ts).
import { ApiError, get, patch, post, del } from '../../api/client';

export type Classification = 'internal' | 'confidential' | 'privileged' | 'client-secret';
export const CLASSIFICATIONS: Classification[] = ['internal', 'confidential', 'privileged', 'client-secret'];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
export interface ClientSummary {
  id: string;
  kind: 'person' | 'organisation';
  name: string;
  status: string;
  createdAt: number;
}
export interface Client extends ClientSummary {
  email: string | null;
  phone: string | null;
  address: string | null;
  identifiers: { type: string; value: string }[];
  updatedAt: number;
}
export interface Matter {
  id: string;
  clientId: string;
  number: string;
  title: string;
  practiceArea: string | null;
  jurisdiction: string | null;
  status: 'open' | 'pending' | 'closed';
  openedAt: number;
  closedAt: number | null;
  leadUserId: string;
}
export interface DocumentVersion {
  version: number;
  size: number;
  contentType: string;
  createdBy: string;
  createdAt: number;
}
export interface VaultDocument {
  id: string;
  matterId: string;
  name: string;
  classification: Classification;
  privileged: boolean;
  legalHold: boolean;
  currentVersion: number;
  size: number;
  contentType: string;
  createdAt: number;
  updatedAt: number;
  versions?: DocumentVersion[];
}
export interface Note {
  id: string;
  matterId: string;
  title: string;
  body: string;
  revision: number;
  updatedAt: number;
}
export interface PhysicalRecord {
  id: string;
  matterId: string;
  label: string;
  location: string;
  custodianUserId: string | null;
  status: 'in' | 'out';
  movements?: { action: string; userId: string; at: number }[];
}

export const vaultApi = {
  clients: (after?: string) => get<Page<ClientSummary>>(`/clients?limit=50${after ? `&after=${after}` : ''}`),
  client: (id: string) => get<Client>(`/clients/${id}`),
  createClient: (body: { kind: 'person' | 'organisation'; name: string; email?: string | null }) => post<Client>('/clients', body),
  matters: (clientId?: string, after?: string) => get<Page<Matter>>(`/matters?limit=50${clientId ? `&clientId=${clientId}` : ''}${after ? `&after=${after}` : ''}`),
  matter: (id: string) => get<Matter>(`/matters/${id}`),
  createMatter: (body: { clientId: string; title: string; practiceArea?: string | null; jurisdiction?: string | null }) => post<Matter>('/matters', body),
  documents: (matterId: string) => get<Page<VaultDocument>>(`/matters/${matterId}/documents?limit=200`),
  document: (id: string) => get<VaultDocument>(`/documents/${id}`),
  updateDocument: (id: string, body: { classification?: Classification; privileged?: boolean; name?: string }) => patch<VaultDocument>(`/documents/${id}`, body),
  notes: (matterId: string) => get<Page<Note>>(`/matters/${matterId}/notes?limit=200`),
  createNote: (matterId: string, body: { title: string; body: string }) => post<Note>(`/matters/${matterId}/notes`, body),
  updateNote: (id: string, body: { title?: string; body?: string; revision: number }) => patch<Note>(`/notes/${id}`, body),
  deleteNote: (id: string) => del<{ deleted: boolean }>(`/notes/${id}`),
  records: (matterId: string) => get<{ items: PhysicalRecord[] }>(`/matters/${matterId}/records`),
  createRecord: (matterId: string, body: { label: string; location: string }) => post<PhysicalRecord>(`/matters/${matterId}/records`, body),
  moveRecord: (id: string, action: 'check-out' | 'check-in') => post<PhysicalRecord>(`/records/${id}/${action}`, {}),
  sealStatus: () => get<{ sealed: boolean; provider: string; initialized: boolean }>('/seal-status'),
  unseal: (passphrase: string, setupToken?: string) => post<{ sealed: boolean }>('/unseal', setupToken ? { passphrase, setupToken } : { passphrase }),
};

export const contentUrl = (documentId: string, version?: number) => `/api/v1/documents/${documentId}/content${version ? `?version=${version}` : ''}`;

function csrfToken(): string | null {
  const match = document.cookie.split('; ').find((c) => c.startsWith('confidant_csrf='));
  return match ? decodeURIComponent(match.slice('confidant_csrf='.length)) : null;
}

/** base64url of the UTF-8 name: the name travels in a header, never in the URL. */
function encodeName(name: string): string {
  const bytes = new TextEncoder().encode(name);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Uploads with XMLHttpRequest (fetch cannot report upload progress). `onProgress` gets 0..1.
 * `target` is a matter (new document) or a document (new version).
 */
export function uploadFile(target: { matterId: string } | { documentId: string }, file: File, onProgress: (fraction: number) => void, classification?: Classification): Promise<VaultDocument> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const url = 'matterId' in target ? `/api/v1/matters/${target.matterId}/documents${classification ? `?classification=${classification}` : ''}` : `/api/v1/documents/${target.documentId}/versions`;
    xhr.open('POST', url);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.setRequestHeader('accept', 'application/json');
    if ('matterId' in target) xhr.setRequestHeader('x-document-name', encodeName(file.name));
    const token = csrfToken();
    if (token) xhr.setRequestHeader('x-csrf-token', token);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      const data = xhr.responseText ? (JSON.parse(xhr.responseText) as unknown) : undefined;
      if (xhr.status >= 200 && xhr.status < 300) return resolve(data as VaultDocument);
      const error = (data as { error?: { code: never; message: string; requestId: string; fields?: { path: string; message: string }[] } })?.error;
      reject(new ApiError(xhr.status, error?.code ?? 'INTERNAL_ERROR', error?.message ?? `Upload failed (${xhr.status})`, error?.requestId ?? null, error?.fields ?? []));
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK_ERROR', 'Cannot reach the server. Check your connection and try again.'));
    xhr.send(file);
  });
}
