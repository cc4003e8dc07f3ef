import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, ErrorMessage, Loading, PageTitle } from '../../components';
import { formatTime } from '../../lib/format';
import { CHANNEL_LABELS, CONSENT_STATUS_LABELS, labelsOf, RECIPIENT_CATEGORY_LABELS } from '../consent/labels';
import { portalApi, portalKeys, type PortalConsent } from './api';
import { EVIDENCE_LABELS } from './labels';
import { ConsentTermsList, Empty } from './parts';

/** What stops at once when a consent is withdrawn, in words for the confirmation. */
function withdrawWarning(consent: PortalConsent): string {
  const to = [...consent.recipients.map((r) => r.name), ...consent.recipientCategories.map((c) => labelsOf(RECIPIENT_CATEGORY_LABELS, [c]))];
  return [
    'Withdraw this consent?',
    '',
    'It takes effect at once:',
    `• the firm may no longer share this data${to.length > 0 ? ` with ${to.join(', ')}` : ''} on the basis of this consent;`,
    `• any open links or sharing by ${labelsOf(CHANNEL_LABELS, consent.channels)} under it stop now.`,
    '',
    'What was shared before stays shared. You can be asked for a new consent later.',
  ].join('\n');
}

function ConsentCard({ consent }: { consent: PortalConsent }) {
  const queryClient = useQueryClient();
  const withdraw = useMutation({
    mutationFn: () => portalApi.withdraw(consent.id),
    onSuccess: () => Promise.all([queryClient.invalidateQueries({ queryKey: portalKeys.consents }), queryClient.invalidateQueries({ queryKey: portalKeys.disclosures }), queryClient.invalidateQueries({ queryKey: portalKeys.activity })]),
  });
  const canWithdraw = consent.status === 'active' || consent.status === 'not_yet_valid';
  return (
    <li className="portal-card">
      <p>
        <span className={`portal-status portal-status-${consent.status}`}>{CONSENT_STATUS_LABELS[consent.status]}</span>{' '}
        <span className="portal-meta">
          {EVIDENCE_LABELS[consent.evidence.kind] ?? consent.evidence.kind} · since {formatTime(consent.validFrom)}
          {consent.withdrawnAt !== null ? ` · withdrawn on ${formatTime(consent.withdrawnAt)}` : ''}
        </span>
      </p>
      <ConsentTermsList terms={consent} />
      {withdraw.error !== null && <ErrorMessage error={withdraw.error} title="The consent was not withdrawn" />}
      {canWithdraw && (
        <Button variant="danger" busy={withdraw.isPending} onClick={() => window.confirm(withdrawWarning(consent)) && withdraw.mutate()}>
          Withdraw
        </Button>
      )}
    </li>
  );
}

export function PortalConsentsPage() {
  const consents = useQuery({ queryKey: portalKeys.consents, queryFn: portalApi.consents });
  return (
    <div className="portal">
      <PageTitle>Consents</PageTitle>
      <p>What you allowed the firm to share, and with whom. You can withdraw a consent at any time.</p>
      {consents.isPending ? (
        <Loading />
      ) : consents.error ? (
        <ErrorMessage error={consents.error} title="Your consents could not be loaded" />
      ) : consents.data.items.length === 0 ? (
        <Empty>You have not given any consent.</Empty>
      ) : (
        <ul className="portal-cards">
          {consents.data.items.map((c) => (
            <ConsentCard key={c.id} consent={c} />
          ))}
        </ul>
      )}
    </div>
  );
}
