// Small pieces the portal's staff panels share: an inline confirmation and a chooser of the
// matter's documents to attach.
import { Confirmation as SharedConfirmation, type ConfirmationProps } from '../../components';
import type { MatterDocument } from './api';

/** Asks before an action that takes effect at once: the question, what it means, the two choices. */
export function Confirmation(props: ConfirmationProps) {
  return <SharedConfirmation {...props} classPrefix="ps" role="alertdialog" />;
}

/** The matter's documents as checkboxes, folded away until wanted. */
export function AttachmentChooser({ documents, loading, value, onChange, error }: { documents: MatterDocument[]; loading: boolean; value: string[]; onChange: (ids: string[]) => void; error?: string | null }) {
  const live = documents.filter((d) => d.trashedAt === null);
  return (
    <details className={`ps-attach${error ? ' field-invalid' : ''}`}>
      <summary>Attach documents of this matter{value.length > 0 ? ` (${value.length} chosen)` : ''}</summary>
      {loading ? (
        <p className="ps-muted">Loading the matter’s documents…</p>
      ) : live.length === 0 ? (
        <p className="ps-muted">This matter has no documents yet. Upload them on the Documents tab first.</p>
      ) : (
        <ul className="ps-attach-list">
          {live.map((d) => (
            <li key={d.id}>
              <label>
                <input type="checkbox" checked={value.includes(d.id)} onChange={(e) => onChange(e.target.checked ? [...value, d.id] : value.filter((v) => v !== d.id))} disabled={!value.includes(d.id) && value.length >= 20} /> {d.name}
              </label>
            </li>
          ))}
        </ul>
      )}
      {error && <p className="field-error">{error}</p>}
    </details>
  );
}
