import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, Loading, PageTitle, TextField } from '../../components';
import { retentionApi, retentionKeys, type RunResult } from './api';
import { ACTION_LABELS, dayInMonths, dayText, itemText, statusText, TRIGGER_LABELS } from './labels';
import { Confirmation, RetentionTabs, StatusBadge } from './parts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Compliance: what would become due by a day — computed from the schedules, the legal minimums,
 * the matters' dates and the holds — before anything runs; and the run itself, on demand.
 */
export function PreviewPage() {
  const [on, setOn] = useState(() => dayInMonths(6));
  const valid = DAY.test(on);
  const preview = useQuery({
    queryKey: retentionKeys.preview(on),
    queryFn: () => retentionApi.preview(on),
    enabled: valid,
  });
  const items = preview.data?.items ?? [];
  return (
    <section aria-labelledby="page-title">
      <PageTitle>Preview and run</PageTitle>
      <RetentionTabs />
      <p className="ret-callout">
        <strong>Nothing runs from this preview.</strong> It shows what the schedules would make due by the end of the day you choose. Items enter the <Link to="/retention/queue">disposition queue</Link> only when a run finds them due, and nothing is
        destroyed before a person approves it there.
      </p>
      <div className="ret-row">
        <TextField label="Due by" type="date" value={on} onChange={(e) => setOn(e.target.value)} hint="Six months ahead unless you choose another day." error={valid ? null : 'Choose a day.'} />
      </div>
      {preview.error !== null && <ErrorMessage error={preview.error} title="The preview cannot be shown" />}
      {valid && preview.isPending && <Loading label="Working out what would be due…" />}
      {preview.data && (
        <p role="status">
          {items.length === 0 ? `Nothing would be due by ${dayText(on)}.` : `${items.length} ${items.length === 1 ? 'item' : 'items'} would be due by ${dayText(on)}`}
          {items.length > 0 && (preview.data.held > 0 ? `; ${preview.data.held} of them ${preview.data.held === 1 ? 'is' : 'are'} on hold and would wait.` : '.')}
          {preview.data.truncated && ' Only the first 2,000 are listed.'}
        </p>
      )}
      {preview.data && items.length === 0 && <p className="ret-empty">A matter becomes due only once it is closed and a schedule in force covers it. Check the schedules if you expected something here.</p>}
      {items.length > 0 && (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="What would be due">
          <table className="ret-table">
            <caption className="visually-hidden">What would be due by {dayText(on)}</caption>
            <thead>
              <tr>
                <th scope="col">Item</th>
                <th scope="col">Client</th>
                <th scope="col">Matter</th>
                <th scope="col">Schedule</th>
                <th scope="col">Counted from</th>
                <th scope="col">Due</th>
                <th scope="col">Then</th>
                <th scope="col">Where it stands</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={`${item.itemType}:${item.itemId}`}>
                  <td>{itemText(item)}</td>
                  <td>{item.client.label}</td>
                  <td>{item.matter?.label ?? '—'}</td>
                  <td>{item.schedule?.name ?? 'Legal minimum (no schedule)'}</td>
                  <td>
                    {dayText(item.triggeredAt)}
                    <div className="ret-detail">{TRIGGER_LABELS[item.trigger]}</div>
                  </td>
                  <td>{dayText(item.dueAt)}</td>
                  <td>{ACTION_LABELS[item.action]}</td>
                  <td>
                    {item.held && <StatusBadge status="held">On hold</StatusBadge>}
                    <div>{statusText(item.status)}</div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <RunNow />
    </section>
  );
}

/** Runs retention now, after saying what a run does; shows its counts. */
function RunNow() {
  const run = usePageAction(retentionKeys.all);
  const [asking, setAsking] = useState(false);
  const [result, setResult] = useState<RunResult | null>(null);
  return (
    <section className="ret-card" aria-labelledby="run-title">
      <h2 id="run-title">Run retention now</h2>
      <p>
        The scheduled run does this on its own (daily, unless the administrator set another interval). Running it now puts what is due today into the disposition queue for review, returns items whose hold was released or whose extension ended to
        review, carries out what reviewers approved — destroying its keys and content — and issues the certificates of destruction.
      </p>
      {!asking && (
        <Button
          onClick={() => {
            setResult(null);
            setAsking(true);
          }}
        >
          Run now
        </Button>
      )}
      {asking && (
        <Confirmation
          title="Run retention now?"
          confirmLabel="Run retention now"
          busy={run.isPending}
          onCancel={() => setAsking(false)}
          onConfirm={() =>
            run.mutate(async () => {
              setResult(await retentionApi.run());
              setAsking(false);
            })
          }
        >
          <p>Approved items are destroyed by this run and cannot be recovered. Items under a legal hold are never touched.</p>
        </Confirmation>
      )}
      {run.error !== null && <ErrorMessage error={run.error} title="The run did not finish" />}
      {result && (
        <div role="status" className="ret-done">
          <p>The run finished:</p>
          <ul className="ret-counts">
            <li>{result.queued} put into the queue for review</li>
            <li>{result.executed} destroyed and certified</li>
            <li>{result.awaitingPhysical} physical records waiting for their witnessed destruction</li>
            <li>{result.held} held by a legal hold</li>
            <li>{result.failed} failed (an alert was raised; the next run tries again)</li>
          </ul>
          {result.masterKeyRotated && <p>The master key was rotated, so backups no longer hold the destroyed keys either.</p>}
          <p>
            <Link to="/retention/queue">Open the disposition queue</Link>
          </p>
        </div>
      )}
    </section>
  );
}
