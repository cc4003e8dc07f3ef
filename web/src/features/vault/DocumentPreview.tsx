import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { Button, ErrorMessage, Loading } from '../../components';
import { formatBytes } from '../../lib/format';
import { contentUrl, vaultApi, type DocumentVersion, type VaultDocument } from './api';

/** Images the browser decodes as pictures only (no SVG: it is a document that can carry script). */
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp']);
const TEXT_TYPES = new Set(['text/plain', 'text/csv', 'application/json']);
/** Beyond this a preview would mean fetching and holding too much in the page: download instead. */
const MAX_PREVIEW_BYTES = 50 * 1024 * 1024;
/** Text beyond this is cut (with a note): the page stays responsive. */
const MAX_TEXT_CHARS = 1024 * 1024;

export type PreviewKind = 'image' | 'pdf' | 'text' | null;

/** How a content type is previewed, or null for "no preview — download". */
export function previewKind(contentType: string): PreviewKind {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (IMAGE_TYPES.has(type)) return 'image';
  if (type === 'application/pdf') return 'pdf';
  if (TEXT_TYPES.has(type)) return 'text';
  return null;
}

type Loaded = { kind: 'image' | 'pdf'; url: string } | { kind: 'text'; text: string; cut: boolean };

/**
 * A sandboxed view of a document's decrypted bytes, fetched with the session (audited as a read
 * like any download): images in an <img>, PDFs in an <iframe sandbox> without scripts, text as
 * text (React escapes it; never parsed as HTML). The blob URL is given the type chosen here, not
 * the stored one, and revoked when the preview closes. Anything else: "No preview — download".
 */
export function DocumentPreview({ document, version: chosen, onClose }: { document: VaultDocument; version?: DocumentVersion; onClose: () => void }) {
  const version = chosen?.version;
  const contentType = chosen?.contentType ?? document.contentType;
  const kind = previewKind(contentType);
  const size = chosen?.size ?? document.size;
  const previewable = kind !== null && size <= MAX_PREVIEW_BYTES;
  const titleId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const { data, error } = useQuery({
    queryKey: ['vault', 'preview', document.id, version ?? document.currentVersion],
    enabled: previewable,
    // Decrypted client content: never kept in the query cache once the preview closes.
    gcTime: 0,
    staleTime: Infinity,
    queryFn: async ({ signal }): Promise<Loaded> => {
      const blob = await vaultApi.documentContent(document.id, version, signal);
      if (kind === 'text') {
        const text = await blob.slice(0, MAX_TEXT_CHARS * 4).text();
        return { kind: 'text', text: text.slice(0, MAX_TEXT_CHARS), cut: text.length > MAX_TEXT_CHARS || blob.size > MAX_TEXT_CHARS * 4 };
      }
      const type = kind === 'pdf' ? 'application/pdf' : contentType.split(';')[0]!.trim().toLowerCase();
      return { kind: kind === 'pdf' ? 'pdf' : 'image', url: URL.createObjectURL(new Blob([blob], { type })) };
    },
  });
  useEffect(() => {
    if (data && data.kind !== 'text') return () => URL.revokeObjectURL(data.url);
    return undefined;
  }, [data]);
  const [zoomed, setZoomed] = useState(false);
  const label = `${document.name}${version ? `, version ${version}` : ''}`;

  return (
    <section className="document-preview" aria-labelledby={titleId}>
      <div className="document-preview-bar">
        <h3 id={titleId} ref={heading} tabIndex={-1}>
          Preview: {label}
        </h3>
        <a className="button button-secondary" href={contentUrl(document.id, version)} download>
          Download
        </a>
        <Button variant="secondary" onClick={onClose}>
          Close preview
        </Button>
      </div>
      {kind === null ? <p>No preview for this type of file — download it to open it.</p> : null}
      {kind !== null && !previewable ? <p>Too large to preview ({formatBytes(size)}) — download it to open it.</p> : null}
      {previewable && error ? <ErrorMessage error={error} title="The preview could not be loaded" /> : null}
      {previewable && !data && !error ? <Loading /> : null}
      {data?.kind === 'image' && (
        <button type="button" className="document-preview-image" onClick={() => setZoomed(!zoomed)} aria-pressed={zoomed} aria-label={zoomed ? 'Fit the image' : 'Show the image at full size'}>
          <img src={data.url} alt={`Preview of ${label}`} className={zoomed ? 'zoomed' : undefined} />
        </button>
      )}
      {/* No allow-scripts, no allow-same-origin: the PDF gets an opaque origin and runs nothing. */}
      {data?.kind === 'pdf' && <iframe title={`Preview of ${label}`} src={data.url} sandbox="" className="document-preview-frame" />}
      {data?.kind === 'text' && (
        <>
          <pre className="document-preview-text" tabIndex={0} aria-label={`Text of ${label}`}>
            {data.text}
          </pre>
          {data.cut ? <p className="field-hint">Only the beginning is shown — download the file for all of it.</p> : null}
        </>
      )}
    </section>
  );
}
