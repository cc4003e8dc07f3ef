import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../api/client';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, fieldError, Loading, PageTitle, PersonPicker, Select, TextArea, TextField, type PickerOption } from '../../components';
import { formatBytes, formatTime, parseLocal } from '../../lib/format';
import { useSession } from '../identity';
import { retentionApi, retentionKeys, type Disposition, type DispositionStatus, type PhysicalMethod } from './api';
import { ACTION_LABELS, contentsText, dayText, DECISION_LABELS, itemText, METHOD_LABELS, statusText } from './labels';
import { CertificateDownloads, hasFieldErrors, PlainError, RetentionTabs, StatusBadge, useSteppedAction } from './parts';

const FILTERS: { status: DispositionStatus; label: string }[] = [
  { status: 'review', label: 'Waiting for review' },
  { status: 'approved', label: 'Approved' },
  { status: 'held', label: 'Held' },
  { status: 'awaiting_physical', label: 'Awaiting physical destruction' },
  { status: 'failed', label: 'Failed' },
  { status: 'extended', label: 'Kept longer' },
  { status: 'executed', label: 'Done' },
];

const EMPTY: Record<string, string> = {
  review: 'Nothing waits for review. Items arrive here when a retention run finds them due under a schedule (see Preview and run).',
  approved: 'Nothing is approved and waiting for the next run.',
  held: 'No item in the queue is suspended by a legal hold.',
  awaiting_physical: 'No physical record waits for its witnessed destruction.',
  failed: 'No disposition has failed.',
  extended: 'No item is being kept longer.',
  executed: 'Nothing has been destroyed yet. Each item destroyed gets a certificate of destruction.',
};

/** What a reviewer may meet on approving, in words. */
const APPROVE_WORDS: Record<string, string> = {
  DISPOSITION_CHANGED:
    'This item changed since it was put in the queue (a document, version, note or record was added or removed), so your approval would cover something else. It goes back to review as it is now: reload the queue and review it again.',
  ALREADY_APPROVED: 'You have already approved this item. The second approval must come from someone else.',
  SEPARATION_OF_DUTIES: 'You asked for this disposition (for example by ending the client engagement), so someone else must approve it.',
  DISPOSITION_STATE: 'This item is no longer waiting for review (someone approved, extended or held it meanwhile). Reload the queue to see where it stands.',
};

const PHYSICAL_WORDS: Record<string, string> = {
  SEPARATION_OF_DUTIES: 'The witness must be someone other than you.',
  RECORD_CHECKED_OUT: 'The record is checked out. Check it back in on the matter’s Records tab before recording its destruction.',
  LEGAL_HOLD: 'A legal hold now covers this record: it must not be destroyed until the hold is released.',
  DISPOSITION_STATE: 'This record is no longer waiting for its destruction. Reload the queue.',
};

/**
 * The disposition queue: what became due, with exactly what it covers; approval bound to what the
 * reviewer saw (two different people for sensitive items), extension, the witnessed destruction of
 * physical records, and the certificate of what was done.
 */
export function QueuePage() {
  const [status, setStatus] = useState<DispositionStatus>('review');
  const queue = useQuery({
    queryKey: retentionKeys.dispositionsBy(status),
    queryFn: () => retentionApi.dispositions(status),
  });
  const items = queue.data?.items ?? [];
  return (
    <section aria-labelledby="page-title">
      <PageTitle>Disposition queue</PageTitle>
      <RetentionTabs />
      <p className="ret-lead">
        Items here became due under a retention schedule. Each is carried out only after approval, by the next retention run; privileged or highly confidential items need two approvals from different people, one of them the compliance officer.
      </p>
      <div role="group" aria-label="Which items" className="ret-filter">
        {FILTERS.map((f) => (
          <Button key={f.status} variant={status === f.status ? 'primary' : 'secondary'} aria-pressed={status === f.status} onClick={() => setStatus(f.status)}>
            {f.label}
          </Button>
        ))}
      </div>
      {queue.error !== null && <ErrorMessage error={queue.error} title="The queue cannot be shown" />}
      {queue.isPending && <Loading />}
      {queue.data && items.length === 0 && <p className="ret-empty">{EMPTY[status]}</p>}
      {items.length > 0 && (
        <ul className="ret-cards" aria-label={FILTERS.find((f) => f.status === status)?.label}>
          {items.map((d) => (
            <DispositionCard key={d.id} disposition={d} />
          ))}
        </ul>
      )}
    </section>
  );
}

/** Where the item is: the matter (with its client), or the client. */
const whereText = (d: Disposition) => (d.matter ? `${d.matter.label} (${d.client.label})` : d.client.label);

function DispositionCard({ disposition: d }: { disposition: Disposition }) {
  const [open, setOpen] = useState<'approve' | 'extend' | 'physical' | null>(null);
  const titleId = useId();
  const extendable = ['review', 'approved', 'held', 'failed'].includes(d.status);
  return (
    <li className="ret-card ret-disposition">
      <h2 className="ret-card-title" id={titleId}>
        {itemText(d)} — {d.matter?.label ?? d.client.label}
      </h2>
      <div className="ret-badges">
        <StatusBadge status={d.status}>{statusText(d.status)}</StatusBadge>
        {d.sensitive && <StatusBadge status="sensitive">Sensitive: two approvals needed</StatusBadge>}
      </div>
      <dl className="ret-facts">
        <dt>Client</dt>
        <dd>{d.client.label}</dd>
        {d.matter && (
          <>
            <dt>Matter</dt>
            <dd>{d.matter.label}</dd>
          </>
        )}
        <dt>Covers</dt>
        <dd>{contentsText(d.contents, formatBytes)}</dd>
        <dt>Due</dt>
        <dd>{dayText(d.dueAt)}</dd>
        <dt>Schedule</dt>
        <dd>{d.schedule?.name ?? 'Legal minimum (no schedule)'}</dd>
        <dt>Then</dt>
        <dd>{d.decision ? DECISION_LABELS[d.decision] : ACTION_LABELS[d.action]}</dd>
        <dt>Approvals</dt>
        <dd>
          {d.approvals.length} of {d.approvalsRequired}
          {d.approvals.length > 0 && `: ${d.approvals.map((a) => `${a.user.name} (${formatTime(a.at)})`).join(', ')}`}
        </dd>
        {d.requestedBy && (
          <>
            <dt>Asked for by</dt>
            <dd>{d.requestedBy.name} — someone else approves</dd>
          </>
        )}
        {d.status === 'failed' && d.errorCode && (
          <>
            <dt>Why it failed</dt>
            <dd>
              <code>{d.errorCode}</code> — the next run tries again; an alert was raised.
            </dd>
          </>
        )}
        {d.executedAt !== null && (
          <>
            <dt>Carried out</dt>
            <dd>{formatTime(d.executedAt)}</dd>
          </>
        )}
      </dl>
      {d.status === 'executed' && d.certificateId && (
        <div className="ret-certificate-line">
          <Link to={`/retention/certificates#certificate-${d.certificateId}`}>Certificate of destruction</Link>
          <CertificateDownloads id={d.certificateId} json={retentionApi.certificateJson} pdf={retentionApi.certificatePdf} label={whereText(d)} />
        </div>
      )}
      <div className="ret-actions">
        {d.canApprove && open !== 'approve' && <Button onClick={() => setOpen('approve')}>Review and approve</Button>}
        {extendable && open !== 'extend' && (
          <Button variant="secondary" onClick={() => setOpen('extend')}>
            Keep longer
          </Button>
        )}
        {d.status === 'awaiting_physical' && d.itemType === 'record' && open !== 'physical' && <Button onClick={() => setOpen('physical')}>Record the destruction</Button>}
      </div>
      {d.status === 'review' && !d.canApprove && <p className="ret-detail">{d.approvals.length > 0 ? 'You approved this item; it waits for a second person.' : 'Someone else approves this item.'}</p>}
      {open === 'approve' && <ApprovePanel disposition={d} onClose={() => setOpen(null)} />}
      {open === 'extend' && <ExtendPanel disposition={d} onClose={() => setOpen(null)} />}
      {open === 'physical' && <PhysicalPanel disposition={d} onClose={() => setOpen(null)} />}
    </li>
  );
}

/** Exactly what approving leads to, in sentences a reviewer signs off on. */
function consequence(d: Disposition, decision: 'destroy' | 'anonymise' | null): string {
  const what = contentsText(d.contents, formatBytes);
  switch (d.itemType) {
    case 'client':
      return decision === 'anonymise'
        ? `Everything held for ${d.client.label} is anonymised: the content of every matter (${what}) is destroyed with its keys, and the client’s name and personal data are removed; the matter shells stay.`
        : `Everything held for ${d.client.label} is destroyed: the client’s keys are destroyed, so its matters, documents (${what}) and notes can never be read again.`;
    case 'matter':
      return d.contents.documents + d.contents.notes + d.contents.records === 0
        ? `The content of matter ${d.matter?.label ?? ''} is destroyed — it holds no documents, notes or physical records any more, so this removes what is left of it (its sealed details, such as the title); only the tombstone the firm keeps (the matter number and dates) remains.`
        : `The content of matter ${d.matter?.label ?? ''} is destroyed — ${what} — with their keys; only the tombstone the firm keeps (the matter number and dates) remains.`;
    case 'document_version':
      return `${itemText(d)} in matter ${d.matter?.label ?? ''} is destroyed (${what}) with its key; the current version stays.`;
    case 'record':
      return `The physical record of matter ${d.matter?.label ?? ''} is marked for destruction; someone then records its witnessed destruction here.`;
    default:
      return what;
  }
}

function ApprovePanel({ disposition: d, onClose }: { disposition: Disposition; onClose: () => void }) {
  const queryClient = useQueryClient();
  const approve = useSteppedAction();
  const { state } = useSession();
  const needsDecision = d.action === 'review';
  const [decision, setDecision] = useState<'destroy' | 'anonymise' | ''>(d.decision ?? '');
  const [missing, setMissing] = useState(false);
  const chosen = needsDecision ? decision || null : d.action === 'anonymise' ? 'anonymise' : 'destroy';
  const error = approve.error;
  const changed = error instanceof ApiError && (error.code === 'DISPOSITION_CHANGED' || error.code === 'DISPOSITION_STATE');
  const secondNeeded = d.approvalsRequired - d.approvals.length > 1 || (d.sensitive && state?.user.role !== 'compliance_officer' && d.approvals.length === 0);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (needsDecision && !decision) {
      setMissing(true);
      return;
    }
    approve.run(
      () =>
        retentionApi.approve(d.id, {
          snapshotHash: d.snapshotHash,
          ...(needsDecision && decision ? { decision } : {}),
        }),
      onClose,
    );
  };
  return (
    <>
      <form className="ret-confirm" onSubmit={submit} aria-label={`Approve: ${itemText(d)}`} noValidate>
        <p className="ret-confirm-title">Approve this disposition?</p>
        <p>{chosen ? consequence(d, chosen) : 'Choose what happens to it below.'}</p>
        <p>
          It is carried out by the next retention run
          {d.dueAt > Date.now() ? `, once due on ${dayText(d.dueAt)}` : ''}, unless a legal hold covers it then. It cannot be undone; a signed certificate of destruction records it.
          {secondNeeded && ' Your approval is the first of two: another person must approve as well.'}
        </p>
        {needsDecision && (
          <Select
            label="What happens to it"
            required
            value={decision}
            onChange={(e) => {
              setDecision(e.target.value as 'destroy' | 'anonymise' | '');
              setMissing(false);
            }}
            options={[
              { value: '', label: 'Choose…' },
              { value: 'destroy', label: DECISION_LABELS.destroy },
              { value: 'anonymise', label: DECISION_LABELS.anonymise },
            ]}
            hint={d.decision ? 'The first approver chose this; a second approval must agree (or keep the item longer instead).' : 'The schedule leaves it to the reviewer.'}
            error={missing ? 'Choose whether the item is destroyed or anonymised.' : fieldError(error, 'body.decision')}
          />
        )}
        {error !== null && !hasFieldErrors(error, ['body.decision']) && <PlainError error={error} words={APPROVE_WORDS} title="Not approved" />}
        <div className="ret-actions">
          {changed ? (
            <Button onClick={() => void queryClient.invalidateQueries({ queryKey: retentionKeys.dispositions }).then(onClose)}>Reload the queue</Button>
          ) : (
            <Button type="submit" variant="danger" busy={approve.busy}>
              Approve
            </Button>
          )}
          <Button variant="secondary" onClick={onClose} disabled={approve.busy}>
            Cancel
          </Button>
        </div>
      </form>
      {approve.prompt}
    </>
  );
}

function ExtendPanel({ disposition: d, onClose }: { disposition: Disposition; onClose: () => void }) {
  const extend = usePageAction(retentionKeys.all);
  const [days, setDays] = useState('365');
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState<{ days?: string; reason?: string }>({});
  const error = extend.error;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const n = Number(days);
    const gaps = {
      ...(!Number.isInteger(n) || n < 1 || n > 36_500 ? { days: 'Enter a whole number of days, from 1 to 36,500.' } : {}),
      ...(reason.trim() === '' ? { reason: 'Say why the item is kept longer.' } : {}),
    };
    setMissing(gaps);
    if (Object.keys(gaps).length > 0) return;
    extend.mutate(() => retentionApi.extend(d.id, { days: n, reason: reason.trim() }), { onSuccess: onClose });
  };
  return (
    <form className="ret-confirm ret-confirm-neutral" onSubmit={submit} aria-label={`Keep longer: ${itemText(d)}`} noValidate>
      <p className="ret-confirm-title">Keep this item longer</p>
      <p>It leaves the queue until the days below have passed (counted from today, or from its due date if later); approvals given so far are dropped, and it comes back for a fresh review.</p>
      <TextField label="Days" type="number" min={1} max={36500} required value={days} onChange={(e) => setDays(e.target.value)} error={missing.days ?? fieldError(error, 'body.days')} />
      <TextArea label="Why" required value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} rows={3} error={missing.reason ?? fieldError(error, 'body.reason')} />
      {error !== null && !hasFieldErrors(error, ['body.days', 'body.reason']) && (
        <PlainError
          error={error}
          words={{
            DISPOSITION_STATE: 'This item can no longer be kept longer (it was carried out or changed meanwhile). Reload the queue.',
          }}
          title="Not extended"
        />
      )}
      <div className="ret-actions">
        <Button type="submit" busy={extend.isPending}>
          Keep longer
        </Button>
        <Button variant="secondary" onClick={onClose} disabled={extend.isPending}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

const METHODS = (Object.keys(METHOD_LABELS) as PhysicalMethod[]).map((value) => ({ value, label: METHOD_LABELS[value] }));

function PhysicalPanel({ disposition: d, onClose }: { disposition: Disposition; onClose: () => void }) {
  const record = useSteppedAction();
  const { state } = useSession();
  const [method, setMethod] = useState<PhysicalMethod>('shred');
  const [witness, setWitness] = useState<PickerOption | null>(null);
  const [when, setWhen] = useState('');
  const [missing, setMissing] = useState(false);
  const error = record.error;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!witness) {
      setMissing(true);
      return;
    }
    const destroyedAt = parseLocal(when);
    record.run(
      () =>
        retentionApi.physical(d.id, {
          method,
          witnessUserId: witness.id,
          ...(destroyedAt !== null ? { destroyedAt } : {}),
        }),
      onClose,
    );
  };
  return (
    <>
      <form className="ret-confirm" onSubmit={submit} aria-label={`Record the destruction: ${itemText(d)}`} noValidate>
        <p className="ret-confirm-title">Record the witnessed destruction</p>
        <p>Record it once the physical record of matter {d.matter?.label ?? ''} has been destroyed in front of a witness. Its certificate of destruction names the method and the witness.</p>
        <Select label="How it was destroyed" value={method} onChange={(e) => setMethod(e.target.value as PhysicalMethod)} options={METHODS} error={fieldError(error, 'body.method')} />
        <PersonPicker
          label="Witness"
          required
          value={witness}
          onChange={(option) => {
            setWitness(option);
            setMissing(false);
          }}
          exclude={state ? new Set([state.user.id]) : undefined}
          hint="A member of staff other than you who saw it destroyed."
          error={missing ? 'Choose the witness.' : fieldError(error, 'body.witnessUserId')}
        />
        <TextField label="When" type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} hint="Leave empty for now." error={fieldError(error, 'body.destroyedAt')} />
        {error !== null && !hasFieldErrors(error, ['body.method', 'body.witnessUserId', 'body.destroyedAt']) && <PlainError error={error} words={PHYSICAL_WORDS} title="Not recorded" />}
        <div className="ret-actions">
          <Button type="submit" busy={record.busy}>
            Record the destruction
          </Button>
          <Button variant="secondary" onClick={onClose} disabled={record.busy}>
            Cancel
          </Button>
        </div>
      </form>
      {record.prompt}
    </>
  );
}
