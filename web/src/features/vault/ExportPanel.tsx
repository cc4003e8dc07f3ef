import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { Button, ErrorMessage, fieldError, TextField } from '../../components';
import { useStepUp } from '../identity/StepUp';
import { vaultApi, type ExportProtection } from './api';

const MIN_PASSPHRASE = 12;

/**
 * Export a client as an age archive: protected by a passphrase by default (age's scrypt
 * recipient; `age -d` asks for it), or — the expert option — by an age public key. Needs a recent
 * second factor (step-up), asked inline. The passphrase travels in the request body only.
 */
export function ExportPanel({ clientId }: { clientId: string }) {
  const [mode, setMode] = useState<'passphrase' | 'recipient'>('passphrase');
  const [passphrase, setPassphrase] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [recipient, setRecipient] = useState('');
  const [localError, setLocalError] = useState<{ field: 'passphrase' | 'confirmation' | 'recipient'; message: string } | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const stepUp = useStepUp();
  const serverError = stepUp.error;

  const exportNow = async (protection: ExportProtection) => {
    const url = URL.createObjectURL(await vaultApi.exportClient(clientId, protection));
    const link = document.createElement('a');
    link.href = url;
    link.download = `client-export-${new Date().toISOString().slice(0, 10)}.tar.age`;
    link.click();
    URL.revokeObjectURL(url);
    setPassphrase('');
    setConfirmation('');
    setDone(true);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setDone(false);
    setLocalError(null);
    let protection: ExportProtection;
    if (mode === 'passphrase') {
      if (passphrase.length < MIN_PASSPHRASE) return setLocalError({ field: 'passphrase', message: `Use at least ${MIN_PASSPHRASE} characters.` });
      if (passphrase !== confirmation) return setLocalError({ field: 'confirmation', message: 'The two passphrases differ.' });
      protection = { passphrase };
    } else {
      if (!/^age1[02-9ac-hj-np-z]{20,}$/.test(recipient.trim())) return setLocalError({ field: 'recipient', message: 'An age public key starts with age1 (from age-keygen).' });
      protection = { recipients: [recipient.trim()] };
    }
    setBusy(true);
    void stepUp.run(() => exportNow(protection)).finally(() => setBusy(false));
  };

  const errorFor = (field: 'passphrase' | 'confirmation' | 'recipient') =>
    localError?.field === field ? localError.message : field === 'passphrase' ? fieldError(serverError, 'body.passphrase') : field === 'recipient' ? (fieldError(serverError, 'body.recipients') ?? fieldError(serverError, 'body.recipients.0')) : null;
  const fieldShown = serverError instanceof ApiError && serverError.fields.some((f) => f.path.startsWith('body.passphrase') || f.path.startsWith('body.recipients'));

  return (
    <section aria-labelledby="export-title">
      <h2 id="export-title">Export (encrypted archive)</h2>
      <form onSubmit={submit} aria-label="Export this client">
        <p>Every matter, document, note and record of this client in one encrypted file, with the documents under their own names.</p>
        <fieldset className="vault-choice">
          <legend>Protect the archive with</legend>
          <label>
            <input type="radio" name="export-mode" checked={mode === 'passphrase'} onChange={() => setMode('passphrase')} /> a passphrase (recommended)
          </label>
          <label>
            <input type="radio" name="export-mode" checked={mode === 'recipient'} onChange={() => setMode('recipient')} /> an age public key (expert)
          </label>
        </fieldset>
        {mode === 'passphrase' ? (
          <>
            <TextField label="Passphrase" type="password" autoComplete="new-password" required value={passphrase} onChange={(e) => setPassphrase(e.target.value)} hint={`At least ${MIN_PASSPHRASE} characters. Give it to the recipient by another channel (phone, in person) — never with the file.`} error={errorFor('passphrase')} />
            <TextField label="Repeat the passphrase" type="password" autoComplete="new-password" required value={confirmation} onChange={(e) => setConfirmation(e.target.value)} error={errorFor('confirmation')} />
            <p className="field-hint">
              To open it: <code>age -d file.tar.age | tar x</code> (age asks for the passphrase).
            </p>
          </>
        ) : (
          <>
            <TextField label="Recipient (age public key)" placeholder="age1…" value={recipient} onChange={(e) => setRecipient(e.target.value)} error={errorFor('recipient')} />
            <p className="field-hint">
              To open it: <code>age -d -i key.txt file.tar.age | tar x</code>.
            </p>
          </>
        )}
        <Button type="submit" busy={busy}>
          Export
        </Button>
      </form>
      {stepUp.prompt}
      {serverError && !fieldShown ? <ErrorMessage error={serverError} /> : null}
      {done && <p role="status">Export downloaded.</p>}
    </section>
  );
}
