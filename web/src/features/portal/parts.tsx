// Pieces every portal page uses: the empty state, the upload-with-progress control,
// and a consent's terms in words.
import { useId, useState, type ReactNode } from 'react';
import { ErrorMessage } from '../../components';
import { formatBytes } from '../../lib/format';
import { CHANNEL_LABELS, DATA_CATEGORY_LABELS, formatDay, labelsOf, PURPOSE_LABELS, RECIPIENT_CATEGORY_LABELS } from '../consent/labels';
import { uploadToPortal, type PortalDocument } from './api';
import { matterName } from './labels';

/** What a page shows when its list is empty: a sentence, and what to do next when there is something. */
export function Empty({ children }: { children: ReactNode }) {
  return (
    <p className="portal-empty" role="status">
      {children}
    </p>
  );
}

interface UploadState {
  key: string;
  name: string;
  fraction: number;
  done: PortalDocument | null;
  error: unknown;
}

/**
 * Choose files; each is uploaded at once to the matter (into the file request when given), with a
 * progress bar. `onUploaded` gets each stored document (a message form keeps their ids).
 */
export function UploadControl({ matterId, fileRequestId, label, onUploaded, disabled }: { matterId: string | null; fileRequestId?: string; label: string; onUploaded: (doc: PortalDocument) => void; disabled?: boolean }) {
  const id = useId();
  const [uploads, setUploads] = useState<UploadState[]>([]);
  const update = (key: string, change: Partial<UploadState>) => setUploads((all) => all.map((u) => (u.key === key ? { ...u, ...change } : u)));
  function start(files: FileList | null) {
    if (!files || !matterId) return;
    for (const file of Array.from(files)) {
      const key = `${file.name}-${file.size}-${Math.random().toString(36).slice(2)}`;
      setUploads((all) => [...all, { key, name: file.name, fraction: 0, done: null, error: null }]);
      uploadToPortal(matterId, file, (fraction) => update(key, { fraction }), fileRequestId).then(
        (doc) => {
          update(key, { fraction: 1, done: doc });
          onUploaded(doc);
        },
        (error: unknown) => update(key, { error }),
      );
    }
  }
  return (
    <div className="portal-upload">
      <div className="field">
        <label htmlFor={id}>{label}</label>
        {!matterId && <p className="field-hint">Choose the matter first.</p>}
        <input
          id={id}
          type="file"
          multiple
          disabled={disabled || !matterId}
          onChange={(event) => {
            start(event.target.files);
            event.target.value = '';
          }}
        />
      </div>
      {uploads.length > 0 && (
        <ul className="portal-upload-list">
          {uploads.map((u) => (
            <li key={u.key}>
              <span className="portal-upload-name">{u.name}</span>
              {u.error ? (
                <ErrorMessage error={u.error} title={`${u.name} could not be uploaded`} />
              ) : (
                <>
                  <progress max={1} value={u.fraction} aria-label={`Uploading ${u.name}`} />
                  <span className="portal-upload-status" aria-live="polite">{u.done ? `Uploaded (${formatBytes(u.done.size)})` : `${Math.round(u.fraction * 100)}%`}</span>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

interface ConsentTerms {
  purposes: string[];
  purposeText: string;
  dataCategories: string[];
  recipients: { name: string; email: string | null }[];
  recipientCategories: string[];
  channels: string[];
  matterScope: 'all' | 'listed';
  matters: { number: string | null; title: string | null }[];
  validUntil: number | null;
}

/** A consent (or a request for one) in words: what, why, to whom, how, for which matters, until when. */
export function ConsentTermsList({ terms }: { terms: ConsentTerms }) {
  const recipients = [...terms.recipients.map((r) => (r.email ? `${r.name} (${r.email})` : r.name)), ...terms.recipientCategories.map((c) => labelsOf(RECIPIENT_CATEGORY_LABELS, [c]))];
  return (
    <dl className="portal-terms">
      <dt>Why</dt>
      <dd>
        {labelsOf(PURPOSE_LABELS, terms.purposes)}
        <span className="portal-quote">{terms.purposeText}</span>
      </dd>
      <dt>Which of your data</dt>
      <dd>{labelsOf(DATA_CATEGORY_LABELS, terms.dataCategories)}</dd>
      <dt>To whom</dt>
      <dd>{recipients.length > 0 ? recipients.join(', ') : '—'}</dd>
      <dt>How it is sent</dt>
      <dd>{labelsOf(CHANNEL_LABELS, terms.channels)}</dd>
      <dt>For which matters</dt>
      <dd>{terms.matterScope === 'all' ? 'All your matters' : terms.matters.map(matterName).join(', ') || '—'}</dd>
      <dt>Until when</dt>
      <dd>{formatDay(terms.validUntil, 'Until you withdraw it')}</dd>
    </dl>
  );
}
