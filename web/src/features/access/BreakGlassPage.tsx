import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import { Button, ErrorMessage, fieldError, Loading, PageTitle } from '../../components';
import { formatTime } from '../../lib/format';
import { useStepUp } from '../identity/StepUp';
import { accessApi } from './api';
import { matterText } from './labels';
import { MatterLinkField } from './MatterLinkField';
import './access.css';

/**
 * Emergency access: one matter, one hour, a written justification and a fresh second factor;
 * compliance is told at once. The matter is the one whose page sent you here, or the link to it.
 */
export function BreakGlassPage() {
  const [params] = useSearchParams();
  const linkedMatterId = params.get('matterId');
  const mine = useQuery({ queryKey: ['access', 'break-glass', 'mine'], queryFn: accessApi.myBreakGlass });
  const [matterId, setMatterId] = useState<string | null>(linkedMatterId);
  const [missingMatter, setMissingMatter] = useState(false);
  const [justification, setJustification] = useState('');
  const [busy, setBusy] = useState(false);
  // A factor older than 10 minutes answers STEP_UP_REQUIRED: asked for inline, then the request is sent again.
  const stepUp = useStepUp();
  const error = stepUp.error;
  // The server answers 404 alike for a missing matter, a role the firm does not entitle and a too-new account.
  const unavailable = error instanceof ApiError && error.status === 404;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!matterId) {
      setMissingMatter(true);
      return;
    }
    setMissingMatter(false);
    setBusy(true);
    const input = { matterId, justification };
    void stepUp
      .run(async () => {
        await accessApi.startBreakGlass(input);
        setJustification('');
        await mine.refetch();
      })
      .finally(() => setBusy(false));
  };

  return (
    <section>
      <PageTitle>Emergency access (break-glass)</PageTitle>
      <p>
        Use only when a client would be harmed by waiting for the lead attorney. Access lasts one hour, the compliance officer is alerted immediately, and every use is reviewed afterwards. It
        never opens a matter you are screened from. If you last confirmed your second factor more than 10 minutes ago, you are asked for it again.
      </p>
      {unavailable ? (
        <div className="error-message" role="alert">
          <p className="error-title">Emergency access is not available</p>
          <p>
            Emergency access is not available for this matter, or not for your account: your firm allows it only to certain roles, and not to accounts created in the last few days. Check
            the link to the matter, or ask your compliance officer.
          </p>
          {error.requestId && (
            <p className="error-meta">
              Request <code>{error.requestId}</code>
            </p>
          )}
        </div>
      ) : (
        error !== null && !fieldError(error, 'body.matterId') && !fieldError(error, 'body.justification') && <ErrorMessage error={error} />
      )}
      <form onSubmit={submit} aria-label="Start emergency access" noValidate>
        <MatterLinkField linkedMatterId={linkedMatterId} onChange={setMatterId} error={missingMatter ? 'Paste the link to the matter.' : fieldError(error, 'body.matterId')} />
        <div className={`field${fieldError(error, 'body.justification') ? ' field-invalid' : ''}`}>
          <label htmlFor="bg-justification">
            Justification (at least 20 characters)<span className="required"> (required)</span>
          </label>
          <textarea id="bg-justification" value={justification} onChange={(e) => setJustification(e.target.value)} required minLength={20} rows={4} aria-invalid={fieldError(error, 'body.justification') ? true : undefined} />
          {fieldError(error, 'body.justification') && <p className="field-error">{fieldError(error, 'body.justification')}</p>}
        </div>
        <Button type="submit" variant="danger" busy={busy}>
          Open emergency access for one hour
        </Button>
      </form>
      {stepUp.prompt}
      <h2>Your emergency access</h2>
      {mine.error !== null && <ErrorMessage error={mine.error} />}
      {mine.data === undefined ? (
        <Loading />
      ) : mine.data.sessions.length === 0 ? (
        <p>You have not used emergency access.</p>
      ) : (
        <ul>
          {mine.data.sessions.map((s) => (
            <li key={s.id}>
              Matter {matterText(s.matter)}: {formatTime(s.startedAt)} → {formatTime(s.expiresAt)} —{' '}
              {s.reviewOutcome ? `reviewed as ${s.reviewOutcome === 'justified' ? 'justified' : 'not justified'}${s.reviewedByName ? ` by ${s.reviewedByName}` : ''}` : 'awaiting review by compliance'}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
