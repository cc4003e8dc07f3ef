import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { ApiError } from '../../api/client';
import { Button, ErrorMessage, Loading, NotFound, PageTitle } from '../../components';
import { saveBlob } from '../../lib/download';
import { useStepUp } from '../identity';
import { evidenceApi, evidenceKeys, type Register, type RegisterFormat, type RegisterName } from './api';
import { useCanManage } from './parts';

/** The registers and reports (CSV and PDF each), and the signed evidence pack for an auditor. */
export function RegistersPage() {
  const canManage = useCanManage();
  if (!canManage) return <NotFound />;
  return <Registers />;
}

function Registers() {
  const registers = useQuery({ queryKey: evidenceKeys.registers, queryFn: evidenceApi.registers });
  if (registers.error instanceof ApiError && registers.error.status === 404) return <NotFound />;
  const items = registers.data?.items ?? [];
  return (
    <section aria-labelledby="page-title" className="ev-page">
      <PageTitle>Registers &amp; evidence</PageTitle>
      <p className="ev-lead">What an auditor or the supervisory authority asks for, made from the firm’s records as they are now. Each register downloads as CSV (for a spreadsheet) or PDF (to read or hand over); every download is recorded in the audit log.</p>
      {registers.error !== null && <ErrorMessage error={registers.error} title="The registers cannot be shown" />}
      {registers.isPending && <Loading />}
      {registers.data && items.length === 0 && <p className="ev-empty">There is no register to show.</p>}
      {items.length > 0 && (
        <ul className="ev-cards" aria-label="Registers and reports">
          {items.map((r) => (
            <li key={r.register}>
              <RegisterCard register={r} />
            </li>
          ))}
        </ul>
      )}
      <EvidencePack />
    </section>
  );
}

function rowsInWords(register: Register): string {
  if (register.rows === 0) return 'No rows yet';
  return register.rows === 1 ? '1 row now' : `${register.rows} rows now`;
}

function RegisterCard({ register }: { register: Register }) {
  const titleId = useId();
  const [busy, setBusy] = useState<RegisterFormat | null>(null);
  const [error, setError] = useState<unknown>(null);
  const download = async (format: RegisterFormat) => {
    setBusy(format);
    setError(null);
    try {
      const file = await evidenceApi.register(register.register as RegisterName, format);
      saveBlob(file.blob, file.fileName);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  return (
    <article className="ev-card" aria-labelledby={titleId}>
      <div className="ev-card-text">
        <h2 id={titleId}>{register.title}</h2>
        <p>{register.description}</p>
        <p className="ev-detail">{rowsInWords(register)}</p>
      </div>
      <div className="ev-actions">
        <Button variant="secondary" busy={busy === 'csv'} onClick={() => void download('csv')} aria-describedby={titleId}>
          Download CSV
        </Button>
        <Button variant="secondary" busy={busy === 'pdf'} onClick={() => void download('pdf')} aria-describedby={titleId}>
          Download PDF
        </Button>
      </div>
      {error !== null && (
        <div className="ev-card-error">
          <ErrorMessage error={error} title="Not downloaded" />
        </div>
      )}
    </article>
  );
}

/** Builds the signed ZIP (after a fresh second factor, asked inline) and says how the auditor checks it. */
function EvidencePack() {
  const stepUp = useStepUp();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const key = useQuery({ queryKey: evidenceKeys.publicKey, queryFn: evidenceApi.publicKey, retry: false });
  const verifierKey = key.data?.verifierKey ?? null;
  const build = () => {
    setDone(null);
    setBusy(true);
    void stepUp
      .run(async () => {
        const pack = await evidenceApi.evidencePack();
        saveBlob(pack.blob, pack.fileName);
        setDone(pack.fileName);
      })
      .finally(() => setBusy(false));
  };
  return (
    <section className="ev-pack" aria-labelledby="ev-pack-title">
      <h2 id="ev-pack-title">Evidence pack for an auditor</h2>
      <p>
        One ZIP file with every register above as CSV and PDF, the latest signed audit checkpoint with a check of the whole audit log, the security posture findings, and a manifest of every file’s SHA-256 — signed with this instance’s audit key, so the auditor can
        tell that nothing was changed, added or left out after you made it.
      </p>
      <p>It holds client names and disclosure recipients (from the disclosure register): hand it over as you would the register. Making it asks for your second factor and is recorded in the audit log.</p>
      <Button busy={busy} onClick={build}>
        Build evidence pack
      </Button>
      {stepUp.prompt}
      {stepUp.error !== null && <ErrorMessage error={stepUp.error} title="The evidence pack was not built" />}
      {done && (
        <p role="status" className="ev-done">
          Evidence pack downloaded: {done}.
        </p>
      )}
      <h3>How the auditor checks it</h3>
      <p>On any computer with Confidant installed, with no access to this server:</p>
      <pre className="ev-command">
        <code>confidant compliance verify-evidence {done ?? 'pack.zip'} --key &quot;{verifierKey ?? '<verifier key>'}&quot;</code>
      </pre>
      <p>It names every file that is missing, changed or not in the manifest, and a signature that is not made by the key given. Without the key it only proves the pack is intact, not that it is the firm’s.</p>
      {verifierKey ? (
        <>
          <p>The firm’s verifier key (in the command above) is:</p>
          <p className="ev-key">
            <code data-testid="verifier-key">{verifierKey}</code>
          </p>
          <p className="ev-detail">
            Give it to the auditor by a separate channel from the pack (or let them read it at <code>/api/v1/audit/public-key</code> themselves), so a pack signed by some other key is caught.
          </p>
        </>
      ) : (
        <p className="ev-detail">
          The verifier key is published at <code>/api/v1/audit/public-key</code>
          {key.error !== null ? '; it cannot be read right now.' : '.'}
        </p>
      )}
    </section>
  );
}
