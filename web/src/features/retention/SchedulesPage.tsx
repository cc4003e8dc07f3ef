import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../api/client';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, fieldError, Loading, PageTitle, Select, TextField } from '../../components';
import { retentionApi, retentionKeys, type Action, type Schedule, type ScheduleInput, type Trigger } from './api';
import { ACTION_HINTS, ACTION_LABELS, appliesText, DAYS_PER_YEAR, periodText, ruleText, TRIGGER_LABELS } from './labels';
import { Confirmation, hasFieldErrors, RetentionTabs, StatusBadge } from './parts';
import { daysOf, PeriodField, periodOf, type PeriodValue } from './PeriodField';

const FIELDS = ['body.name', 'body.practiceArea', 'body.jurisdiction', 'body.trigger', 'body.fixedDate', 'body.periodDays', 'body.action'];
const TRIGGERS = (Object.keys(TRIGGER_LABELS) as Trigger[]).map((value) => ({
  value,
  label: TRIGGER_LABELS[value],
}));
const ACTIONS = (Object.keys(ACTION_LABELS) as Action[]).map((value) => ({
  value,
  label: ACTION_LABELS[value],
}));

/**
 * Compliance: the firm's retention schedules — which matters each applies to, from when, for how
 * long and what happens then — with the period actually applied where a legal minimum raises it.
 */
export function SchedulesPage() {
  const schedules = useQuery({
    queryKey: retentionKeys.schedules,
    queryFn: retentionApi.schedules,
  });
  const [editing, setEditing] = useState<Schedule | 'new' | null>(null);
  const [retiring, setRetiring] = useState<Schedule | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const retire = usePageAction(retentionKeys.all);
  const items = schedules.data?.items ?? [];
  const active = items.filter((s) => s.status === 'active');
  const retired = items.filter((s) => s.status === 'retired');

  return (
    <section aria-labelledby="page-title">
      <PageTitle>Retention schedules</PageTitle>
      <RetentionTabs />
      <p className="ret-lead">
        A schedule says how long the firm keeps matters of a practice area or jurisdiction, counted from an event, and what happens then. Where several apply, the longest wins; no schedule can keep anything for less than the{' '}
        <Link to="/retention/minimums">legal minimum</Link>. Nothing is destroyed without a person’s approval in the <Link to="/retention/queue">disposition queue</Link>.
      </p>
      {saved && (
        <p role="status" className="ret-done">
          {saved}
        </p>
      )}
      {editing === null ? (
        <Button
          onClick={() => {
            setSaved(null);
            setEditing('new');
          }}
        >
          New schedule
        </Button>
      ) : (
        <ScheduleForm
          key={editing === 'new' ? 'new' : editing.id}
          schedule={editing === 'new' ? null : editing}
          onCancel={() => setEditing(null)}
          onSaved={(schedule, created) => {
            setEditing(null);
            setSaved(created ? `Schedule “${schedule.name}” added.` : `Schedule “${schedule.name}” changed. It applies to what is not yet in the disposition queue.`);
          }}
        />
      )}
      <h2>Schedules in force</h2>
      {schedules.error !== null && <ErrorMessage error={schedules.error} title="The schedules cannot be shown" />}
      {schedules.isPending && <Loading />}
      {schedules.data && active.length === 0 && <p className="ret-empty">No schedule is in force, so nothing becomes due. Add one with “New schedule”: for example, matters of any practice area, 7 years after the matter closes, to review.</p>}
      {active.length > 0 && (
        <ScheduleTable
          schedules={active}
          caption="Schedules in force"
          onEdit={(s) => {
            setSaved(null);
            setEditing(s);
          }}
          onRetire={setRetiring}
        />
      )}
      {retiring && (
        <Confirmation
          title={`Retire the schedule “${retiring.name}”?`}
          confirmLabel="Retire the schedule"
          busy={retire.isPending}
          onCancel={() => setRetiring(null)}
          onConfirm={() =>
            retire.mutate(() => retentionApi.retireSchedule(retiring.id), {
              onSuccess: () => {
                setSaved(`Schedule “${retiring.name}” retired. It is kept for the record; nothing new becomes due under it.`);
                setRetiring(null);
              },
            })
          }
        >
          <p>It stays listed for the record, but nothing new becomes due under it. Items already in the disposition queue stay there.</p>
          {retire.error !== null && <ErrorMessage error={retire.error} title="The schedule was not retired" />}
        </Confirmation>
      )}
      {retired.length > 0 && (
        <>
          <h2>Retired schedules</h2>
          <ScheduleTable schedules={retired} caption="Retired schedules" />
        </>
      )}
    </section>
  );
}

function ScheduleTable({ schedules, caption, onEdit, onRetire }: { schedules: Schedule[]; caption: string; onEdit?: (s: Schedule) => void; onRetire?: (s: Schedule) => void }) {
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={caption}>
      <table className="ret-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Applies to</th>
            <th scope="col">Kept</th>
            <th scope="col">Then</th>
            <th scope="col">Status</th>
            {onEdit && <th scope="col">Change</th>}
          </tr>
        </thead>
        <tbody>
          {schedules.map((s) => (
            <tr key={s.id}>
              <td>
                <strong>{s.name}</strong>
                <div className="ret-detail">by {s.createdBy.name}</div>
              </td>
              <td>{appliesText(s)}</td>
              <td>
                {ruleText(s)}
                {s.trigger !== 'fixed_date' && s.effectiveDays > s.periodDays && <div className="ret-raised">Applied: {periodText(s.effectiveDays)} — the legal minimum is longer</div>}
              </td>
              <td>{ACTION_LABELS[s.action]}</td>
              <td>
                <StatusBadge status={s.status}>{s.status === 'active' ? 'In force' : 'Retired'}</StatusBadge>
              </td>
              {onEdit && (
                <td>
                  <div className="ret-actions">
                    <Button variant="secondary" onClick={() => onEdit(s)} aria-label={`Edit the schedule ${s.name}`}>
                      Edit
                    </Button>
                    {onRetire && (
                      <Button variant="secondary" onClick={() => onRetire(s)} aria-label={`Retire the schedule ${s.name}`}>
                        Retire
                      </Button>
                    )}
                  </div>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** "… at least 2190 days" also in years, as the form asks for them. */
function inYears(message: string): string {
  const days = Number(/at least (\d+) days/.exec(message)?.[1]);
  return Number.isInteger(days) && days >= DAYS_PER_YEAR ? `${message} (${periodText(days)}).` : message;
}

/** Adding or changing a schedule; the 400 naming a field (a period below the legal minimum above all) shows next to it. */
function ScheduleForm({ schedule, onCancel, onSaved }: { schedule: Schedule | null; onCancel: () => void; onSaved: (schedule: Schedule, created: boolean) => void }) {
  const save = usePageAction(retentionKeys.all);
  const [name, setName] = useState(schedule?.name ?? '');
  const [practiceArea, setPracticeArea] = useState(schedule?.practiceArea ?? '');
  const [jurisdiction, setJurisdiction] = useState(schedule?.jurisdiction ?? '');
  const [trigger, setTrigger] = useState<Trigger>(schedule?.trigger ?? 'matter_closed');
  const [fixedDate, setFixedDate] = useState(schedule?.fixedDate ?? '');
  const [period, setPeriod] = useState<PeriodValue>(schedule ? periodOf(schedule.periodDays) : { amount: '7', unit: 'years' });
  const [action, setAction] = useState<Action>(schedule?.action ?? 'review');
  const [missing, setMissing] = useState<{
    name?: string;
    fixedDate?: string;
    period?: string;
  }>({});
  const error = save.error;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const periodDays = trigger === 'fixed_date' ? 0 : daysOf(period);
    const gaps = {
      ...(name.trim() === '' ? { name: 'Give the schedule a name.' } : {}),
      ...(trigger === 'fixed_date' && fixedDate === '' ? { fixedDate: 'Choose the day.' } : {}),
      ...(periodDays === null
        ? {
            period: period.unit === 'years' ? 'Enter a number of years, such as 7 or 2.5.' : 'Enter a whole number of days.',
          }
        : {}),
    };
    setMissing(gaps);
    if (Object.keys(gaps).length > 0 || periodDays === null) return;
    const body: ScheduleInput = {
      name: name.trim(),
      practiceArea: practiceArea.trim() || null,
      jurisdiction: jurisdiction.trim() || null,
      trigger,
      fixedDate: trigger === 'fixed_date' ? fixedDate : null,
      periodDays,
      action,
    };
    save.mutate(async () => {
      const result = schedule ? await retentionApi.changeSchedule(schedule.id, body) : await retentionApi.createSchedule(body);
      onSaved(result, schedule === null);
    });
  };

  // The legal minimum is a refusal about the period: shown there, in the server's words.
  const belowMinimum = error instanceof ApiError && error.code === 'RETENTION_BELOW_MINIMUM' ? inYears(error.message) : null;
  const periodError = missing.period ?? fieldError(error, 'body.periodDays') ?? belowMinimum;
  const title = schedule ? `Change the schedule “${schedule.name}”` : 'New schedule';
  return (
    <form className="ret-form ret-card" onSubmit={submit} aria-label={title} noValidate>
      <h2>{title}</h2>
      <TextField
        label="Name"
        required
        value={name}
        onChange={(e) => {
          setName(e.target.value);
          setMissing((m) => ({ ...m, name: undefined }));
        }}
        maxLength={200}
        hint="For example: Employment files."
        error={missing.name ?? fieldError(error, 'body.name')}
      />
      <div className="ret-row">
        <TextField label="Practice area" value={practiceArea} onChange={(e) => setPracticeArea(e.target.value)} maxLength={100} hint="As on the matter (its type). Leave empty for any." error={fieldError(error, 'body.practiceArea')} />
        <TextField label="Jurisdiction" value={jurisdiction} onChange={(e) => setJurisdiction(e.target.value)} maxLength={100} hint="Leave empty for any." error={fieldError(error, 'body.jurisdiction')} />
      </div>
      <Select
        label="Counted from"
        value={trigger}
        onChange={(e) => setTrigger(e.target.value as Trigger)}
        options={TRIGGERS}
        hint={
          trigger === 'document_superseded'
            ? 'Older versions of a document, from the day the next version replaced them.'
            : trigger === 'client_ended'
              ? 'From the end of the client relationship (the client page’s “End of the engagement”).'
              : undefined
        }
        error={fieldError(error, 'body.trigger')}
      />
      {trigger === 'fixed_date' ? (
        <TextField
          label="Day"
          type="date"
          required
          value={fixedDate}
          onChange={(e) => {
            setFixedDate(e.target.value);
            setMissing((m) => ({ ...m, fixedDate: undefined }));
          }}
          hint="Matching matters become due on this day (never before their legal minimum after closing)."
          error={missing.fixedDate ?? fieldError(error, 'body.fixedDate')}
        />
      ) : (
        <PeriodField
          label="Keep for"
          required
          value={period}
          onChange={(v) => {
            setPeriod(v);
            setMissing((m) => ({ ...m, period: undefined }));
          }}
          hint="In years or days. The legal minimum for these matters applies if it is longer."
          error={periodError}
        />
      )}
      <Select label="Then" value={action} onChange={(e) => setAction(e.target.value as Action)} options={ACTIONS} hint={ACTION_HINTS[action]} error={fieldError(error, 'body.action')} />
      {error !== null && !belowMinimum && !hasFieldErrors(error, FIELDS) && <ErrorMessage error={error} title="The schedule was not saved" />}
      <div className="ret-actions">
        <Button type="submit" busy={save.isPending}>
          {schedule ? 'Save the schedule' : 'Add the schedule'}
        </Button>
        <Button variant="secondary" onClick={onCancel} disabled={save.isPending}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
