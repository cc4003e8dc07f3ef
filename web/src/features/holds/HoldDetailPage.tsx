import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, fieldError, Loading, NotFound, PageTitle, TextArea } from '../../components';
import { formatTime } from '../../lib/format';
import { holdKeys, holdsApi, type Hold } from './api';
import { acknowledgedText, coversText, SCOPE_HINTS } from './labels';

/**
 * One legal hold: what it covers, why, who placed it, the custodians' notices and
 * acknowledgements; release (compliance officer, with a reason). Anyone who may not see it gets
 * the same page as for an address that does not exist.
 */
export function HoldDetailPage() {
  const { holdId = '' } = useParams();
  const hold = useQuery({
    queryKey: holdKeys.hold(holdId),
    queryFn: () => holdsApi.hold(holdId),
    retry: false,
  });
  if (hold.error instanceof ApiError && hold.error.status === 404) return <NotFound />;
  if (hold.error) return <ErrorMessage error={hold.error} title="This hold cannot be shown" />;
  if (!hold.data) return <Loading />;
  const h = hold.data;
  return (
    <section aria-labelledby="page-title">
      <PageTitle title={`Legal hold: ${h.name}`}>
        Legal hold: {h.name} <span className={`hold-badge hold-badge-${h.status}`}>{h.status === 'active' ? 'In force' : 'Released'}</span>
      </PageTitle>
      <p>
        <Link to="/holds">All legal holds</Link>
      </p>
      {h.status === 'active' && <p className="hold-callout">Nothing this hold covers may be changed, deleted or destroyed — in Confidant or anywhere else it is kept — until it is released.</p>}
      <dl className="hold-facts">
        <dt>Client</dt>
        <dd>{h.client.label}</dd>
        <dt>Matter</dt>
        <dd>{h.matter ? <Link to={`/matters/${h.matter.id}`}>{h.matter.label}</Link> : 'All matters of the client'}</dd>
        <dt>Covers</dt>
        <dd>
          {coversText(h)}
          <div className="hold-detail">{SCOPE_HINTS[h.scope]}</div>
        </dd>
        {h.scope === 'documents' && h.matter && (
          <>
            <dt>Documents</dt>
            <dd>
              <HeldDocuments matterId={h.matter.id} ids={h.documentIds} />
            </dd>
          </>
        )}
        <dt>Placed</dt>
        <dd>
          {formatTime(h.createdAt)} by {h.createdBy.name}
        </dd>
        <dt>Reason</dt>
        <dd className="hold-pre">{h.reason}</dd>
        {h.status === 'released' && (
          <>
            <dt>Released</dt>
            <dd>
              {formatTime(h.releasedAt)} by {h.releasedBy?.name ?? '—'}
            </dd>
            <dt>Why it ended</dt>
            <dd className="hold-pre">{h.releaseReason ?? '—'}</dd>
          </>
        )}
      </dl>
      <h2>Custodians</h2>
      <p>Acknowledged: {acknowledgedText(h)}. Those who have not acknowledged are reminded by e-mail until they do.</p>
      {h.notices.length === 0 ? (
        <p className="hold-empty">Nobody was notified of this hold.</p>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Custodians notified">
          <table className="hold-table">
            <caption className="visually-hidden">Custodians notified</caption>
            <thead>
              <tr>
                <th scope="col">Custodian</th>
                <th scope="col">Notified</th>
                <th scope="col">Acknowledged</th>
                <th scope="col">Reminders</th>
              </tr>
            </thead>
            <tbody>
              {h.notices.map((n) => (
                <tr key={n.user.id}>
                  <td>{n.user.name}</td>
                  <td>{formatTime(n.notifiedAt)}</td>
                  <td>{n.acknowledgedAt === null ? 'Not yet' : formatTime(n.acknowledgedAt)}</td>
                  <td>{n.reminders}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {h.canRelease && <ReleaseForm hold={h} />}
    </section>
  );
}

/** The held documents by name, where the viewer may list the matter's documents. */
function HeldDocuments({ matterId, ids }: { matterId: string; ids: string[] }) {
  const documents = useQuery({
    queryKey: holdKeys.documents(matterId),
    queryFn: () => holdsApi.documents(matterId),
    retry: false,
  });
  if (documents.error || !documents.data) return <>{ids.length === 1 ? '1 document' : `${ids.length} documents`}</>;
  const names = new Map(documents.data.items.map((d) => [d.id, d.name]));
  return (
    <ul className="hold-list">
      {ids.map((id) => (
        <li key={id}>{names.get(id) ?? 'A document no longer listed'}</li>
      ))}
    </ul>
  );
}

function ReleaseForm({ hold }: { hold: Hold }) {
  const release = usePageAction(holdKeys.all);
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const error = release.error;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (reason.trim() === '') {
      setMissing(true);
      return;
    }
    setMissing(false);
    release.mutate(() => holdsApi.release(hold.id, reason.trim()));
  };
  return (
    <section className="hold-card" aria-labelledby="release-title">
      <h2 id="release-title">Release the hold</h2>
      <p>Once released, what the hold covered can be changed and destroyed again — unless another hold covers it — and retention resumes. The custodians are not mailed; the release is recorded with its reason.</p>
      <form onSubmit={submit} aria-label="Release the hold" noValidate>
        <TextArea
          label="Why the hold ends"
          required
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          maxLength={2000}
          rows={3}
          hint="For example: the dispute settled and the appeal period is over. Kept sealed."
          error={missing ? 'Say why the hold ends.' : fieldError(error, 'body.reason')}
        />
        {error !== null && !fieldError(error, 'body.reason') && <ErrorMessage error={error} title="The hold was not released" />}
        <Button type="submit" variant="danger" busy={release.isPending}>
          Release the hold
        </Button>
      </form>
    </section>
  );
}
