import { useState } from "react";
import {
  ArchiveProtectionForm,
  ErrorMessage,
  isProtectionFieldError,
  type ArchiveProtection,
} from "../../components";
import { saveBlob } from "../../lib/download";
import { useStepUp } from "../identity/StepUp";
import { vaultApi } from "./api";

/**
 * Export a client as an age archive: protected by a passphrase by default (age's scrypt
 * recipient; `age -d` asks for it), or — the expert option — by an age public key. Needs a recent
 * second factor (step-up), asked inline. The passphrase travels in the request body only.
 */
export function ExportPanel({ clientId }: { clientId: string }) {
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const stepUp = useStepUp();
  const serverError = stepUp.error;

  const submit = (protection: ArchiveProtection) => {
    setDone(false);
    setBusy(true);
    void stepUp
      .run(async () => {
        saveBlob(
          await vaultApi.exportClient(clientId, protection),
          `client-export-${new Date().toISOString().slice(0, 10)}.tar.age`,
        );
        setDone(true);
      })
      .finally(() => setBusy(false));
  };

  return (
    <section aria-labelledby="export-title">
      <h2 id="export-title">Export (encrypted archive)</h2>
      <ArchiveProtectionForm
        label="Export this client"
        submitLabel="Export"
        busy={busy}
        error={serverError}
        onSubmit={submit}
      >
        <p>
          Every matter, document, note and record of this client in one
          encrypted file, with the documents under their own names.
        </p>
      </ArchiveProtectionForm>
      {stepUp.prompt}
      {serverError && !isProtectionFieldError(serverError) ? (
        <ErrorMessage error={serverError} />
      ) : null}
      {done && <p role="status">Export downloaded.</p>}
    </section>
  );
}
