import { useMutation, useQuery } from '@tanstack/react-query';
import { useRef, useState, type DragEvent } from 'react';
import { ErrorMessage, Loading, Select } from '../../components';
import { formatBytes, formatTime } from '../../lib/format';
import { CLASSIFICATIONS, contentUrl, uploadFile, vaultApi, type Classification, type VaultDocument } from './api';

function ClassificationBadge({ value, privileged }: { value: Classification; privileged: boolean }) {
  return (
    <>
      <span className={`badge badge-${value}`}>{value}</span>
      {privileged && <span className="badge badge-privilege">privileged</span>}
    </>
  );
}

interface Transfer {
  name: string;
  fraction: number;
}

/** Documents of a matter: drag-and-drop (or pick) to upload with progress, download, versions, reclassify. */
export function DocumentsPanel({ matterId }: { matterId: string }) {
  const { data, error, refetch } = useQuery({ queryKey: ['vault', 'documents', matterId], queryFn: () => vaultApi.documents(matterId) });
  const reload = () => void refetch();
  const [transfers, setTransfers] = useState<Transfer[]>([]);
  const [uploadError, setUploadError] = useState<unknown>(null);
  const [dragging, setDragging] = useState(false);
  const [classification, setClassification] = useState<Classification>('confidential');
  const picker = useRef<HTMLInputElement>(null);

  const send = async (files: File[]) => {
    setUploadError(null);
    for (const file of files) {
      setTransfers((t) => [...t, { name: file.name, fraction: 0 }]);
      try {
        await uploadFile({ matterId }, file, (fraction) => setTransfers((t) => t.map((x) => (x.name === file.name ? { ...x, fraction } : x))), classification);
      } catch (e) {
        setUploadError(e);
      } finally {
        setTransfers((t) => t.filter((x) => x.name !== file.name));
      }
    }
    reload();
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    void send(Array.from(event.dataTransfer.files));
  };

  return (
    <section aria-labelledby="documents-title" className="vault-panel">
      <h2 id="documents-title">Documents</h2>
      <div
        className={`dropzone${dragging ? ' dropzone-active' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="dropzone"
      >
        <p>Drop files here to upload them, encrypted, to this matter — or</p>
        <label className="button button-secondary">
          choose files
          <input ref={picker} type="file" multiple className="visually-hidden" onChange={(e) => void send(Array.from(e.target.files ?? []))} />
        </label>
        <Select label="Classification for new uploads" value={classification} onChange={(e) => setClassification(e.target.value as Classification)} options={CLASSIFICATIONS.map((c) => ({ value: c, label: c }))} />
      </div>
      {transfers.map((t) => (
        <p key={t.name}>
          <label>
            Uploading {t.name} <progress max={1} value={t.fraction} aria-label={`Upload progress of ${t.name}`} /> {Math.round(t.fraction * 100)}%
          </label>
        </p>
      ))}
      {uploadError ? <ErrorMessage error={uploadError} title="Upload failed" /> : null}
      {error ? <ErrorMessage error={error} /> : null}
      {!data && !error ? <Loading /> : null}
      {data && data.items.length === 0 ? <p>No documents yet.</p> : null}
      {data && data.items.length > 0 && (
        <table className="vault-table">
          <caption className="visually-hidden">Documents</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Classification</th>
              <th scope="col">Type</th>
              <th scope="col">Size</th>
              <th scope="col">Version</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((document) => (
              <DocumentRow key={document.id} document={document} onChanged={reload} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function DocumentRow({ document, onChanged }: { document: VaultDocument; onChanged: () => void }) {
  const [versions, setVersions] = useState<VaultDocument['versions'] | null>(null);
  const reclassify = useMutation({ mutationFn: (classification: Classification) => vaultApi.updateDocument(document.id, { classification }), onSuccess: onChanged });
  const { error } = reclassify;
  const showVersions = async () => setVersions(versions ? null : ((await vaultApi.document(document.id)).versions ?? []));
  return (
    <>
      <tr>
        <td>
          <a href={contentUrl(document.id)} download>
            {document.name}
          </a>
        </td>
        <td>
          <ClassificationBadge value={document.classification} privileged={document.privileged} />
        </td>
        <td>{document.contentType}</td>
        <td>{formatBytes(document.size)}</td>
        <td>
          <button type="button" className="link-button" onClick={() => void showVersions()} aria-expanded={versions !== null}>
            v{document.currentVersion}
          </button>
        </td>
        <td>
          <label>
            <span className="visually-hidden">Reclassify {document.name}</span>
            <select value={document.classification} onChange={(e) => reclassify.mutate(e.target.value as Classification)}>
              {CLASSIFICATIONS.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </label>
          {error ? <ErrorMessage error={error} /> : null}
        </td>
      </tr>
      {versions && (
        <tr>
          <td colSpan={6}>
            <ul aria-label={`Versions of ${document.name}`}>
              {versions.map((v) => (
                <li key={v.version}>
                  <a href={contentUrl(document.id, v.version)} download>
                    Version {v.version}
                  </a>{' '}
                  — {formatBytes(v.size)}, {v.contentType}, {formatTime(v.createdAt)}
                </li>
              ))}
            </ul>
          </td>
        </tr>
      )}
    </>
  );
}
