import { useState, type FormEvent } from 'react';
import { usePageAction } from '../../api/query';
import { Button, TextField } from '../../components';
import { identityApi } from './api';
import { FactorError, RecoveryCodesShown } from './AuthFrame';
import { registerPasskey } from './passkey';

/** Add an authenticator app (QR code, then a first code) or a passkey; shows recovery codes once. */
export function Enrollment({ hasTotp, onDone }: { hasTotp: boolean; onDone: () => void }) {
  const [setup, setSetup] = useState<{ secret: string; qrDataUrl: string } | null>(null);
  const [code, setCode] = useState('');
  const [passkeyName, setPasskeyName] = useState('This device');
  const [codes, setCodes] = useState<string[] | null>(null);
  const action = usePageAction();
  const { error, isPending: busy } = action;
  const run = action.mutate;

  const finish = (recoveryCodes: string[]) => (recoveryCodes.length > 0 ? setCodes(recoveryCodes) : onDone());

  if (codes) return <RecoveryCodesShown codes={codes} onDone={onDone} />;

  function confirm(event: FormEvent) {
    event.preventDefault();
    run(async () => finish((await identityApi.totpConfirm(code.replace(/\s/g, ''))).recoveryCodes));
  }

  return (
    <div className="enrollment">
      {error !== null && <FactorError error={error} title="Could not set up the second factor" />}
      <section aria-labelledby="enroll-passkey">
        <h2 id="enroll-passkey">Passkey (recommended)</h2>
        <p>Use your device's fingerprint, face or PIN, or a security key. Passkeys cannot be phished.</p>
        <TextField label="Name for this passkey" value={passkeyName} onChange={(e) => setPasskeyName(e.target.value)} maxLength={100} />
        <Button busy={busy} onClick={() => run(async () => finish((await registerPasskey(passkeyName)).recoveryCodes))}>
          Add a passkey
        </Button>
      </section>
      {!hasTotp && (
        <section aria-labelledby="enroll-totp">
          <h2 id="enroll-totp">Authenticator app</h2>
          {!setup ? (
            <Button variant="secondary" busy={busy} onClick={() => run(async () => setSetup(await identityApi.totpSetup()))}>
              Set up an authenticator app
            </Button>
          ) : (
            <form onSubmit={confirm} noValidate>
              <p>Scan this code with your authenticator app, then enter the 6-digit code it shows.</p>
              <img src={setup.qrDataUrl} alt="QR code to add Confidant to your authenticator app" width={240} height={240} />
              <p>
                Cannot scan? Enter this key: <code data-testid="totp-secret">{setup.secret}</code>
              </p>
              <TextField label="6-digit code" inputMode="numeric" autoComplete="one-time-code" maxLength={6} required value={code} onChange={(e) => setCode(e.target.value)} />
              <Button type="submit" busy={busy}>
                Confirm
              </Button>
            </form>
          )}
        </section>
      )}
    </div>
  );
}
