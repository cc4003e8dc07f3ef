import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type DragEvent, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { Button, ErrorMessage, fieldError, Loading, Select, TextField } from '../../components';
import { formatBytes, formatTime } from '../../lib/format';
import { DocumentPortalShares } from '../portal-staff';
import { CLASSIFICATIONS, contentUrl, uploadFile, vaultApi, type Classification, type DocumentVersion, type VaultDocument } from './api';
import { DocumentPreview, previewKind } from './DocumentPreview';

const CLASSIFICATION_LABELS: Record<Classification, string> = { internal: 'Internal', confidential: 'Confidential', privileged: 'Privileged', 'client-secret': 'Client secret' };

/** A content type in words (the detected type, not the extension). */
function typeLabel(contentType: string): string {
  const known: Record<string, string> = {
    'application/pdf': 'PDF',
    'text/plain': 'Text',
    'image/png': 'PNG image',
    'image/jpeg': 'JPEG image',
    'image/gif': 'GIF image',
    'image/webp': 'WebP image',
    'application/zip': 'ZIP archive',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word document',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel workbook',
    'application/octet-stream': 'File',
  };
  return known[contentType] ?? contentType;
}

function ClassificationBadge({ value, privileged, legalHold }: { value: Classification; privileged: boolean; legalHold: boolean }) {
  return (
    <>
      <span className={`badge badge-${value}`}>{CLASSIFICATION_LABELS[value]}</span>
      {privileged && <span className="badge badge-privilege">Privileged</span>}
      {legalHold && <span className="badge badge-hold">Legal hold</span>}
    </>
  );
}

interface Transfer {
  key: string;
  name: string;
  fraction: number;
}

/** A file whose name a live document already has: the person chooses what it becomes. */
interface NameClash {
  file: File;
  existing: VaultDocument;
}

const sameName = (a: string, b: string) => a.normalize('NFC').toLowerCase() === b.normalize('NFC').toLowerCase();

/**
 * Documents of a matter: upload (drag-and-drop or pick, with progress; a file named like an
 * existing document is offered as its new version), preview, download, versions, rename,
 * reclassify, mark privileged, trash and restore. Controls the person may not use are not shown
 * (the server says which through `can`; it decides again on every action).
 */
export function DocumentsPanel({ matterId }: { matterId: string }) {
  const queryClient = useQueryClient();
  const key = ['vault', 'documents', matterId];
  const { data, error } = useQuery({ queryKey: key, queryFn: () => vaultApi.documents(matterId) });
  const [showTrash, setShowTrash] = useState(false);
  const trash = useQuery({ queryKey: [...key, 'trash'], queryFn: () => vaultApi.documents(matterId, { trashed: true }), enabled: showTrash });
  // Returned so a mutation stays pending until the list shows its result (no flicker back).
  const reload = () => queryClient.invalidateQueries({ queryKey: key });
  const [transfers, setTransfers] = useState<Transfer[]>([]);
  const [uploadErrors, setUploadErrors] = useState<{ name: string; error: unknown }[]>([]);
  const [clashes, setClashes] = useState<NameClash[]>([]);
  const [dragging, setDragging] = useState(false);
  const [classification, setClassification] = useState<Classification>('confidential');
  const [notice, setNotice] = useState<{ text: string; undo?: () => void } | null>(null);
  const [preview, setPreview] = useState<{ document: VaultDocument; version?: DocumentVersion } | null>(null);
  const picker = useRef<HTMLInputElement>(null);
  const canUpload = data?.can.upload ?? false;

  const transfer = async (file: File, target: { matterId: string } | { documentId: string }) => {
    const id = `${file.name}-${Math.random()}`;
    setTransfers((t) => [...t, { key: id, name: file.name, fraction: 0 }]);
    try {
      await uploadFile(target, file, (fraction) => setTransfers((t) => t.map((x) => (x.key === id ? { ...x, fraction } : x))), 'matterId' in target ? classification : undefined);
    } catch (e) {
      setUploadErrors((list) => [...list, { name: file.name, error: e }]);
    } finally {
      setTransfers((t) => t.filter((x) => x.key !== id));
    }
  };

  const send = async (files: File[]) => {
    setUploadErrors([]);
    setNotice(null);
    const live = data?.items ?? [];
    for (const file of files) {
      // Refused by the server too (DOCUMENT_EMPTY); said here before anything is sent.
      if (file.size === 0) {
        setUploadErrors((list) => [...list, { name: file.name, error: new ApiError(400, 'DOCUMENT_EMPTY', `“${file.name}” is empty (0 bytes), so it was not uploaded. Choose a file with content.`) }]);
        continue;
      }
      const existing = live.find((d) => sameName(d.name, file.name));
      if (existing && existing.can?.edit) {
        setClashes((list) => [...list, { file, existing }]);
        continue;
      }
      await transfer(file, { matterId });
    }
    if (picker.current) picker.current.value = '';
    void reload();
  };

  const resolveClash = async (clash: NameClash, choice: 'version' | 'separate' | 'skip') => {
    setClashes((list) => list.filter((c) => c !== clash));
    if (choice === 'skip') return;
    await transfer(clash.file, choice === 'version' ? { documentId: clash.existing.id } : { matterId });
    if (choice === 'version') setNotice({ text: `Uploaded “${clash.file.name}” as version ${clash.existing.currentVersion + 1} of “${clash.existing.name}”.` });
    void reload();
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    if (canUpload) void send(Array.from(event.dataTransfer.files));
  };

  const onTrashed = (document: VaultDocument) => {
    setNotice({
      text: `“${document.name}” was moved to the trash.`,
      undo: () => {
        void vaultApi
          .restoreDocument(document.id)
          .then(() => {
            setNotice({ text: `“${document.name}” was restored.` });
            return reload();
          })
          .catch(() => setNotice({ text: `“${document.name}” could not be restored here; open the trash below to try again.` }));
      },
    });
    if (preview?.document.id === document.id) setPreview(null);
    void reload();
  };

  return (
    <section aria-labelledby="documents-title" className="vault-panel">
      <h2 id="documents-title">Documents</h2>
      {canUpload && (
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
          <Select label="Classification for new uploads" value={classification} onChange={(e) => setClassification(e.target.value as Classification)} options={CLASSIFICATIONS.map((c) => ({ value: c, label: CLASSIFICATION_LABELS[c] }))} />
        </div>
      )}
      {clashes.map((clash) => (
        <div key={`${clash.existing.id}-${clash.file.name}`} className="vault-clash" role="group" aria-label={`A document named ${clash.existing.name} already exists`}>
          <p>
            A document named <strong>“{clash.existing.name}”</strong> is already in this matter (version {clash.existing.currentVersion}, {formatBytes(clash.existing.size)}).
          </p>
          <div className="vault-actions">
            <Button onClick={() => void resolveClash(clash, 'version')}>Upload as version {clash.existing.currentVersion + 1} of “{clash.existing.name}”</Button>
            <Button variant="secondary" onClick={() => void resolveClash(clash, 'separate')}>
              Upload as a separate document
            </Button>
            <Button variant="secondary" onClick={() => void resolveClash(clash, 'skip')}>
              Don’t upload
            </Button>
          </div>
        </div>
      ))}
      {transfers.map((t) => (
        <p key={t.key}>
          <label>
            Uploading {t.name} <progress max={1} value={t.fraction} aria-label={`Upload progress of ${t.name}`} /> {Math.round(t.fraction * 100)}%
          </label>
        </p>
      ))}
      {uploadErrors.map((u, index) => (
        <ErrorMessage key={`${u.name}-${index}`} error={u.error} title={`“${u.name}” was not uploaded`} />
      ))}
      {notice && (
        <p role="status" className="vault-notice">
          {notice.text}{' '}
          {notice.undo && (
            <button type="button" className="link-button" onClick={notice.undo}>
              Undo
            </button>
          )}
        </p>
      )}
      {error ? <ErrorMessage error={error} /> : null}
      {!data && !error ? <Loading /> : null}
      {data && data.items.length === 0 ? <p>No documents yet.{canUpload ? ' Drop a file above or choose files to add the first one.' : ''}</p> : null}
      {data && data.items.length > 0 && (
        <div className="table-scroll" tabIndex={0}>
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
                <DocumentRow key={document.id} document={document} onChanged={reload} onTrashed={onTrashed} onPreview={(version) => setPreview({ document, ...(version ? { version } : {}) })} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {preview && <DocumentPreview key={`${preview.document.id}-${preview.document.currentVersion}-${preview.version?.version ?? 'current'}`} document={preview.document} {...(preview.version ? { version: preview.version } : {})} onClose={() => setPreview(null)} />}
      <p>
        <button type="button" className="link-button" aria-expanded={showTrash} onClick={() => setShowTrash(!showTrash)}>
          {showTrash ? 'Hide the trash' : 'Show the trash'}
        </button>
      </p>
      {showTrash && <TrashList query={trash} onRestored={reload} />}
    </section>
  );
}

function TrashList({ query, onRestored }: { query: { data?: { items: VaultDocument[] } | undefined; error: unknown }; onRestored: () => Promise<void> }) {
  const restore = useMutation({ mutationFn: (documentId: string) => vaultApi.restoreDocument(documentId), onSuccess: onRestored });
  const items = query.data?.items ?? [];
  return (
    <section aria-labelledby="trash-title">
      <h3 id="trash-title">Trash</h3>
      {query.error ? <ErrorMessage error={query.error} /> : null}
      {!query.data && !query.error ? <Loading /> : null}
      {query.data && items.length === 0 ? <p>The trash is empty.</p> : null}
      <ul className="vault-trash">
        {items.map((document) => (
          <li key={document.id}>
            {document.name} — moved to the trash {formatTime(document.trashedAt)}{' '}
            {document.can?.trash && (
              <Button variant="secondary" busy={restore.isPending && restore.variables === document.id} onClick={() => restore.mutate(document.id)} aria-label={`Restore ${document.name}`}>
                Restore
              </Button>
            )}
          </li>
        ))}
      </ul>
      {restore.error ? <ErrorMessage error={restore.error} title="The document could not be restored" /> : null}
    </section>
  );
}

function DocumentRow({ document, onChanged, onTrashed, onPreview }: { document: VaultDocument; onChanged: () => Promise<void>; onTrashed: (document: VaultDocument) => void; onPreview: (version?: DocumentVersion) => void }) {
  const [versions, setVersions] = useState<VaultDocument['versions'] | null>(null);
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(document.name);
  const update = useMutation({ mutationFn: (body: { name?: string; classification?: Classification; privileged?: boolean }) => vaultApi.updateDocument(document.id, body), onSuccess: () => onChanged() });
  // The box shows the person's choice at once (a controlled box would otherwise snap back until the
  // mutation's state arrives), and the server's value again once the list is refetched or on failure.
  const [privilegedChoice, setPrivilegedChoice] = useState<boolean | null>(null);
  const choosePrivileged = (value: boolean) => {
    setPrivilegedChoice(value);
    update.mutate({ privileged: value }, { onSettled: () => setPrivilegedChoice(null) });
  };
  const rename = useMutation({
    mutationFn: () => vaultApi.updateDocument(document.id, { name: name.trim() }),
    onSuccess: async () => {
      await onChanged();
      setRenaming(false);
    },
  });
  const trash = useMutation({ mutationFn: () => vaultApi.trashDocument(document.id), onSuccess: () => onTrashed(document) });
  const can = document.can ?? { edit: false, classify: false, trash: false };
  const showVersions = async () => setVersions(versions ? null : ((await vaultApi.document(document.id)).versions ?? []));
  const submitRename = (event: FormEvent) => {
    event.preventDefault();
    rename.mutate();
  };
  const renameError = fieldError(rename.error, 'body.name');
  return (
    <>
      <tr>
        <td>
          {renaming ? (
            <form onSubmit={submitRename} aria-label={`Rename ${document.name}`} className="vault-inline-form">
              <TextField label="New name" required value={name} onChange={(e) => setName(e.target.value)} error={renameError} maxLength={500} autoFocus />
              <Button type="submit" busy={rename.isPending}>
                Save
              </Button>
              <Button
                variant="secondary"
                onClick={() => {
                  setRenaming(false);
                  setName(document.name);
                  rename.reset();
                }}
              >
                Cancel
              </Button>
              {rename.error && !renameError ? <ErrorMessage error={rename.error} title="Not renamed" /> : null}
            </form>
          ) : (
            <a href={contentUrl(document.id)} download>
              {document.name}
            </a>
          )}
        </td>
        <td>
          <ClassificationBadge value={document.classification} privileged={document.privileged} legalHold={document.legalHold} />
        </td>
        <td>{typeLabel(document.contentType)}</td>
        <td>{formatBytes(document.size)}</td>
        <td>
          <button type="button" className="link-button" onClick={() => void showVersions()} aria-expanded={versions !== null}>
            v{document.currentVersion}
          </button>
        </td>
        <td>
          <div className="vault-actions">
            <button type="button" className="link-button" onClick={() => onPreview()} aria-label={`Preview ${document.name}`}>
              Preview
            </button>
            {can.edit && !renaming && (
              <button type="button" className="link-button" onClick={() => setRenaming(true)} aria-label={`Rename ${document.name}`}>
                Rename
              </button>
            )}
            {can.classify && (
              <>
                <label>
                  <span className="visually-hidden">Reclassify {document.name}</span>
                  <select value={update.isPending && update.variables.classification ? update.variables.classification : document.classification} onChange={(e) => update.mutate({ classification: e.target.value as Classification })} disabled={update.isPending}>
                    {CLASSIFICATIONS.map((c) => (
                      <option key={c} value={c}>
                        {CLASSIFICATION_LABELS[c]}
                      </option>
                    ))}
                  </select>
                </label>
                <label className="vault-check">
                  <input type="checkbox" checked={privilegedChoice ?? document.privileged} onChange={(e) => choosePrivileged(e.target.checked)} disabled={update.isPending} /> Privileged
                  <span className="visually-hidden"> ({document.name})</span>
                </label>
              </>
            )}
            {can.trash && (
              <button type="button" className="link-button link-danger" onClick={() => trash.mutate()} disabled={trash.isPending} aria-label={`Move to trash: ${document.name}`}>
                Move to trash
              </button>
            )}
          </div>
          {update.error ? <ErrorMessage error={update.error} title="Not changed" /> : null}
          {trash.error ? <ErrorMessage error={trash.error} title="Not moved to the trash" /> : null}
        </td>
      </tr>
      {versions && (
        <tr>
          <td colSpan={6}>
            <ul aria-label={`Versions of ${document.name}`}>
              {versions.map((v) => (
                <li key={v.version}>
                  Version {v.version} — {formatBytes(v.size)}, {typeLabel(v.contentType)}, {formatTime(v.createdAt)} ·{' '}
                  <a href={contentUrl(document.id, v.version)} download>
                    download
                  </a>
                  {previewKind(v.contentType) && (
                    <>
                      {' · '}
                      <button type="button" className="link-button" onClick={() => onPreview(v)} aria-label={`Preview version ${v.version} of ${document.name}`}>
                        preview
                      </button>
                    </>
                  )}
                </li>
              ))}
            </ul>
            <DocumentPortalShares documentId={document.id} clientId={document.clientId} documentName={document.name} />
          </td>
        </tr>
      )}
    </>
  );
}
