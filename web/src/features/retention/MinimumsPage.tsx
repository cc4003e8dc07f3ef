import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, fieldError, Loading, PageTitle, TextField } from '../../components';
import { formatTime } from '../../lib/format';
import { retentionApi, retentionKeys, type Minimum } from './api';
import { periodText } from './labels';
import { Confirmation, hasFieldErrors, RetentionTabs } from './parts';
import { daysOf, PeriodField, type PeriodValue } from './PeriodField';

const FIELDS = ['body.practiceArea', 'body.jurisdiction', 'body.minDays', 'body.citation'];

/**
 * Compliance: the legal minimums — how long the law requires matters of a practice area or
 * jurisdiction to be kept. No schedule may undercut one; a shorter schedule is applied at it.
 */
export function MinimumsPage() {
  const minimums = useQuery({
    queryKey: retentionKeys.minimums,
    queryFn: retentionApi.minimums,
  });
  const remove = usePageAction(retentionKeys.all);
  const [removing, setRemoving] = useState<Minimum | null>(null);
  const [done, setDone] = useState<string | null>(null);
  return (
    <section aria-labelledby="page-title">
      <PageTitle>Legal minimums</PageTitle>
      <RetentionTabs />
      <p className="ret-lead">
        The least time the law requires the firm to keep matters of a practice area or jurisdiction — from a statute or a regulator’s rule. A schedule for these matters cannot be shorter, and one written before the rule is applied at the minimum.
      </p>
      {done && (
        <p role="status" className="ret-done">
          {done}
        </p>
      )}
      <MinimumForm onAdded={(m) => setDone(`Legal minimum of ${periodText(m.minDays)} recorded (${m.citation}).`)} />
      <h2>Minimums recorded</h2>
      {minimums.error !== null && <ErrorMessage error={minimums.error} title="The legal minimums cannot be shown" />}
      {minimums.isPending && <Loading />}
      {minimums.data && minimums.data.items.length === 0 && <p className="ret-empty">No legal minimum is recorded. Add the rules that apply to the firm’s work, with their source, so no schedule lets anything go too early.</p>}
      {minimums.data && minimums.data.items.length > 0 && (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Legal minimums">
          <table className="ret-table">
            <caption className="visually-hidden">Legal minimums</caption>
            <thead>
              <tr>
                <th scope="col">Practice area</th>
                <th scope="col">Jurisdiction</th>
                <th scope="col">Keep at least</th>
                <th scope="col">Source</th>
                <th scope="col">Recorded</th>
                <th scope="col">Remove</th>
              </tr>
            </thead>
            <tbody>
              {minimums.data.items.map((m) => (
                <tr key={m.id}>
                  <td>{m.practiceArea ?? 'Any'}</td>
                  <td>{m.jurisdiction ?? 'Any'}</td>
                  <td>{periodText(m.minDays)}</td>
                  <td className="ret-pre">{m.citation}</td>
                  <td>{formatTime(m.createdAt)}</td>
                  <td>
                    <Button variant="secondary" onClick={() => setRemoving(m)} aria-label={`Remove the minimum of ${periodText(m.minDays)} (${m.citation})`}>
                      Remove
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {removing && (
        <Confirmation
          title={`Remove the legal minimum of ${periodText(removing.minDays)}?`}
          confirmLabel="Remove the minimum"
          busy={remove.isPending}
          onCancel={() => setRemoving(null)}
          onConfirm={() =>
            remove.mutate(() => retentionApi.deleteMinimum(removing.id), {
              onSuccess: () => {
                setDone(`Legal minimum removed (${removing.citation}).`);
                setRemoving(null);
              },
            })
          }
        >
          <p>Schedules for these matters are then applied at their own period, which may be shorter. Remove a minimum only when the rule no longer applies.</p>
          {remove.error !== null && <ErrorMessage error={remove.error} title="The minimum was not removed" />}
        </Confirmation>
      )}
    </section>
  );
}

function MinimumForm({ onAdded }: { onAdded: (m: Minimum) => void }) {
  const add = usePageAction(retentionKeys.all);
  const [practiceArea, setPracticeArea] = useState('');
  const [jurisdiction, setJurisdiction] = useState('');
  const [period, setPeriod] = useState<PeriodValue>({
    amount: '',
    unit: 'years',
  });
  const [citation, setCitation] = useState('');
  const [missing, setMissing] = useState<{
    period?: string;
    citation?: string;
  }>({});
  const error = add.error;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const minDays = daysOf(period);
    const gaps = {
      ...(minDays === null || minDays < 1
        ? {
            period: 'Enter how long the law requires: a number of years or days.',
          }
        : {}),
      ...(citation.trim() === '' ? { citation: 'Say where the rule comes from.' } : {}),
    };
    setMissing(gaps);
    if (Object.keys(gaps).length > 0 || minDays === null) return;
    add.mutate(async () => {
      const created = await retentionApi.createMinimum({
        practiceArea: practiceArea.trim() || null,
        jurisdiction: jurisdiction.trim() || null,
        minDays,
        citation: citation.trim(),
      });
      setPracticeArea('');
      setJurisdiction('');
      setPeriod({ amount: '', unit: 'years' });
      setCitation('');
      onAdded(created);
    });
  };
  return (
    <details className="ret-new">
      <summary>Add a legal minimum</summary>
      <form className="ret-form" onSubmit={submit} aria-label="Add a legal minimum" noValidate>
        <div className="ret-row">
          <TextField label="Practice area" value={practiceArea} onChange={(e) => setPracticeArea(e.target.value)} maxLength={100} hint="Leave empty for any." error={fieldError(error, 'body.practiceArea')} />
          <TextField label="Jurisdiction" value={jurisdiction} onChange={(e) => setJurisdiction(e.target.value)} maxLength={100} hint="Leave empty for any." error={fieldError(error, 'body.jurisdiction')} />
        </div>
        <PeriodField
          label="Keep at least"
          required
          value={period}
          onChange={(v) => {
            setPeriod(v);
            setMissing((m) => ({ ...m, period: undefined }));
          }}
          error={missing.period ?? fieldError(error, 'body.minDays')}
        />
        <TextField
          label="Source of the rule"
          required
          value={citation}
          onChange={(e) => {
            setCitation(e.target.value);
            setMissing((m) => ({ ...m, citation: undefined }));
          }}
          maxLength={300}
          hint="The statute or regulator’s rule, e.g. “Limitation Act 1980 s.5”."
          error={missing.citation ?? fieldError(error, 'body.citation')}
        />
        {error !== null && !hasFieldErrors(error, FIELDS) && <ErrorMessage error={error} title="The minimum was not recorded" />}
        <Button type="submit" busy={add.isPending}>
          Add the minimum
        </Button>
      </form>
    </details>
  );
}
