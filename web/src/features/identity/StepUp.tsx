import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { Button, TextField } from '../../components';
import { identityApi } from './api';
import { FactorError } from './AuthFrame';
import { confirmWithPasskey } from './passkey';
import { useSession } from './session';

/**
 * Runs sensitive actions; when the server answers STEP_UP_REQUIRED, asks for the second factor
 * inline and retries the action once confirmed.
 */
export function useStepUp() {
  const [pending, setPending] = useState<(() => Promise<void>) | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = async (action: () => Promise<void>) => {
    setError(null);
    try {
      await action();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'STEP_UP_REQUIRED') setPending(() => action);
      else setError(e);
    }
  };
  const prompt = pending ? (
    <StepUpPrompt
      onConfirmed={async () => {
        const action = pending;
        setPending(null);
        await run(action);
      }}
      onCancel={() => setPending(null)}
    />
  ) : null;
  return { run, prompt, error };
}

function StepUpPrompt({ onConfirmed, onCancel }: { onConfirmed: () => Promise<void>; onCancel: () => void }) {
  const session = useSession();
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const factors = session.state?.factors;
  // The prompt appears where the action was started, maybe below the fold on a phone: take the focus there.
  const title = useRef<HTMLHeadingElement>(null);
  const titleId = useId();
  useEffect(() => title.current?.focus(), []);
  async function confirm(work: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await work();
      await session.refresh();
      await onConfirmed();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  function submit(event: FormEvent) {
    event.preventDefault();
    void confirm(() => identityApi.verifyTotp(code));
  }
  return (
    <div role="dialog" aria-labelledby={titleId} className="step-up">
      <h2 id={titleId} ref={title} tabIndex={-1}>Confirm with your second factor</h2>
      <p>This action needs a fresh confirmation (within the last 10 minutes).</p>
      {error !== null && <FactorError error={error} title="Not confirmed" />}
      {factors && factors.passkeys > 0 && (
        <Button busy={busy} onClick={() => void confirm(confirmWithPasskey)}>
          Use a passkey
        </Button>
      )}
      {factors?.totp && (
        <form onSubmit={submit} noValidate>
          <TextField label="Authenticator code" inputMode="numeric" autoComplete="one-time-code" maxLength={6} value={code} onChange={(e) => setCode(e.target.value)} />
          <Button type="submit" busy={busy}>
            Confirm
          </Button>
        </form>
      )}
      <Button variant="secondary" onClick={onCancel}>
        Cancel
      </Button>
    </div>
  );
}
