import { useQuery } from '@tanstack/react-query';
import { ErrorMessage, Loading, PageTitle } from '../../components';
import { formatTime } from '../../lib/format';
import { CHANNEL_LABELS, labelOf, PURPOSE_LABELS, RECIPIENT_CATEGORY_LABELS } from '../consent/labels';
import { portalApi, portalKeys } from './api';
import { DISCLOSURE_BASIS_LABELS, matterNumber } from './labels';
import { Empty } from './parts';

export function PortalDisclosuresPage() {
  const disclosures = useQuery({ queryKey: portalKeys.disclosures, queryFn: portalApi.disclosures });
  return (
    <div className="portal">
      <PageTitle>Disclosures</PageTitle>
      <p>What the firm gave to someone outside it, from your data.</p>
      {disclosures.isPending ? (
        <Loading />
      ) : disclosures.error ? (
        <ErrorMessage error={disclosures.error} title="The disclosures could not be loaded" />
      ) : disclosures.data.items.length === 0 ? (
        <Empty>Nothing of your data was disclosed.</Empty>
      ) : (
        <ul className="portal-cards">
          {disclosures.data.items.map((d) => (
            <li key={d.id} className="portal-card">
              <h3>{d.recipient}</h3>
              <dl className="portal-terms">
                <dt>Kind of recipient</dt>
                <dd>{labelOf(RECIPIENT_CATEGORY_LABELS, d.recipientCategory)}</dd>
                <dt>Why</dt>
                <dd>{labelOf(PURPOSE_LABELS, d.purpose)}</dd>
                <dt>How it was sent</dt>
                <dd>{labelOf(CHANNEL_LABELS, d.channel)}</dd>
                <dt>On what basis</dt>
                <dd>{DISCLOSURE_BASIS_LABELS[d.basis] ?? d.basis}</dd>
                <dt>When</dt>
                <dd>{formatTime(d.executedAt)}</dd>
                <dt>Matter</dt>
                <dd>{matterNumber(d.matter)}</dd>
                <dt>What was given</dt>
                <dd>{d.items === 1 ? '1 item' : `${d.items} items`}</dd>
              </dl>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
