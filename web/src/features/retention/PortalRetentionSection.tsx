import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { Button, ErrorMessage } from '../../components';
import { formatTime } from '../../lib/format';
import { saveBlob } from '../../lib/download';
import { retentionApi, retentionKeys } from './api';
import { certificateScopeText } from './labels';
import { CertificateDownloads } from './parts';
import { VerifyNote } from './CertificatesPage';

/**
 * In the client's portal: the certificates of destruction of the client's own data (JSON as
 * signed, PDF), and the end-of-engagement letter once the engagement has ended.
 */
export function PortalRetentionSection() {
  const certificates = useQuery({
    queryKey: retentionKeys.portalCertificates,
    queryFn: retentionApi.portalCertificates,
  });
  // The letter is made when asked for: a 409 means the engagement continues, and the link goes.
  const [noLetter, setNoLetter] = useState(false);
  const letter = useMutation({
    mutationFn: async () => saveBlob(await retentionApi.portalLetter(), 'end-of-engagement.pdf'),
    onError: (error) => {
      if (error instanceof ApiError && error.status === 409) setNoLetter(true);
    },
  });
  const items = certificates.data?.items ?? [];
  return (
    <section aria-labelledby="portal-retention">
      <h2 id="portal-retention">What we destroyed, and the end of our engagement</h2>
      {certificates.error !== null && <ErrorMessage error={certificates.error} title="Your certificates cannot be shown" />}
      {certificates.data && items.length === 0 && <p className="portal-empty">Nothing of yours has been destroyed. When the firm destroys your data at the end of the time it must keep it, a signed certificate of destruction appears here.</p>}
      {items.length > 0 && (
        <>
          <p>Each certificate says what was destroyed and when, signed by the firm so that anyone can check it.</p>
          <ul className="portal-list ret-portal-certificates">
            {items.map((c) => (
              <li key={c.id}>
                <span>
                  {certificateScopeText(c.scope)}
                  {c.matter ? ` — ${c.matter.label}` : ''} · destroyed {formatTime(c.createdAt)}
                </span>
                <CertificateDownloads id={c.id} json={retentionApi.portalCertificateJson} pdf={retentionApi.portalCertificatePdf} label={`${c.matter?.label ?? 'your data'} of ${formatTime(c.createdAt)}`} />
              </li>
            ))}
          </ul>
          <VerifyNote />
        </>
      )}
      {noLetter ? (
        <p className="portal-muted">There is no end-of-engagement letter: the firm still acts for you.</p>
      ) : (
        <p>
          <Button variant="secondary" busy={letter.isPending} onClick={() => letter.mutate()}>
            Download the end-of-engagement letter
          </Button>{' '}
          <span className="portal-muted">(PDF, once our engagement has ended: what we keep, until when, and your rights)</span>
        </p>
      )}
      {letter.error !== null && !noLetter && <ErrorMessage error={letter.error} title="The letter could not be downloaded" />}
    </section>
  );
}
