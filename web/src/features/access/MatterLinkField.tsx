import { useState } from 'react';
import { TextField } from '../../components';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** The matter id in a pasted link to a matter's page (`…/matters/<id>`), or null. */
export function matterIdFromLink(text: string): string | null {
  const trimmed = text.trim();
  const inPath = /\/matters\/([0-9a-f-]{36})(?:[/?#]|$)/i.exec(trimmed)?.[1];
  if (inPath && UUID.test(inPath)) return inPath.toLowerCase();
  return /^[0-9a-f-]{36}$/i.test(trimmed) && UUID.test(trimmed) ? trimmed.toLowerCase() : null;
}

export interface MatterLinkFieldProps {
  /** The matter a page was opened for (`?matterId=` from a blocked matter's notice), if any. */
  linkedMatterId: string | null;
  onChange: (matterId: string | null) => void;
  error?: string | null;
}

/**
 * Which matter to ask about when you cannot open it (so no picker can offer it): the one whose
 * page sent you here, or the link to it that a colleague gave you. It never shows an id.
 */
export function MatterLinkField({ linkedMatterId, onChange, error }: MatterLinkFieldProps) {
  const [text, setText] = useState('');
  const [useLinked, setUseLinked] = useState(linkedMatterId !== null);
  if (linkedMatterId && useLinked) {
    return (
      <div className="field">
        <span className="field-label">Matter</span>
        <p className="access-linked">
          The matter whose page you just opened.{' '}
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setUseLinked(false);
              onChange(null);
            }}
          >
            Choose another
          </button>
        </p>
        {error && <p className="field-error">{error}</p>}
      </div>
    );
  }
  const parsed = matterIdFromLink(text);
  return (
    <TextField
      label="Link to the matter"
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        onChange(matterIdFromLink(e.target.value));
      }}
      required
      hint="Paste the link to the matter’s page (a colleague can copy it from their address bar). Opening that link also offers this form."
      error={error ?? (text.trim() !== '' && parsed === null ? 'This is not a link to a matter’s page.' : null)}
    />
  );
}
