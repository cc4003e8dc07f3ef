import { useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, fieldError, PageTitle, Select, TextArea, TextField } from '../../components';
import { parseLocal } from '../../lib/format';
import { incidentKeys, incidentsApi, type Incident, type ReportInput, type Severity } from './api';
import { localInput, SEVERITY_OPTIONS } from './parts';

const PATHS = ['body.title', 'body.description', 'body.severity', 'body.occurredAt', 'body.awareAt'];

/** The server's words for a field, in plain words where it only says empty, too long or in the future. */
function words(error: unknown, path: string, missing: string, max?: number): string | null {
  const message = fieldError(error, path);
  if (message === null) return null;
  if (/fewer than 1|at least 1|required/i.test(message)) return missing;
  if (max !== undefined && /more than/i.test(message)) return `At most ${max} characters.`;
  if (/future/i.test(message)) return 'This is in the future: give the time it happened, or leave it for now.';
  return message;
}

/** Report an incident: every staff member. After it is sent, the report's page. */
export function ReportPage() {
  const navigate = useNavigate();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [severity, setSeverity] = useState<Severity>('medium');
  const [occurred, setOccurred] = useState('');
  const [aware, setAware] = useState(() => localInput(Date.now()));
  const [checked, setChecked] = useState(false);
  const send = usePageAction(incidentKeys.all);
  const form = useRef<HTMLFormElement>(null);
  const now = Date.now();
  const occurredAt = parseLocal(occurred);
  const awareAt = parseLocal(aware);
  const gaps = {
    title: title.trim() === '' ? 'Say in a line what happened.' : null,
    description: description.trim() === '' ? 'Describe what you saw, when, and what you did.' : null,
    occurred: occurredAt !== null && occurredAt > now + 60_000 ? 'This is in the future: give the time it happened, or leave it blank.' : null,
    aware: awareAt === null ? 'Give the time the firm became aware (now, if you have just found out).' : awareAt > now + 60_000 ? 'This is in the future: give the time you found out.' : null,
  };
  const shown = (gap: string | null) => (checked ? gap : null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    if (Object.values(gaps).some((g) => g !== null) || awareAt === null) {
      window.setTimeout(() => form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);
      return;
    }
    const body: ReportInput = { title: title.trim(), description: description.trim(), severity, awareAt: Math.min(awareAt, Date.now()), ...(occurredAt !== null ? { occurredAt: Math.min(occurredAt, Date.now()) } : {}) };
    send.mutate(() => incidentsApi.report(body), { onSuccess: (incident) => void navigate(`/incidents/${(incident as Incident).id}`, { state: { reported: true } }) });
  };
  const error = send.error;
  return (
    <section aria-labelledby="page-title" className="inc-page">
      <PageTitle>Report an incident</PageTitle>
      <p className="inc-lead">
        Tell the compliance officer about anything that may have put client data at risk: a lost laptop or phone, an e-mail sent to the wrong person, a suspicious sign-in, a document shared by mistake. Report it even if you are not sure — the firm may have only 72 hours to tell the regulator
        from the moment it knew.
      </p>
      <form ref={form} className="inc-form" onSubmit={submit} noValidate aria-label="Report an incident">
        <TextField label="What happened" hint="In a line. No client names: the response team reads it." value={title} onChange={(e) => setTitle(e.target.value)} error={shown(gaps.title) ?? words(error, 'body.title', 'Say in a line what happened.', 200)} required maxLength={200} />
        <TextArea label="Details" hint="What you saw, when, on which device or account, and what you did about it." rows={6} value={description} onChange={(e) => setDescription(e.target.value)} error={shown(gaps.description) ?? words(error, 'body.description', 'Describe what you saw, when, and what you did.', 10_000)} required maxLength={10_000} />
        <Select label="How serious does it look?" value={severity} onChange={(e) => setSeverity(e.target.value as Severity)} options={SEVERITY_OPTIONS} error={fieldError(error, 'body.severity')} />
        <div className="inc-row">
          <TextField label="When did it happen?" hint="If you know. Leave blank if not." type="datetime-local" value={occurred} max={localInput(now)} onChange={(e) => setOccurred(e.target.value)} error={shown(gaps.occurred) ?? words(error, 'body.occurredAt', '')} />
          <TextField label="When did we become aware?" hint="When you (or anyone at the firm) found out. The deadlines run from here." type="datetime-local" value={aware} max={localInput(now)} onChange={(e) => setAware(e.target.value)} error={shown(gaps.aware) ?? words(error, 'body.awareAt', '')} required />
        </div>
        {error !== null && !PATHS.some((p) => fieldError(error, p) !== null) && <ErrorMessage error={error} title="The incident was not reported" />}
        <div className="inc-actions">
          <Button type="submit" busy={send.isPending}>
            Report the incident
          </Button>
          <Link to="/incidents">Cancel</Link>
        </div>
      </form>
    </section>
  );
}
