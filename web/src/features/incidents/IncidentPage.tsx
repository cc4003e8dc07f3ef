import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, fieldError, Loading, NotFound, PageTitle, PersonPicker, Select, TextArea, TextField, type PickerOption } from '../../components';
import { parseLocal } from '../../lib/format';
import { incidentKeys, incidentsApi, type Clock, type Containment, type Incident, type Regime, type TimelineEntry } from './api';
import { LettersSection } from './LettersSection';
import { CLOCK_WORDS, Confirmation, CONTAINMENT_WORDS, dayInput, dayOf, labelOf, localInput, nextStep, NOTIFY_WORDS, Saved, SeverityBadge, spanOf, STATUS_WORDS, StatusBadge, STEP_MEANING, STEPS, timeOf } from './parts';

/** One incident: the compliance officer's whole response; the reporter's view of their report and its steps. */
export function IncidentPage() {
  const { id = '' } = useParams();
  const location = useLocation();
  const reported = (location.state as { reported?: boolean } | null)?.reported === true;
  const incident = useQuery({ queryKey: incidentKeys.one(id), queryFn: () => incidentsApi.get(id) });
  if (incident.error instanceof ApiError && (incident.error.status === 404 || incident.error.status === 400)) return <NotFound />;
  if (incident.error) return <ErrorMessage error={incident.error} title="The incident cannot be shown" />;
  if (!incident.data) return <Loading />;
  const i = incident.data;
  return (
    <section aria-labelledby="page-title" className="inc-page">
      <p className="inc-back">
        <Link to="/incidents">{i.viewer === 'manage' ? '← Incidents' : '← Your reports'}</Link>
      </p>
      <PageTitle title={`${i.number} ${i.title}`}>
        <span className="inc-number">{i.number}</span> {i.title}
      </PageTitle>
      <p className="inc-badges">
        <SeverityBadge severity={i.severity} /> <StatusBadge status={i.status} />
      </p>
      {reported && i.status === 'reported' && <Saved text={`Thank you. Your report is recorded as ${i.number}; the compliance officer has it in their list of incidents.`} />}
      <Facts incident={i} />
      {i.viewer === 'manage' ? <Manage incident={i} /> : <ReporterSteps incident={i} />}
    </section>
  );
}

function Facts({ incident: i }: { incident: Incident }) {
  return (
    <div className="inc-card">
      <dl className="inc-facts">
        <div>
          <dt>{i.source === 'alert' ? 'Opened by' : 'Reported by'}</dt>
          <dd>
            {i.reportedBy.name}
            {i.source === 'alert' && <span className="inc-detail"> (from a monitoring alert)</span>}
          </dd>
        </div>
        <div>
          <dt>Reported</dt>
          <dd>{timeOf(i.reportedAt)}</dd>
        </div>
        <div>
          <dt>Happened</dt>
          <dd>{i.occurredAt ? timeOf(i.occurredAt) : 'Not known'}</dd>
        </div>
        <div>
          <dt>The firm became aware</dt>
          <dd>{timeOf(i.awareAt)}</dd>
        </div>
        {i.closedAt && (
          <div>
            <dt>Closed</dt>
            <dd>{timeOf(i.closedAt)}</dd>
          </div>
        )}
      </dl>
      <h2 className="inc-small-heading">Details</h2>
      <p className="inc-description">{i.description}</p>
    </div>
  );
}

/** What the reporter sees: the steps their report has been through. */
function ReporterSteps({ incident: i }: { incident: Incident }) {
  return (
    <section aria-labelledby="steps-title" className="inc-section">
      <h2 id="steps-title">Steps</h2>
      <p className="inc-detail">The compliance officer moves the incident through its steps: {STEPS.map((s) => STATUS_WORDS[s]).join(' → ')}.</p>
      <ol className="inc-timeline">
        {i.timeline.map((t, n) => (
          <li key={n}>
            <span className="inc-when">{timeOf(t.at)}</span> <strong>{t.kind === 'reported' ? 'Reported' : `Moved to ${t.status ? STATUS_WORDS[t.status] : '—'}`}</strong> <span className="inc-detail">by {t.by.name}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

function Manage({ incident: i }: { incident: Incident }) {
  const regimes = useQuery({ queryKey: incidentKeys.regimes, queryFn: () => incidentsApi.regimes() });
  const names = new Map((regimes.data?.items ?? []).map((r) => [r.id, r.name]));
  const closed = i.status === 'closed';
  return (
    <>
      <Advance incident={i} />
      <Clocks incident={i} names={names} />
      {!closed && <Regimes incident={i} regimes={regimes.data?.items ?? null} error={regimes.error} />}
      <ScopeSection incident={i} />
      <ContainmentSection incident={i} />
      <LettersSection incident={i} />
      <ActionsSection incident={i} />
      <Timeline incident={i} names={names} />
    </>
  );
}

function Advance({ incident: i }: { incident: Incident }) {
  const next = nextStep(i.status);
  const [note, setNote] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const move = usePageAction(incidentKeys.all);
  if (!next) return <Saved text={saved ?? 'This incident is closed.'} />;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(null);
    move.mutate(() => incidentsApi.advance(i.id, next, note.trim() || undefined), {
      onSuccess: () => {
        setNote('');
        setSaved(`Moved to ${STATUS_WORDS[next]}.`);
      },
    });
  };
  const refused = move.error instanceof ApiError && move.error.code === 'INCIDENT_STATE' ? move.error.message : null;
  return (
    <section aria-labelledby="advance-title" className="inc-section inc-advance">
      <h2 id="advance-title">Next step: {STATUS_WORDS[next]}</h2>
      <ol className="inc-steps" aria-label="Steps">
        {STEPS.map((s) => (
          <li key={s} className={s === i.status ? 'inc-step-now' : STEPS.indexOf(s) < STEPS.indexOf(i.status) ? 'inc-step-done' : undefined} aria-current={s === i.status ? 'step' : undefined}>
            {STATUS_WORDS[s]}
          </li>
        ))}
      </ol>
      <p className="inc-detail">{STEP_MEANING[next]}</p>
      <Saved text={saved} />
      <form onSubmit={submit} className="inc-inline-form" aria-label={`Move to ${STATUS_WORDS[next]}`}>
        <TextArea label="Note (optional)" hint="Why, and what was done. It goes on the timeline." rows={2} value={note} onChange={(e) => setNote(e.target.value)} maxLength={4000} error={fieldError(move.error, 'body.note')} />
        {refused && (
          <p className="inc-refused" role="alert">
            Not moved: {refused}.
          </p>
        )}
        {move.error !== null && !refused && fieldError(move.error, 'body.note') === null && <ErrorMessage error={move.error} title="Not moved" />}
        <Button type="submit" busy={move.isPending}>
          Move to {STATUS_WORDS[next]}
        </Button>
      </form>
    </section>
  );
}

function Clocks({ incident: i, names }: { incident: Incident; names: Map<string, string> }) {
  return (
    <section aria-labelledby="clocks-title" className="inc-section">
      <h2 id="clocks-title">Deadlines</h2>
      {i.clocks.length === 0 ? (
        <p className="inc-empty">No deadline runs yet: choose the rules that apply below. Each one’s clock runs from when the firm became aware ({timeOf(i.awareAt)}).</p>
      ) : (
        <>
          <p className="inc-detail">From when the firm became aware, {timeOf(i.awareAt)}. The clocks stop when the incident is notified.</p>
          <ul className="inc-clocks">
            {i.clocks.map((c) => (
              <ClockCard key={`${c.regime}:${c.key}`} clock={c} regime={names.get(c.regime) ?? c.regime.toUpperCase()} awareAt={i.awareAt} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function ClockCard({ clock: c, regime, awareAt }: { clock: Clock; regime: string; awareAt: string }) {
  const left = c.remainingMs;
  const hours = Math.round((Date.parse(c.dueAt) - Date.parse(awareAt)) / 3_600_000);
  return (
    <li className={`inc-clock inc-clock-${c.state}`} aria-label={c.label}>
      <p className="inc-clock-head">
        <span className="inc-clock-state">{CLOCK_WORDS[c.state] ?? c.state}</span> <strong title={c.citation}>{c.label}</strong>
      </p>
      <p className="inc-detail">
        {regime} · {NOTIFY_WORDS[c.notify] ?? c.notify}
      </p>
      <p>
        Due {timeOf(c.dueAt)}, {hours % 24 === 0 && hours > 72 ? `${hours / 24} days` : `${hours} h`} after the firm became aware —{' '}
        <strong className="inc-left">{c.state === 'stopped' ? 'stopped (notified)' : left < 0 ? `${spanOf(-left)} overdue` : `${spanOf(left)} left`}</strong>
      </p>
      {c.undueDelay && <p className="inc-undue">Without undue delay: the due time is a prompt, not an allowance — act as soon as you can.</p>}
      <details>
        <summary>The rule</summary>
        <p>{c.citation}</p>
      </details>
    </li>
  );
}

function Regimes({ incident: i, regimes, error }: { incident: Incident; regimes: Regime[] | null; error: unknown }) {
  const [chosen, setChosen] = useState<Set<string>>(() => new Set(i.regimes));
  const [saved, setSaved] = useState<string | null>(null);
  const save = usePageAction(incidentKeys.all);
  const key = i.regimes.join(',');
  useEffect(() => setChosen(new Set(key ? key.split(',') : [])), [key]);
  const base = useId();
  const changed = [...chosen].sort().join(',') !== [...i.regimes].sort().join(',');
  return (
    <section aria-labelledby="regimes-title" className="inc-section">
      <h2 id="regimes-title">Which rules apply</h2>
      {error !== null && <ErrorMessage error={error} title="The rules cannot be shown" />}
      {regimes === null && error === null && <Loading />}
      {regimes && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setSaved(null);
            save.mutate(() => incidentsApi.setRegimes(i.id, [...chosen]), { onSuccess: () => setSaved(chosen.size === 0 ? 'No rules apply: no deadline runs.' : 'Saved: the deadlines above follow the rules chosen.') });
          }}
          aria-label="Which rules apply"
        >
          <fieldset className="inc-regimes">
            <legend>Tick every set of rules this incident falls under</legend>
            {regimes.map((r) => (
              <div key={r.id} className="inc-check inc-regime">
                <input
                  id={`${base}-${r.id}`}
                  type="checkbox"
                  checked={chosen.has(r.id)}
                  aria-describedby={`${base}-${r.id}-when`}
                  onChange={(e) => {
                    const next = new Set(chosen);
                    if (e.target.checked) next.add(r.id);
                    else next.delete(r.id);
                    setChosen(next);
                  }}
                />
                <label htmlFor={`${base}-${r.id}`}>
                  <strong>{r.name}</strong>
                  <span className="inc-detail" id={`${base}-${r.id}-when`}>
                    {' '}
                    — {r.appliesWhen}. {r.deadlines.map((d) => `${d.label}: ${d.undueDelay ? 'without undue delay' : spanOf(d.hours * 3_600_000)}`).join('; ')}.
                  </span>
                </label>
              </div>
            ))}
          </fieldset>
          {fieldError(save.error, 'body.regimes') && <p className="field-error">{fieldError(save.error, 'body.regimes')}</p>}
          {save.error !== null && fieldError(save.error, 'body.regimes') === null && <ErrorMessage error={save.error} title="Not saved" />}
          <Saved text={saved} />
          <Button type="submit" busy={save.isPending} disabled={!changed}>
            Save the rules
          </Button>
        </form>
      )}
    </section>
  );
}

const CLASSIFICATION_WORDS: Record<string, string> = { internal: 'Internal', confidential: 'Confidential', privileged: 'Privileged', 'client-secret': 'Client secret' };

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function ScopeSection({ incident: i }: { incident: Incident }) {
  const frozen = i.scopeFrozenAt !== null;
  const s = i.scope;
  return (
    <section aria-labelledby="scope-title" className="inc-section">
      <h2 id="scope-title">Scope</h2>
      <p className="inc-detail">
        What the people involved (or requests from an address range) touched in a window, from the audit log: clients, matters and documents. Work it out as often as you need until the incident is assessed — the scope is then frozen into the incident.
      </p>
      {s ? (
        <div className="inc-card" aria-label="The scope">
          <p>
            {s.actors.length > 0 && <>People: {s.actors.map((a) => a.name).join(', ')}. </>}
            {s.ipRange && <>Addresses: {s.ipRange}. </>}
            From {timeOf(new Date(s.since).toISOString())} until {timeOf(new Date(s.until).toISOString())}.
          </p>
          <ul className="inc-counts" aria-label="Counts">
            <li>
              <strong>{s.counts.clients}</strong> {s.counts.clients === 1 ? 'client' : 'clients'}
            </li>
            <li>
              <strong>{s.counts.matters}</strong> {s.counts.matters === 1 ? 'matter' : 'matters'}
            </li>
            <li>
              <strong>{s.counts.documents}</strong> {s.counts.documents === 1 ? 'document' : 'documents'}
            </li>
            <li>
              <strong>{s.privileged}</strong> privileged
            </li>
          </ul>
          <p className="inc-detail">
            From {plural(s.events, 'event', 'events')} in the audit log, worked out {timeOf(new Date(s.computedAt).toISOString())}.{s.truncated && ' The scan reached its limit of 10,000 of a kind: the counts are at least these.'}
          </p>
          {Object.keys(s.byClassification).length > 0 && (
            <p>
              Documents by classification:{' '}
              {Object.entries(s.byClassification)
                .map(([k, n]) => `${CLASSIFICATION_WORDS[k] ?? k} ${n}`)
                .join(', ')}
              .
            </p>
          )}
          {s.matters.length > 0 && (
            <>
              <h3>Matters</h3>
              <ul className="inc-labels">
                {s.matters.map((m) => (
                  <li key={m.id}>{labelOf(m.label, 'matter')}</li>
                ))}
              </ul>
            </>
          )}
          {s.clients.length > 0 && (
            <>
              <h3>Clients</h3>
              <ul className="inc-labels">
                {s.clients.map((c) => (
                  <li key={c.id}>{labelOf(c.label, 'client')}</li>
                ))}
              </ul>
            </>
          )}
          {(s.matters.length > 0 || s.clients.length > 0) && <p className="inc-detail">A matter’s title and a client’s name show only where you may open them; otherwise the number, or “name withheld”.</p>}
          <p className="inc-frozen">{frozen ? `Frozen ${timeOf(i.scopeFrozenAt)}, when the incident was assessed.` : 'Not frozen yet: it is frozen into the incident when the incident is assessed.'}</p>
        </div>
      ) : (
        <p className="inc-empty">No scope worked out yet. The incident cannot be assessed without one.</p>
      )}
      {!frozen && i.status !== 'closed' && <ScopeForm incident={i} />}
    </section>
  );
}

function ScopeForm({ incident: i }: { incident: Incident }) {
  const start = i.occurredAt ? Date.parse(i.occurredAt) - 86_400_000 : Date.parse(i.awareAt) - 7 * 86_400_000;
  const [people, setPeople] = useState<PickerOption[]>(() => (i.scope ? i.scope.actors.map((a) => ({ id: a.id, label: a.name })) : []));
  const [picking, setPicking] = useState<PickerOption | null>(null);
  const [ipRange, setIpRange] = useState(i.scope?.ipRange ?? '');
  const [since, setSince] = useState(() => localInput(i.scope?.since ?? start));
  const [until, setUntil] = useState(() => localInput(i.scope ? Math.max(i.scope.until, Date.now()) : Date.now()));
  const [checked, setChecked] = useState(false);
  const run = usePageAction(incidentKeys.all);
  const sinceMs = parseLocal(since);
  const untilMs = parseLocal(until);
  const gaps = {
    who: people.length === 0 && ipRange.trim() === '' ? 'Name at least one person, or give an address range.' : null,
    since: sinceMs === null ? 'Give the start of the window.' : null,
    until: untilMs === null ? 'Give the end of the window.' : sinceMs !== null && untilMs < sinceMs ? 'The end must be after the start.' : null,
  };
  const shown = (gap: string | null) => (checked ? gap : null);
  const error = run.error;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    if (Object.values(gaps).some((g) => g !== null) || sinceMs === null || untilMs === null) return;
    // The end of the window is "now" at the latest: what happens later is not in the log yet.
    run.mutate(() => incidentsApi.scope(i.id, { actorIds: people.map((p) => p.id), ...(ipRange.trim() ? { ipRange: ipRange.trim() } : {}), since: sinceMs, until: Math.min(untilMs + 59_999, Date.now()) }));
  };
  const ipWords = (() => {
    const m = fieldError(error, 'body.ipRange');
    return m ? `The address range ${m}.` : null;
  })();
  return (
    <form className="inc-form" onSubmit={submit} noValidate aria-label="Work out the scope">
      <h3>{i.scope ? 'Work out the scope again' : 'Work out the scope'}</h3>
      <div className="inc-people">
        <PersonPicker label="People involved" hint="Whose accounts were compromised or misused. Add each one." value={picking} onChange={(p) => (p && !people.some((x) => x.id === p.id) ? (setPeople([...people, p]), setPicking(null)) : setPicking(null))} error={shown(gaps.who) ?? fieldError(error, 'body.actorIds')} />
        {people.length > 0 && (
          <ul className="inc-chosen" aria-label="People named">
            {people.map((p) => (
              <li key={p.id}>
                {p.label}{' '}
                <Button variant="secondary" onClick={() => setPeople(people.filter((x) => x.id !== p.id))} aria-label={`Remove ${p.label}`}>
                  Remove
                </Button>
              </li>
            ))}
          </ul>
        )}
      </div>
      <TextField label="Address range (optional)" hint="One address, or an IPv4 range such as 203.0.113.0/24." value={ipRange} onChange={(e) => setIpRange(e.target.value)} error={ipWords} maxLength={64} />
      <div className="inc-row">
        <TextField label="From" type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} error={shown(gaps.since) ?? fieldError(error, 'body.since')} required />
        <TextField label="Until" type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} error={shown(gaps.until) ?? fieldError(error, 'body.until')} required />
      </div>
      {error !== null && !['body.actorIds', 'body.ipRange', 'body.since', 'body.until'].some((p) => fieldError(error, p) !== null) && <ErrorMessage error={error} title="The scope was not worked out" />}
      <Button type="submit" busy={run.isPending}>
        Work out the scope
      </Button>
    </form>
  );
}

type ContainAction = 'disable_account' | 'end_sessions' | 'revoke_disclosures';

/** What each containment is called, asks and says, in one place. */
const CONTAIN: Record<ContainAction, { option: string; title: (name: string) => string; confirm: string; button: string; saved: (name: string) => string; explain: (name: string) => string }> = {
  disable_account: {
    option: 'Disable the account (can be reversed)',
    title: (name) => `Disable ${name}’s account?`,
    confirm: 'Disable the account',
    button: 'Disable the account…',
    saved: (name) => `${name}’s account is disabled.`,
    explain: (name) => `${name} is signed out everywhere at once: their sessions, API tokens and links end, and they cannot sign in until the account is enabled again with “Reverse” below.`,
  },
  end_sessions: {
    option: 'End every session and token (they sign in again)',
    title: (name) => `End every session of ${name}?`,
    confirm: 'End the sessions',
    button: 'End the sessions…',
    saved: (name) => `Every session of ${name} has ended.`,
    explain: (name) => `Every session and API token of ${name} ends now. They can sign in again straight away with their password and second factor. This cannot be reversed.`,
  },
  revoke_disclosures: {
    option: 'Revoke every disclosure they requested (share links end)',
    title: (name) => `Revoke every disclosure ${name} requested?`,
    confirm: 'Revoke the disclosures',
    button: 'Revoke the disclosures…',
    saved: (name) => `The disclosures ${name} requested are revoked.`,
    explain: (name) => `Every disclosure ${name} requested that is waiting for approval, ready or already sent is revoked: its share link stops working at once. This cannot be reversed; a disclosure that should still go out is requested again.`,
  },
};

function ContainmentSection({ incident: i }: { incident: Incident }) {
  const [person, setPerson] = useState<PickerOption | null>(null);
  const [action, setAction] = useState<ContainAction>('disable_account');
  const [confirming, setConfirming] = useState(false);
  const [checked, setChecked] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [reversing, setReversing] = useState<Containment | null>(null);
  const contain = usePageAction(incidentKeys.all);
  const reverse = usePageAction(incidentKeys.all);
  const closed = i.status === 'closed';
  const missing = checked && !person ? 'Choose the person whose account to contain.' : null;
  const userError = fieldError(contain.error, 'body.userId');
  return (
    <section aria-labelledby="contain-title" className="inc-section">
      <h2 id="contain-title">Containment</h2>
      <Saved text={saved} />
      {!closed && (
        <form
          className="inc-form"
          noValidate
          aria-label="Contain an account"
          onSubmit={(e) => {
            e.preventDefault();
            setChecked(true);
            setSaved(null);
            contain.reset();
            if (person) setConfirming(true);
          }}
        >
          <h3>Contain an account</h3>
          <PersonPicker label="Person" value={person} onChange={(p) => (setPerson(p), setConfirming(false))} error={missing ?? (userError ? (/someone else/.test(userError) ? 'You cannot contain your own account.' : userError) : null)} required />
          <Select
            label="Action"
            value={action}
            onChange={(e) => (setAction(e.target.value as typeof action), setConfirming(false))}
            options={(Object.keys(CONTAIN) as ContainAction[]).map((value) => ({ value, label: CONTAIN[value].option }))}
          />
          {confirming && person ? (
            <Confirmation
              title={CONTAIN[action].title(person.label)}
              confirmLabel={CONTAIN[action].confirm}
              busy={contain.isPending}
              onCancel={() => setConfirming(false)}
              onConfirm={() =>
                contain.mutate(() => incidentsApi.contain(i.id, { action, userId: person.id }), {
                  onSuccess: () => {
                    setSaved(CONTAIN[action].saved(person.label));
                    setConfirming(false);
                    setPerson(null);
                    setChecked(false);
                  },
                  onError: () => setConfirming(false),
                })
              }
            >
              <p>{CONTAIN[action].explain(person.label)}</p>
            </Confirmation>
          ) : (
            <Button type="submit" variant="danger">
              {CONTAIN[action].button}
            </Button>
          )}
          {contain.error !== null && !userError && <ErrorMessage error={contain.error} title="Not contained" />}
        </form>
      )}
      {i.containments.length === 0 ? (
        <p className="inc-empty">Nothing contained yet.</p>
      ) : (
        <ul className="inc-list" aria-label="Containments">
          {i.containments.map((c) => (
            <li key={c.id}>
              <p>
                <strong>{CONTAINMENT_WORDS[c.action] ?? c.action}</strong>: {c.target.name}
              </p>
              <p className="inc-detail">
                by {c.executedBy.name}, {timeOf(c.executedAt)}
                {c.reversedAt && c.reversedBy && (
                  <>
                    {' '}
                    · reversed by {c.reversedBy.name}, {timeOf(c.reversedAt)}
                  </>
                )}
              </p>
              {c.action === 'disable_account' && !c.reversedAt && !closed && (
                <>
                  {reversing?.id === c.id ? (
                    <Confirmation
                      title={`Enable ${c.target.name}’s account again?`}
                      confirmLabel="Enable it again"
                      variant="primary"
                      busy={reverse.isPending}
                      onCancel={() => setReversing(null)}
                      onConfirm={() =>
                        reverse.mutate(() => incidentsApi.reverse(i.id, c.id), {
                          onSuccess: () => {
                            setReversing(null);
                            setSaved(`${c.target.name}’s account is enabled again.`);
                          },
                        })
                      }
                    >
                      <p>{c.target.name} can sign in again with their password and second factor. Their ended sessions and tokens stay ended.</p>
                    </Confirmation>
                  ) : (
                    <Button
                      variant="secondary"
                      onClick={() => {
                        reverse.reset();
                        setSaved(null);
                        setReversing(c);
                      }}
                      aria-label={`Reverse: enable ${c.target.name}’s account again`}
                    >
                      Reverse
                    </Button>
                  )}
                  {reversing?.id === c.id && reverse.error !== null && <ErrorMessage error={reverse.error} title="Not reversed" />}
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ActionsSection({ incident: i }: { incident: Incident }) {
  const [title, setTitle] = useState('');
  const [assignee, setAssignee] = useState<PickerOption | null>(null);
  const [dueOn, setDueOn] = useState(() => dayInput(14));
  const [checked, setChecked] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const add = usePageAction(incidentKeys.all);
  const done = usePageAction(incidentKeys.all);
  const closed = i.status === 'closed';
  const gaps = {
    title: title.trim() === '' ? 'Say what will be done.' : null,
    assignee: assignee ? null : 'Choose who will do it.',
    dueOn: /^\d{4}-\d{2}-\d{2}$/.test(dueOn) ? null : 'Give the day it is due.',
  };
  const shown = (gap: string | null) => (checked ? gap : null);
  const error = add.error;
  const open = i.actions.filter((a) => a.doneAt === null).length;
  return (
    <section aria-labelledby="actions-title" className="inc-section">
      <h2 id="actions-title">Corrective actions</h2>
      <p className="inc-detail">What the firm will change so it does not happen again. The incident closes only when every one is done.</p>
      <Saved text={saved} />
      {i.actions.length === 0 ? (
        <p className="inc-empty">No corrective action yet.</p>
      ) : (
        <>
          <p className="inc-detail">{open === 0 ? 'All done.' : `${plural(open, 'action', 'actions')} not done yet.`}</p>
          <ul className="inc-list" aria-label="Corrective actions">
            {i.actions.map((a) => (
              <li key={a.id} className={a.overdue ? 'inc-overdue' : undefined}>
                <p>
                  <strong>{a.title}</strong>
                  {a.overdue && <span className="inc-badge inc-badge-overdue">Overdue</span>}
                  {a.doneAt && <span className="inc-badge inc-badge-done">Done</span>}
                </p>
                <p className="inc-detail">
                  {a.assignee.name} · due {dayOf(a.dueOn)}
                  {a.doneAt && a.doneBy && (
                    <>
                      {' '}
                      · done {timeOf(a.doneAt)} by {a.doneBy.name}
                    </>
                  )}
                </p>
                {!a.doneAt && (
                  <Button
                    variant="secondary"
                    busy={done.isPending}
                    onClick={() => {
                      setSaved(null);
                      done.mutate(() => incidentsApi.actionDone(i.id, a.id), { onSuccess: () => setSaved(`“${a.title}” is done.`) });
                    }}
                    aria-label={`Mark done: “${a.title}”`}
                  >
                    Mark done
                  </Button>
                )}
              </li>
            ))}
          </ul>
          {done.error !== null && <ErrorMessage error={done.error} title="Not marked done" />}
        </>
      )}
      {!closed && (
        <form
          className="inc-form"
          noValidate
          aria-label="Add a corrective action"
          onSubmit={(e) => {
            e.preventDefault();
            setChecked(true);
            setSaved(null);
            if (Object.values(gaps).some((g) => g !== null) || !assignee) return;
            add.mutate(() => incidentsApi.addAction(i.id, { title: title.trim(), assigneeId: assignee.id, dueOn }), {
              onSuccess: () => {
                setSaved(`“${title.trim()}” added, for ${assignee.label}.`);
                setTitle('');
                setAssignee(null);
                setChecked(false);
              },
            });
          }}
        >
          <h3>Add a corrective action</h3>
          <TextField label="What will be done" value={title} onChange={(e) => setTitle(e.target.value)} error={shown(gaps.title) ?? fieldError(error, 'body.title')} required maxLength={500} />
          <div className="inc-row">
            <PersonPicker label="Who" value={assignee} onChange={setAssignee} error={shown(gaps.assignee) ?? fieldError(error, 'body.assigneeId')} required />
            <TextField label="Due" type="date" value={dueOn} onChange={(e) => setDueOn(e.target.value)} error={shown(gaps.dueOn) ?? (fieldError(error, 'body.dueOn') ? 'Give a real calendar day.' : null)} required />
          </div>
          {error !== null && !['body.title', 'body.assigneeId', 'body.dueOn'].some((p) => fieldError(error, p) !== null) && <ErrorMessage error={error} title="Not added" />}
          <Button type="submit" busy={add.isPending}>
            Add the action
          </Button>
        </form>
      )}
    </section>
  );
}

function describe(t: TimelineEntry, i: Incident, names: Map<string, string>): { what: string; note: string | null } {
  const d = t.detail;
  switch (t.kind) {
    case 'reported':
      return { what: typeof d.alertId === 'string' ? 'Opened from a monitoring alert' : 'Reported', note: null };
    case 'status':
      return { what: `Moved to ${t.status ? STATUS_WORDS[t.status] : '—'}`, note: t.note };
    case 'note':
      return { what: 'Note', note: t.note };
    case 'containment':
    case 'reversal': {
      const c = i.containments.find((x) => x.id === d.containmentId);
      const who = c ? c.target.name : 'someone';
      if (t.kind === 'reversal') return { what: `Account enabled again: ${who}`, note: null };
      return { what: `${d.action === 'end_sessions' ? 'Sessions ended' : 'Account disabled'}: ${who}`, note: null };
    }
    case 'scope': {
      const n = (k: string) => (typeof d[k] === 'number' ? (d[k] as number) : 0);
      return { what: `Scope worked out: ${plural(n('clients'), 'client', 'clients')}, ${plural(n('matters'), 'matter', 'matters')}, ${plural(n('documents'), 'document', 'documents')} (${n('privileged')} privileged)`, note: null };
    }
    case 'regimes': {
      const list = Array.isArray(d.regimes) ? (d.regimes as string[]) : [];
      return { what: list.length === 0 ? 'Rules: none apply' : `Rules: ${list.map((r) => names.get(r) ?? r.toUpperCase()).join(', ')}`, note: null };
    }
    case 'action': {
      const a = i.actions.find((x) => x.id === d.actionId);
      const what = a ? `“${a.title}”` : 'a corrective action';
      return d.done === true ? { what: `Corrective action done: ${what}`, note: null } : { what: `Corrective action added: ${what}${a ? ` for ${a.assignee.name}, due ${dayOf(a.dueOn)}` : ''}`, note: null };
    }
    default:
      return { what: t.kind, note: t.note };
  }
}

function Timeline({ incident: i, names }: { incident: Incident; names: Map<string, string> }) {
  const [text, setText] = useState('');
  const [checked, setChecked] = useState(false);
  const add = usePageAction(incidentKeys.all);
  const gap = checked && text.trim() === '' ? 'Write the note first.' : null;
  return (
    <section aria-labelledby="timeline-title" className="inc-section">
      <h2 id="timeline-title">Timeline</h2>
      <ol className="inc-timeline">
        {i.timeline.map((t, n) => {
          const { what, note } = describe(t, i, names);
          return (
            <li key={n}>
              <span className="inc-when">{timeOf(t.at)}</span> <strong>{what}</strong> <span className="inc-detail">by {t.by.name}</span>
              {note && <p className="inc-note">{note}</p>}
            </li>
          );
        })}
      </ol>
      <form
        className="inc-inline-form"
        noValidate
        aria-label="Add a note"
        onSubmit={(e) => {
          e.preventDefault();
          setChecked(true);
          if (text.trim() === '') return;
          add.mutate(() => incidentsApi.note(i.id, text.trim()), {
            onSuccess: () => {
              setText('');
              setChecked(false);
            },
          });
        }}
      >
        <TextArea label="Add a note" hint="What was found or decided, for the record." rows={2} value={text} onChange={(e) => setText(e.target.value)} error={gap ?? fieldError(add.error, 'body.text')} maxLength={4000} />
        {add.error !== null && fieldError(add.error, 'body.text') === null && <ErrorMessage error={add.error} title="The note was not added" />}
        <Button type="submit" busy={add.isPending} variant="secondary">
          Add the note
        </Button>
      </form>
    </section>
  );
}
