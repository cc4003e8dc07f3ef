/**
 * A raw upload with XMLHttpRequest, not the typed client: fetch cannot report upload progress.
 * `onProgress` gets 0..1. The file's (confidential) name travels base64url in the
 * x-document-name header when `sendName`, never in the URL. Same CSRF header and the same
 * ApiError as every other call.
 */
import { apiErrorFrom, csrfToken, networkError } from './client';

/** base64url of the UTF-8 name. */
export function encodeDocumentName(name: string): string {
  const bytes = new TextEncoder().encode(name);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function uploadWithProgress<T>(url: string, file: File, onProgress: (fraction: number) => void, options: { sendName: boolean }): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.withCredentials = true;
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.setRequestHeader('accept', 'application/json');
    if (options.sendName) xhr.setRequestHeader('x-document-name', encodeDocumentName(file.name));
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
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body as T);
      reject(apiErrorFrom(xhr.status, body, `Upload failed (${xhr.status})`));
    };
    xhr.onerror = () => reject(networkError());
    xhr.send(file);
  });
}
