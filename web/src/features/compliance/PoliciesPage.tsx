import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, fieldError, Loading, NotFound, PageTitle, PersonPicker, TextArea, TextField, type PickerOption } from '../../components';
import { base64Of, complianceApi, complianceKeys, type PolicyContent, type StaffRole } from './api';
import { Badge, Check, ComplianceTabs, dateOf, PdfField, ROLE_LABELS, Saved, STAFF_ROLES, todayPlus } from './parts';

/** Field paths a form shows next to its fields; anything else goes in the error box. */
const own = (error: unknown, paths: string[]) => paths.some((p) => fieldError(error, p) !== null);

/** The content part of a policy form: Markdown text or a PDF file. */
function ContentFields({ format, setFormat, text, setText, setFile, error }: { format: 'markdown' | 'pdf'; setFormat: (f: 'markdown' | 'pdf') => void; text: string; setText: (t: string) => void; setFile: (f: File | null) => void; error: unknown }) {
  return (
    <>
      <fieldset className="cmp-roles">
        <legend>The policy document</legend>
        <div className="cmp-actions">
          <label>
            <input type="radio" name="format" checked={format === 'markdown'} onChange={() => setFormat('markdown')} /> Write the text
          </label>
          <label>
            <input type="radio" name="format" checked={format === 'pdf'} onChange={() => setFormat('pdf')} /> Upload a PDF
          </label>
        </div>
      </fieldset>
      {format === 'markdown' ? (
        <TextArea label="Text" hint="Markdown: # for a heading, a blank line between paragraphs." rows={8} value={text} onChange={(e) => setText(e.target.value)} error={fieldError(error, 'body.content.text')} required />
      ) : (
        <PdfField label="PDF file" hint="At most 2 MiB." onChange={setFile} error={fieldError(error, 'body.content.pdfBase64')} />
      )}
    </>
  );
}

async function contentOf(format: 'markdown' | 'pdf', text: string, file: File | null): Promise<PolicyContent> {
  if (format === 'markdown') return { format, text };
  return { format: 'pdf', pdfBase64: file ? await base64Of(file) : '' };
}

/** The firm's policies: versions, owners, reviews due and how many acknowledged the current version. */
export function PoliciesPage() {
  const policies = useQuery({ queryKey: complianceKeys.policies, queryFn: complianceApi.policies });
  const [adding, setAdding] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const items = policies.data?.items ?? [];
  return (
    <section aria-labelledby="page-title">
      <PageTitle>Policies</PageTitle>
      <ComplianceTabs />
      <p className="cmp-lead">Each policy has an owner who reviews it every cycle (a year unless you choose otherwise). Ask people to acknowledge the current version; a policy marked required can be made a condition of opening client data (Access → Gates: “Current policies acknowledged”).</p>
      <Saved text={saved} />
      {adding ? (
        <NewPolicyForm
          onCancel={() => setAdding(false)}
          onSaved={(title) => {
            setAdding(false);
            setSaved(`Policy “${title}” added as version 1.`);
          }}
        />
      ) : (
        <Button
          onClick={() => {
            setSaved(null);
            setAdding(true);
          }}
        >
          New policy
        </Button>
      )}
      {policies.error !== null && <ErrorMessage error={policies.error} title="The policies cannot be shown" />}
      {policies.isPending && <Loading />}
      {policies.data && items.length === 0 && <p className="cmp-empty">No policy yet. Add the firm’s confidentiality policy with “New policy”.</p>}
      {items.length > 0 && (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Policies">
          <table className="cmp-table cmp-stack">
            <thead>
              <tr>
                <th scope="col">Policy</th>
                <th scope="col">Owner</th>
                <th scope="col">Version</th>
                <th scope="col">Next review</th>
                <th scope="col">Acknowledged</th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.id}>
                  <td data-label="Policy">
                    <Link to={`/compliance/policies/${p.id}`}>{p.title}</Link>
                    <div className="cmp-detail">
                      {p.required ? 'Required' : 'Optional'}
                      {p.status === 'retired' ? ' · retired' : ''}
                    </div>
                  </td>
                  <td data-label="Owner">{p.owner.name}</td>
                  <td data-label="Version">{p.currentVersion}</td>
                  <td data-label="Next review">{p.reviewOverdue ? <Badge tone="bad">Overdue since {p.nextReviewDue}</Badge> : (p.nextReviewDue ?? '—')}</td>
                  <td data-label="Acknowledged">{p.asked === 0 ? <span className="cmp-detail">Nobody asked yet</span> : `${p.acknowledged} of ${p.asked}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function NewPolicyForm({ onCancel, onSaved }: { onCancel: () => void; onSaved: (title: string) => void }) {
  const [title, setTitle] = useState('');
  const [owner, setOwner] = useState<PickerOption | null>(null);
  const [required, setRequired] = useState(true);
  const [cycle, setCycle] = useState('365');
  const [format, setFormat] = useState<'markdown' | 'pdf'>('markdown');
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [ownerMissing, setOwnerMissing] = useState(false);
  const save = usePageAction(complianceKeys.all);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!owner) return setOwnerMissing(true);
    setOwnerMissing(false);
    save.mutate(async () => complianceApi.createPolicy({ title, ownerUserId: owner.id, required, reviewCycleDays: Number(cycle), content: await contentOf(format, text, file) }), { onSuccess: () => onSaved(title) });
  };
  const error = save.error;
  return (
    <form className="cmp-form" onSubmit={submit} noValidate aria-label="New policy">
      <h2>New policy</h2>
      <TextField label="Title" value={title} onChange={(e) => setTitle(e.target.value)} error={fieldError(error, 'body.title')} required maxLength={200} />
      <PersonPicker label="Owner" hint="Who reviews it and is reminded before the review is due." value={owner} onChange={setOwner} error={ownerMissing && !owner ? 'Choose the person who owns this policy.' : fieldError(error, 'body.ownerUserId')} required />
      <TextField label="Review every (days)" type="number" min={1} max={3650} value={cycle} onChange={(e) => setCycle(e.target.value)} error={fieldError(error, 'body.reviewCycleDays')} />
      <Check label="Required: everyone must acknowledge the current version" checked={required} onChange={setRequired} />
      <ContentFields format={format} setFormat={setFormat} text={text} setText={setText} setFile={setFile} error={error} />
      {error !== null && !own(error, ['body.title', 'body.ownerUserId', 'body.reviewCycleDays', 'body.content.text', 'body.content.pdfBase64']) && <ErrorMessage error={error} title="The policy was not added" />}
      <div className="cmp-actions">
        <Button type="submit" busy={save.isPending}>
          Add the policy
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

/** One policy: its versions, a new version, the review, and its acknowledgement campaigns. */
export function PolicyPage() {
  const { id = '' } = useParams();
  const policy = useQuery({ queryKey: complianceKeys.policy(id), queryFn: () => complianceApi.policy(id) });
  const [saved, setSaved] = useState<string | null>(null);
  const [publishing, setPublishing] = useState(false);
  const [asking, setAsking] = useState(false);
  const action = usePageAction(complianceKeys.all);
  if (policy.error !== null && (policy.error as { status?: number }).status === 404) return <NotFound />;
  const p = policy.data;
  return (
    <section aria-labelledby="page-title">
      <PageTitle>{p ? p.title : 'Policy'}</PageTitle>
      <ComplianceTabs />
      <p>
        <Link to="/compliance/policies">All policies</Link>
      </p>
      {policy.isPending && <Loading />}
      {policy.error !== null && <ErrorMessage error={policy.error} title="The policy cannot be shown" />}
      <Saved text={saved} />
      {p && (
        <>
          <p>
            Owner: <strong>{p.owner.name}</strong> · version {p.currentVersion} · {p.required ? 'required' : 'optional'} · review every {p.reviewCycleDays} days, next {p.reviewOverdue ? <Badge tone="bad">overdue since {p.nextReviewDue}</Badge> : p.nextReviewDue}
            {p.status === 'retired' && (
              <>
                {' '}
                · <Badge tone="neutral">Retired</Badge>
              </>
            )}
          </p>
          <div className="cmp-actions">
            <Button onClick={() => setPublishing(true)} disabled={publishing}>
              Publish a new version
            </Button>
            <Button variant="secondary" onClick={() => setAsking(true)} disabled={asking || p.status === 'retired'}>
              Ask people to acknowledge
            </Button>
            <Button variant="secondary" busy={action.isPending} onClick={() => action.mutate(() => complianceApi.reviewed(p.id), { onSuccess: () => setSaved('Review recorded: the next review is due a cycle from today.') })}>
              Reviewed, no changes
            </Button>
            <Button variant="secondary" busy={action.isPending} onClick={() => action.mutate(() => complianceApi.changePolicy(p.id, { required: !p.required }), { onSuccess: () => setSaved(p.required ? 'The policy is now optional.' : 'The policy is now required.') })}>
              {p.required ? 'Make optional' : 'Make required'}
            </Button>
            <Button variant="secondary" busy={action.isPending} onClick={() => action.mutate(() => complianceApi.changePolicy(p.id, { status: p.status === 'active' ? 'retired' : 'active' }), { onSuccess: () => setSaved(p.status === 'active' ? 'The policy is retired.' : 'The policy is in force again.') })}>
              {p.status === 'active' ? 'Retire' : 'Bring back'}
            </Button>
          </div>
          {action.error !== null && <ErrorMessage error={action.error} title="Not changed" />}
          {publishing && (
            <PublishForm
              policyId={p.id}
              onCancel={() => setPublishing(false)}
              onSaved={() => {
                setPublishing(false);
                setSaved(`Version ${p.currentVersion + 1} published. Ask people to acknowledge it.`);
              }}
            />
          )}
          {asking && (
            <CampaignForm
              policyId={p.id}
              onCancel={() => setAsking(false)}
              onSaved={(asked) => {
                setAsking(false);
                setSaved(`${asked} ${asked === 1 ? 'person was' : 'people were'} asked to acknowledge version ${p.currentVersion}; each got a mail.`);
              }}
            />
          )}
          <h2>Acknowledgement campaigns</h2>
          {p.campaigns.length === 0 && <p className="cmp-empty">Nobody has been asked yet.</p>}
          {p.campaigns.map((c) => (
            <div key={c.id} className="cmp-card">
              <p>
                Version {c.version}, due {c.due}: <strong>{c.acknowledged}</strong> of {c.asked} acknowledged
                {c.roles.length > 0 && <span className="cmp-detail"> · {c.roles.map((r) => ROLE_LABELS[r] ?? r).join(', ')}</span>}
              </p>
              {c.pending.length > 0 && <p className="cmp-detail">Still to acknowledge: {c.pending.map((u) => u.name).join(', ')}</p>}
            </div>
          ))}
          <h2>Versions</h2>
          <ul>
            {p.versions.map((v) => (
              <li key={v.version}>
                Version {v.version} ({v.format === 'pdf' ? 'PDF' : 'text'}), published {dateOf(v.publishedAt)} by {v.publishedBy.name}
                {v.changeNote ? ` — ${v.changeNote}` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function PublishForm({ policyId, onCancel, onSaved }: { policyId: string; onCancel: () => void; onSaved: () => void }) {
  const [format, setFormat] = useState<'markdown' | 'pdf'>('markdown');
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [note, setNote] = useState('');
  const save = usePageAction(complianceKeys.all);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(async () => complianceApi.publish(policyId, await contentOf(format, text, file), note || null), { onSuccess: onSaved });
  };
  return (
    <form className="cmp-form" onSubmit={submit} noValidate aria-label="New version">
      <h3>New version</h3>
      <ContentFields format={format} setFormat={setFormat} text={text} setText={setText} setFile={setFile} error={save.error} />
      <TextField label="What changed" value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} error={fieldError(save.error, 'body.changeNote')} />
      {save.error !== null && !own(save.error, ['body.content.text', 'body.content.pdfBase64', 'body.changeNote']) && <ErrorMessage error={save.error} title="The version was not published" />}
      <div className="cmp-actions">
        <Button type="submit" busy={save.isPending}>
          Publish
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function CampaignForm({ policyId, onCancel, onSaved }: { policyId: string; onCancel: () => void; onSaved: (asked: number) => void }) {
  const [roles, setRoles] = useState<StaffRole[]>(['attorney', 'paralegal', 'staff']);
  const [people, setPeople] = useState<PickerOption[]>([]);
  const [picked, setPicked] = useState<PickerOption | null>(null);
  const [due, setDue] = useState(todayPlus(14));
  const save = usePageAction(complianceKeys.all);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(() => complianceApi.campaign(policyId, { roles, userIds: people.map((p) => p.id), dueDate: due }), { onSuccess: (c) => onSaved((c as { asked: number }).asked) });
  };
  return (
    <form className="cmp-form" onSubmit={submit} noValidate aria-label="Ask people to acknowledge">
      <h3>Ask people to acknowledge</h3>
      <fieldset className="cmp-roles">
        <legend>Everyone who is</legend>
        {STAFF_ROLES.map((r) => (
          <Check key={r} label={ROLE_LABELS[r] ?? r} checked={roles.includes(r)} onChange={(on) => setRoles(on ? [...roles, r] : roles.filter((x) => x !== r))} />
        ))}
        {fieldError(save.error, 'body.roles') && <p className="field-error">{fieldError(save.error, 'body.roles')}</p>}
      </fieldset>
      <PersonPicker
        label="And these people"
        value={picked}
        exclude={new Set(people.map((p) => p.id))}
        onChange={(option) => {
          if (option) setPeople([...people, option]);
          setPicked(null);
        }}
        error={fieldError(save.error, 'body.userIds')}
      />
      {people.length > 0 && (
        <ul>
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
      <TextField label="Acknowledge by" type="date" value={due} onChange={(e) => setDue(e.target.value)} error={fieldError(save.error, 'body.dueDate')} required />
      {save.error !== null && !own(save.error, ['body.roles', 'body.userIds', 'body.dueDate']) && <ErrorMessage error={save.error} title="Nobody was asked" />}
      <div className="cmp-actions">
        <Button type="submit" busy={save.isPending}>
          Ask and mail them
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
