import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, fieldError, Loading, NotFound, PageTitle, TextField } from '../../components';
import { saveBlob } from '../../lib/download';
import { complianceApi, complianceKeys, type Review } from './api';
import { Badge, ComplianceTabs, dateOf, ROLE_ONE, Saved, todayPlus } from './parts';

/** The compliance officer's access review campaigns. */
export function ReviewsPage() {
  const reviews = useQuery({ queryKey: complianceKeys.reviews, queryFn: complianceApi.reviews });
  const [starting, setStarting] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const run = usePageAction(complianceKeys.all);
  const items = reviews.data?.items ?? [];
  return (
    <section aria-labelledby="page-title">
      <PageTitle>Access reviews</PageTitle>
      <ComplianceTabs />
      <p className="cmp-lead">A campaign asks each matter’s lead attorney to certify, for every person on the team and every client-wide grant, whether they still need access. Whatever is not certified by the deadline is revoked automatically (checked every hour).</p>
      <Saved text={saved} />
      <div className="cmp-actions">
        {!starting && <Button onClick={() => { setSaved(null); setStarting(true); }}>Start a review</Button>}
        <Button variant="secondary" busy={run.isPending} onClick={() => run.mutate(() => complianceApi.runDeadlines(), { onSuccess: (r) => setSaved(`Revoked ${(r as { revoked: number }).revoked} item(s) past their deadline.`) })}>
          Apply deadlines now
        </Button>
      </div>
      {run.error !== null && <ErrorMessage error={run.error} title="The deadlines were not applied" />}
      {starting && (
        <StartForm
          onCancel={() => setStarting(false)}
          onSaved={(r) => {
            setStarting(false);
            setSaved(`“${r.title}” started: ${r.items} item(s) to certify by ${r.due}.`);
          }}
        />
      )}
      {reviews.error !== null && <ErrorMessage error={reviews.error} title="The access reviews cannot be shown" />}
      {reviews.isPending && <Loading />}
      {reviews.data && items.length === 0 && <p className="cmp-empty">No access review yet. Start one each quarter.</p>}
      {items.length > 0 && (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Access reviews">
          <table className="cmp-table cmp-stack">
            <thead>
              <tr>
                <th scope="col">Review</th>
                <th scope="col">Deadline</th>
                <th scope="col">Status</th>
                <th scope="col">Kept</th>
                <th scope="col">Revoked</th>
                <th scope="col">Undecided</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id}>
                  <td data-label="Review">
                    <Link to={`/compliance/reviews/${r.id}`}>{r.title}</Link>
                  </td>
                  <td data-label="Deadline">{r.due}</td>
                  <td data-label="Status">{r.status === 'open' ? <Badge tone="warn">Open</Badge> : <Badge tone="ok">Closed</Badge>}</td>
                  <td data-label="Kept">{r.kept}</td>
                  <td data-label="Revoked">{r.revoked}</td>
                  <td data-label="Undecided">{r.undecided}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function StartForm({ onCancel, onSaved }: { onCancel: () => void; onSaved: (r: Review) => void }) {
  const quarter = Math.floor(new Date().getUTCMonth() / 3) + 1;
  const [title, setTitle] = useState(`Q${quarter} ${new Date().getUTCFullYear()} access review`);
  const [due, setDue] = useState(todayPlus(21));
  const save = usePageAction(complianceKeys.all);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(() => complianceApi.startReview({ title, dueDate: due }), { onSuccess: (r) => onSaved(r as Review) });
  };
  return (
    <form className="cmp-form" onSubmit={submit} noValidate aria-label="Start a review">
      <h2>Start a review</h2>
      <TextField label="Title" value={title} onChange={(e) => setTitle(e.target.value)} error={fieldError(save.error, 'body.title')} required maxLength={200} />
      <TextField label="Certify by" hint="After this day, anything not certified is revoked." type="date" value={due} onChange={(e) => setDue(e.target.value)} error={fieldError(save.error, 'body.dueDate')} required />
      {save.error !== null && fieldError(save.error, 'body.title') === null && fieldError(save.error, 'body.dueDate') === null && <ErrorMessage error={save.error} title="The review was not started" />}
      <div className="cmp-actions">
        <Button type="submit" busy={save.isPending}>
          Start
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

/** One campaign: every item with its reviewer and decision, and the CSV evidence. */
export function ReviewPage() {
  const { id = '' } = useParams();
  const review = useQuery({ queryKey: complianceKeys.review(id), queryFn: () => complianceApi.review(id) });
  const download = usePageAction();
  if (review.error !== null && (review.error as { status?: number }).status === 404) return <NotFound />;
  const r = review.data;
  return (
    <section aria-labelledby="page-title">
      <PageTitle>{r ? r.title : 'Access review'}</PageTitle>
      <ComplianceTabs />
      <p>
        <Link to="/compliance/reviews">All access reviews</Link>
      </p>
      {review.isPending && <Loading />}
      {review.error !== null && <ErrorMessage error={review.error} title="The review cannot be shown" />}
      {r && (
        <>
          <p>
            Deadline {r.due} · {r.status === 'open' ? 'open' : `closed ${dateOf(r.closedAt)}`} · {r.kept} kept, {r.revoked} revoked, {r.undecided} undecided of {r.items}
          </p>
          <Button variant="secondary" busy={download.isPending} onClick={() => download.mutate(async () => saveBlob(await complianceApi.evidence(r.id), `access-review-${r.due}.csv`))}>
            Download the evidence (CSV)
          </Button>
          {download.error !== null && <ErrorMessage error={download.error} title="The evidence was not downloaded" />}
          {r.itemList.length === 0 && <p className="cmp-empty">Nothing to certify: no matter had anyone besides its lead attorney.</p>}
          {r.itemList.length > 0 && (
            <div className="table-scroll" tabIndex={0} role="region" aria-label="Review items">
              <table className="cmp-table cmp-stack">
                <thead>
                  <tr>
                    <th scope="col">Matter</th>
                    <th scope="col">Person</th>
                    <th scope="col">Access</th>
                    <th scope="col">Reviewer</th>
                    <th scope="col">Decision</th>
                  </tr>
                </thead>
                <tbody>
                  {r.itemList.map((i) => (
                    <tr key={i.id}>
                      <td data-label="Matter">{i.matter.label}</td>
                      <td data-label="Person">{i.person.name}</td>
                      <td data-label="Access">{i.kind === 'seat' ? `Team: ${ROLE_ONE[i.role] ?? i.role}` : `Whole client: ${ROLE_ONE[i.role] ?? i.role}`}</td>
                      <td data-label="Reviewer">{i.reviewer.name}</td>
                      <td data-label="Decision">
                        {i.automatic ? <Badge tone="bad">Revoked at the deadline</Badge> : i.decision === 'keep' ? <Badge tone="ok">Kept</Badge> : i.decision === 'revoke' ? <Badge tone="neutral">Revoked by the reviewer</Badge> : <Badge tone="warn">Waiting</Badge>}
                        {i.decidedAt !== null && <div className="cmp-detail">{dateOf(i.decidedAt)}</div>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
