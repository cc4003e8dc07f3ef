import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ArchiveProtectionForm, ErrorMessage, isProtectionFieldError, type ArchiveProtection } from '../../components';
import { formatBytes, formatTime } from '../../lib/format';
import { portalApi, portalExportUrl, portalKeys, type PortalExport } from './api';
import { Empty } from './parts';

const STATUS: Record<PortalExport['status'], string> = { pending: 'Waiting for your lawyer', ready: 'Ready to download', declined: 'Declined by your lawyer', expired: 'Expired: ask again if you still need it' };

/**
 * "A copy of your data": the contact asks for an export, protected by a passphrase they choose or
 * their own age key; their lawyer approves it; they download one encrypted file that the free
 * `age` tool opens.
 */
export function ExportSection() {
  const queryClient = useQueryClient();
  const exports = useQuery({ queryKey: portalKeys.exports, queryFn: portalApi.exports });
  const ask = useMutation({
    mutationFn: (protection: ArchiveProtection) => portalApi.requestExport(protection),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: portalKeys.exports }),
  });
  const waiting = exports.data?.items.some((e) => e.status === 'pending') ?? false;
  return (
    <section aria-labelledby="portal-export">
      <h2 id="portal-export">A copy of your data</h2>
      {exports.error !== null && <ErrorMessage error={exports.error} title="Your export requests cannot be shown" />}
      {exports.data && exports.data.items.length === 0 && <Empty>You have not asked for a copy yet.</Empty>}
      {exports.data && exports.data.items.length > 0 && (
        <ul className="portal-list">
          {exports.data.items.map((request) => (
            <li key={request.id}>
              Asked on {formatTime(request.createdAt)} — {STATUS[request.status]}
              {request.status === 'ready' && request.expiresAt !== null && (
                <>
                  {' '}
                  (until {formatTime(request.expiresAt)}): <a href={portalExportUrl(request.id)}>Download the encrypted copy ({formatBytes(request.size ?? 0)})</a>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {waiting ? (
        <p>Your lawyer has been asked; the copy appears here once they approve it.</p>
      ) : (
        <ArchiveProtectionForm label="Ask for a copy of your data" submitLabel="Ask for a copy" busy={ask.isPending} error={ask.error} onSubmit={(protection) => ask.mutate(protection)}>
          <p>
            One file with your matters, documents and the notes kept about them, encrypted so that only you can open it — with a passphrase you choose now (keep it safe: we cannot recover it) or your own age key. Open it with the free{' '}
            <code>age</code> tool. Your lawyer approves the request first.
          </p>
        </ArchiveProtectionForm>
      )}
      {ask.error && !isProtectionFieldError(ask.error) ? <ErrorMessage error={ask.error} title="The request was not sent" /> : null}
      {ask.isSuccess && <p role="status">Your request was sent to your lawyer.</p>}
    </section>
  );
}
