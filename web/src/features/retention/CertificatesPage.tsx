import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useLocation } from 'react-router';
import { api, data } from '../../api/client';
import { ErrorMessage, Loading, PageTitle } from '../../components';
import { formatTime } from '../../lib/format';
import { retentionApi, retentionKeys } from './api';
import { certificateScopeText } from './labels';
import { CertificateDownloads, RetentionTabs } from './parts';

/**
 * Certificates of destruction: one per item destroyed, signed with the firm's audit key and
 * citing the signed log entry of the key destruction, so anyone can check one offline.
 */
export function CertificatesPage() {
  const certificates = useQuery({
    queryKey: retentionKeys.certificates,
    queryFn: retentionApi.certificates,
  });
  const { hash } = useLocation();
  const items = certificates.data?.items ?? [];
  // A link from the queue names one certificate: bring its row into view once the list is there.
  useEffect(() => {
    if (hash && items.length > 0) document.getElementById(hash.slice(1))?.scrollIntoView({ block: 'center' });
  }, [hash, items.length]);
  return (
    <section aria-labelledby="page-title">
      <PageTitle>Certificates of destruction</PageTitle>
      <RetentionTabs />
      <p className="ret-lead">
        Each certificate records what was destroyed, under which schedule, who approved it and when, and cites the tamper-evident audit log entry of the key destruction. The JSON is the signed original; the PDF is for people.
      </p>
      <VerifyNote />
      {certificates.error !== null && <ErrorMessage error={certificates.error} title="The certificates cannot be shown" />}
      {certificates.isPending && <Loading />}
      {certificates.data && items.length === 0 && <p className="ret-empty">No certificate yet. One is issued for each item the retention run destroys after its approval in the disposition queue.</p>}
      {items.length > 0 && (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Certificates of destruction">
          <table className="ret-table">
            <caption className="visually-hidden">Certificates of destruction</caption>
            <thead>
              <tr>
                <th scope="col">Issued</th>
                <th scope="col">Client</th>
                <th scope="col">Matter</th>
                <th scope="col">What was destroyed</th>
                <th scope="col">Download</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id} id={`certificate-${c.id}`} className={hash === `#certificate-${c.id}` ? 'ret-target' : undefined}>
                  <td>{formatTime(c.createdAt)}</td>
                  <td>{c.client.label}</td>
                  <td>{c.matter?.label ?? '—'}</td>
                  <td>
                    {certificateScopeText(c.scope)}
                    <div className="ret-detail">
                      {c.items} {c.items === 1 ? 'item' : 'items'}
                    </div>
                  </td>
                  <td>
                    <CertificateDownloads id={c.id} json={retentionApi.certificateJson} pdf={retentionApi.certificatePdf} label={`${c.matter?.label ?? c.client.label} of ${formatTime(c.createdAt)}`} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** How anyone checks a certificate without trusting this server: the command, with the firm's verifier key. */
export function VerifyNote() {
  const key = useQuery({
    queryKey: ['audit', 'public-key'],
    queryFn: () => data(api.GET('/api/v1/audit/public-key')),
    retry: false,
  });
  const verifierKey = key.data?.verifierKey ?? null;
  return (
    <details className="ret-verify">
      <summary>How to verify a certificate</summary>
      <p>Download its JSON (the PDF is for reading; the signature covers the JSON) and run, on any machine with Confidant installed:</p>
      <pre className="ret-command">
        <code>
          confidant retention verify-certificate certificate.json
          {verifierKey ? ` --key '${verifierKey}'` : ' --key <verifier key>'}
        </code>
      </pre>
      <p>
        It checks the signature, the signed audit checkpoint and the proof that the destruction of the keys is in the log — offline. {verifierKey ? 'The key in the command is' : 'Use'} the firm’s audit verifier key, published at{' '}
        <code>/api/v1/audit/public-key</code>; on the firm’s own server, <code>--key</code> may be left out.
      </p>
    </details>
  );
}
