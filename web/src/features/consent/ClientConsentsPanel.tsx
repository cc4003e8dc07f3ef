import { useQueries, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../api/client';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, fieldError, Loading, MatterPicker, type PickerOption, Select, TextArea, TextField } from '../../components';
import { formatTime } from '../../lib/format';
import { consentApi, documentContentUrl, type Consent, type ConsentInput } from './api';
import {
  CHANNEL_LABELS,
  CONSENT_STATUS_LABELS,
  DATA_CATEGORY_LABELS,
  formatDay,
  labelsOf,
  matterLabel,
  parseDay,
  personLabel,
  PURPOSE_LABELS,
  RECIPIENT_CATEGORY_LABELS,
  shortSha,
  UNENCRYPTED_CHANNELS,
} from './labels';
import { CheckboxGroup, Confirmation, StatusBadge, type Choice } from './parts';

const choicesOf = (labels: Record<string, string>): Choice[] => Object.entries(labels).map(([value, label]) => ({ value, label }));
// Evidence is looked for on this many of the client's matters (newest first): enough for a form, bounded for the server.
const EVIDENCE_MATTERS = 20;

/**
 * A client's consents: the ledger (purpose, categories, recipients, channels, matters, validity,
 * status, evidence) with withdrawal, and the form recording a new one with its evidence. Used on
 * the Consents page and as the client page's Consents tab.
 */
export function ClientConsentsPanel({ clientId, clientName }: { clientId: string; clientName?: string }) {
  const consents = useQuery({ queryKey: ['consent', 'consents', clientId], queryFn: () => consentApi.consents(clientId) });
  const notices = useQuery({ queryKey: ['consent', 'notices'], queryFn: consentApi.notices });
  const [recording, setRecording] = useState(false);
  const [recorded, setRecorded] = useState<Consent | null>(null);
  const versionOf = (noticeId: string) => notices.data?.items.find((n) => n.id === noticeId)?.version;

  return (
    <div className="consent-panel">
      <h2>Consents{clientName ? ` of ${clientName}` : ''}</h2>
      {consents.error !== null && <ErrorMessage error={consents.error} />}
      {consents.data === undefined ? (
        !consents.error && <Loading />
      ) : consents.data.items.length === 0 ? (
        <p>No consent recorded for this client. Nothing of theirs can be disclosed except under a legal exception approved by a second person.</p>
      ) : (
        <div className="table-scroll" tabIndex={0}>
          <table className="consent-table">
            <thead>
              <tr>
                <th scope="col">Purpose</th>
                <th scope="col">Data</th>
                <th scope="col">Recipients</th>
                <th scope="col">Channels</th>
                <th scope="col">Matters</th>
                <th scope="col">Valid</th>
                <th scope="col">Status</th>
                <th scope="col">Evidence</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {consents.data.items.map((consent) => (
                <ConsentRow key={consent.id} consent={consent} noticeVersion={versionOf(consent.notice.id)} clientId={clientId} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {recorded && <p role="status">Consent recorded for {labelsOf(PURPOSE_LABELS, recorded.purposes).toLowerCase()}.</p>}
      {recording ? (
        <RecordConsentForm
          clientId={clientId}
          onDone={(consent) => {
            setRecorded(consent);
            setRecording(false);
          }}
          onCancel={() => setRecording(false)}
        />
      ) : (
        <Button
          onClick={() => {
            setRecorded(null);
            setRecording(true);
          }}
        >
          Record a consent
        </Button>
      )}
    </div>
  );
}

function ConsentRow({ consent, noticeVersion, clientId }: { consent: Consent; noticeVersion: number | undefined; clientId: string }) {
  const action = usePageAction(['consent', 'consents', clientId]);
  const [confirming, setConfirming] = useState(false);
  const purpose = labelsOf(PURPOSE_LABELS, consent.purposes);
  return (
    <tr>
      <td>
        {purpose}
        <div className="consent-detail consent-pre">{consent.purposeText}</div>
      </td>
      <td>{labelsOf(DATA_CATEGORY_LABELS, consent.dataCategories)}</td>
      <td>
        {consent.recipients.map((r) => (
          <div key={`${r.name}-${r.email ?? ''}`}>
            {r.name}
            {r.email && <div className="consent-detail">{r.email}</div>}
          </div>
        ))}
        {consent.recipientCategories.length > 0 && <div>Any {labelsOf(RECIPIENT_CATEGORY_LABELS, consent.recipientCategories).toLowerCase()}</div>}
      </td>
      <td>{labelsOf(CHANNEL_LABELS, consent.channels)}</td>
      <td>{consent.matterScope === 'all' ? 'All matters' : consent.matters.map((m) => <div key={m.id}>{matterLabel(m)}</div>)}</td>
      <td>
        {formatDay(consent.validFrom)} – {formatDay(consent.validUntil, 'until withdrawn')}
      </td>
      <td>
        <StatusBadge status={consent.status} label={CONSENT_STATUS_LABELS[consent.status]} />
        {consent.withdrawnAt !== null && (
          <div className="consent-detail">
            {formatTime(consent.withdrawnAt)} by {personLabel(consent.withdrawnByName)}
          </div>
        )}
      </td>
      <td>
        <div>
          Notice {noticeVersion !== undefined ? `version ${noticeVersion}` : ''} <code title={consent.notice.sha256}>{shortSha(consent.notice.sha256)}</code>
        </div>
        {consent.evidence.documentId && <a href={documentContentUrl(consent.evidence.documentId)}>Signed form</a>}
        {consent.evidence.kind === 'portal_click' && <div>Given by the client in the portal</div>}
        <div className="consent-detail">
          Recorded {formatTime(consent.recordedAt)} by {personLabel(consent.recordedByName)}
          {consent.recordedIp ? ` from ${consent.recordedIp}` : ''}
        </div>
      </td>
      <td>
        {consent.status === 'withdrawn' ? (
          '—'
        ) : confirming ? (
          <Confirmation title="Withdraw this consent?" confirmLabel="Withdraw now" busy={action.isPending} onConfirm={() => action.mutate(() => consentApi.withdrawConsent(consent.id))} onCancel={() => setConfirming(false)}>
            <p>It takes effect at once: disclosures not yet executed under it stop, and any link already sent under it stops working on its next use. This cannot be undone; a new consent is needed to share again.</p>
          </Confirmation>
        ) : (
          <Button variant="danger" aria-label={`Withdraw consent for ${purpose.toLowerCase()}`} onClick={() => setConfirming(true)}>
            Withdraw
          </Button>
        )}
        {action.error !== null && <ErrorMessage error={action.error} title="Could not withdraw" />}
      </td>
    </tr>
  );
}

interface NamedRecipientRow {
  name: string;
  email: string;
}

/** The fields a 400 can name here, shown next to their control (anything else is shown above the button). */
const FIELDS = ['body.purposes', 'body.purposeText', 'body.dataCategories', 'body.recipients', 'body.recipientCategories', 'body.channels', 'body.matterScope', 'body.matterIds', 'body.validFrom', 'body.validUntil', 'body.noticeId', 'body.evidence.documentId'];

function RecordConsentForm({ clientId, onDone, onCancel }: { clientId: string; onDone: (consent: Consent) => void; onCancel: () => void }) {
  const action = usePageAction(['consent', 'consents', clientId]);
  const error = action.error;
  const notices = useQuery({ queryKey: ['consent', 'notices'], queryFn: consentApi.notices });
  const matters = useQuery({ queryKey: ['consent', 'client-matters', clientId], queryFn: () => consentApi.mattersOfClient(clientId) });
  const evidenceMatters = (matters.data?.items ?? []).slice(0, EVIDENCE_MATTERS);
  const documents = useQueries({ queries: evidenceMatters.map((m) => ({ queryKey: ['consent', 'documents', m.id], queryFn: () => consentApi.documents(m.id) })) });
  const [purposes, setPurposes] = useState<string[]>([]);
  const [purposeText, setPurposeText] = useState('');
  const [categories, setCategories] = useState<string[]>(['documents']);
  const [recipients, setRecipients] = useState<NamedRecipientRow[]>([{ name: '', email: '' }]);
  const [recipientCategories, setRecipientCategories] = useState<string[]>([]);
  const [channels, setChannels] = useState<string[]>(['secure_link']);
  const [scope, setScope] = useState<'all' | 'listed'>('all');
  const [listed, setListed] = useState<PickerOption[]>([]);
  const [validFrom, setValidFrom] = useState('');
  const [validUntil, setValidUntil] = useState('');
  const [noticeId, setNoticeId] = useState('');
  const [evidenceId, setEvidenceId] = useState('');
  // Once a submit was tried, what is still missing is said live, and each message goes as soon as it is fixed.
  const [tried, setTried] = useState(false);
  // Which form rows the named recipients sent came from: a refusal names them by their index in what was sent.
  const [sentRows, setSentRows] = useState<number[]>([]);

  const published = (notices.data?.items ?? []).filter((n) => n.status === 'published');
  const chosenNotice = noticeId || published[0]?.id || '';
  const evidenceOptions = evidenceMatters.flatMap((m, i) => (documents[i]?.data?.items ?? []).filter((d) => d.trashedAt === null).map((d) => ({ value: d.id, label: `${d.name} (${m.number})` })));
  const documentsLoading = matters.isPending || documents.some((d) => d.isPending);

  const gapsNow = (): Record<string, string> => {
    const named = recipients.filter((r) => r.name.trim() || r.email.trim());
    const gaps: Record<string, string> = {};
    if (purposes.length === 0) gaps['body.purposes'] = 'Choose at least one purpose.';
    if (!purposeText.trim()) gaps['body.purposeText'] = 'Write the purpose as the client put it.';
    if (categories.length === 0) gaps['body.dataCategories'] = 'Choose at least one kind of data.';
    if (named.length === 0 && recipientCategories.length === 0) gaps['body.recipients'] = 'Name a recipient or choose a category of recipients.';
    recipients.forEach((r, i) => {
      if (!r.name.trim() && r.email.trim()) gaps[`row.${i}.name`] = 'Give the recipient’s name.';
    });
    if (channels.length === 0) gaps['body.channels'] = 'Choose at least one channel.';
    if (scope === 'listed' && listed.length === 0) gaps['body.matterIds'] = 'Choose at least one matter.';
    if (validFrom && parseDay(validFrom) === null) gaps['body.validFrom'] = 'Give a date.';
    if (validUntil && parseDay(validUntil) === null) gaps['body.validUntil'] = 'Give a date.';
    if (!chosenNotice) gaps['body.noticeId'] = 'Publish a notice first (Notices), then choose it here.';
    if (!evidenceId) gaps['body.evidence.documentId'] = 'Choose the signed form (upload it to one of the client’s matters first).';
    return gaps;
  };
  const missing = tried ? gapsNow() : {};

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    const gaps = gapsNow();
    const rows = recipients.map((r, i) => ({ r, i })).filter(({ r }) => r.name.trim() || r.email.trim());
    const named = rows.map(({ r }) => r);
    if (Object.keys(gaps).length > 0) return;
    setSentRows(rows.map(({ i }) => i));
    const from = parseDay(validFrom);
    const until = parseDay(validUntil);
    const body: ConsentInput = {
      purposes: purposes as ConsentInput['purposes'],
      purposeText: purposeText.trim(),
      dataCategories: categories as ConsentInput['dataCategories'],
      recipients: named.map((r) => ({ name: r.name.trim(), ...(r.email.trim() ? { email: r.email.trim() } : {}) })),
      recipientCategories: recipientCategories as NonNullable<ConsentInput['recipientCategories']>,
      channels: channels as ConsentInput['channels'],
      matterScope: scope,
      ...(scope === 'listed' ? { matterIds: listed.map((m) => m.id) } : {}),
      ...(from !== null ? { validFrom: from } : {}),
      // The end date is inclusive: the consent runs to the end of that day.
      ...(until !== null ? { validUntil: until + 86_400_000 - 1 } : {}),
      noticeId: chosenNotice,
      evidence: { kind: 'signed_form', documentId: evidenceId },
    };
    action.mutate(async () => onDone(await consentApi.recordConsent(clientId, body)));
  };

  const err = (path: string) => missing[path] ?? fieldError(error, path);
  const rowError = (row: number, field: 'name' | 'email') => missing[`row.${row}.${field}`] ?? (sentRows.includes(row) ? fieldError(error, `body.recipients.${sentRows.indexOf(row)}.${field}`) : null);
  const onField = Object.keys(missing).length > 0 || FIELDS.some((path) => fieldError(error, path)) || (error instanceof ApiError && error.fields.some((f) => f.path.startsWith('body.recipients.') || f.path.startsWith('body.matterIds.')));

  return (
    <form onSubmit={submit} aria-label="Record a consent" className="consent-form" noValidate>
      <h3>Record a consent</h3>
      <p className="consent-detail">What the client agreed to, specifically: for which purposes, which data, to whom, by which channels and on which matters, with the notice they were shown and their signed form.</p>
      <CheckboxGroup legend="Purposes" choices={choicesOf(PURPOSE_LABELS)} value={purposes} onChange={setPurposes} required error={err('body.purposes')} />
      <TextArea label="The purpose in the client’s words" value={purposeText} onChange={(e) => setPurposeText(e.target.value)} required maxLength={2000} rows={3} error={err('body.purposeText')} />
      <CheckboxGroup
        legend="Data that may be shared"
        choices={choicesOf(DATA_CATEGORY_LABELS)}
        value={categories}
        onChange={setCategories}
        required
        hint="Documents and notes cover those items; a privileged document also needs “Privileged material”."
        error={err('body.dataCategories')}
      />
      <fieldset className={`consent-choices${err('body.recipients') ? ' field-invalid' : ''}`}>
        <legend>Named recipients</legend>
        <p className="field-hint">A disclosure to a named recipient must go to the e-mail address given here.</p>
        {recipients.map((r, i) => (
          <div className="consent-row" key={i}>
            <TextField label={`Recipient ${i + 1} name`} value={r.name} onChange={(e) => setRecipients(recipients.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))} maxLength={300} error={rowError(i, 'name')} />
            <TextField label={`Recipient ${i + 1} e-mail`} type="email" value={r.email} onChange={(e) => setRecipients(recipients.map((x, j) => (j === i ? { ...x, email: e.target.value } : x)))} maxLength={320} error={rowError(i, 'email')} />
            {recipients.length > 1 && (
              <Button variant="secondary" aria-label={`Remove recipient ${i + 1}`} onClick={() => setRecipients(recipients.filter((_, j) => j !== i))}>
                Remove
              </Button>
            )}
          </div>
        ))}
        <Button variant="secondary" onClick={() => setRecipients([...recipients, { name: '', email: '' }])}>
          Add a recipient
        </Button>
        {err('body.recipients') && <p className="field-error">{err('body.recipients')}</p>}
      </fieldset>
      <CheckboxGroup legend="Or any recipient of these kinds" choices={choicesOf(RECIPIENT_CATEGORY_LABELS)} value={recipientCategories} onChange={setRecipientCategories} error={err('body.recipientCategories')} />
      <CheckboxGroup
        legend="Channels"
        choices={Object.entries(CHANNEL_LABELS).map(([value, label]) => ({ value, label, ...(UNENCRYPTED_CHANNELS.has(value) ? { hint: 'unencrypted: only if the client knowingly accepted it' } : {}) }))}
        value={channels}
        onChange={setChannels}
        required
        error={err('body.channels')}
      />
      <Select
        label="Matters"
        value={scope}
        onChange={(e) => setScope(e.target.value as 'all' | 'listed')}
        options={[
          { value: 'all', label: 'All of the client’s matters' },
          { value: 'listed', label: 'Only the matters listed' },
        ]}
        error={fieldError(error, 'body.matterScope')}
      />
      {scope === 'listed' && (
        <>
          <MatterPicker
            label="Add a matter"
            value={null}
            clientId={clientId}
            exclude={new Set(listed.map((m) => m.id))}
            onChange={(m) => m && setListed([...listed, m])}
            hint="Type its number or title; repeat for each matter."
            error={err('body.matterIds') ?? (error instanceof ApiError ? (error.fields.find((f) => f.path.startsWith('body.matterIds.'))?.message ?? null) : null)}
          />
          {listed.length > 0 && (
            <ul className="consent-chosen" aria-label="Matters covered">
              {listed.map((m) => (
                <li key={m.id}>
                  <span>{m.label}</span>
                  <Button variant="secondary" aria-label={`Remove ${m.label}`} onClick={() => setListed(listed.filter((x) => x.id !== m.id))}>
                    Remove
                  </Button>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      <div className="consent-row">
        <TextField label="Valid from" type="date" value={validFrom} onChange={(e) => setValidFrom(e.target.value)} hint="Empty: from now" error={err('body.validFrom')} />
        <TextField label="Valid until" type="date" value={validUntil} onChange={(e) => setValidUntil(e.target.value)} hint="Empty: until withdrawn (to the end of that day)" error={err('body.validUntil')} />
      </div>
      {notices.error !== null && <ErrorMessage error={notices.error} title="The notices could not be loaded" />}
      <Select
        label="Notice shown to the client"
        value={chosenNotice}
        onChange={(e) => setNoticeId(e.target.value)}
        required
        options={published.length === 0 ? [{ value: '', label: 'No published notice yet' }] : published.map((n) => ({ value: n.id, label: `Version ${n.version}: ${n.title} (${shortSha(n.sha256)})` }))}
        error={err('body.noticeId')}
      />
      {matters.error !== null && <ErrorMessage error={matters.error} title="The client’s matters could not be loaded" />}
      <Select
        label="Signed consent form"
        value={evidenceId}
        onChange={(e) => setEvidenceId(e.target.value)}
        required
        hint={documentsLoading ? 'Loading the client’s documents…' : 'The form the client signed, uploaded (encrypted) to one of their matters.'}
        options={[{ value: '', label: evidenceOptions.length === 0 && !documentsLoading ? 'No document on the client’s matters yet' : 'Choose the document' }, ...evidenceOptions]}
        error={err('body.evidence.documentId')}
      />
      {evidenceOptions.length === 0 && !documentsLoading && (matters.data?.items.length ?? 0) > 0 && (
        <p className="consent-detail">
          Upload the signed form on the matter’s Documents tab first{matters.data?.items[0] ? <> (<Link to={`/matters/${matters.data.items[0].id}/documents`}>{matters.data.items[0].number}</Link>)</> : null}.
        </p>
      )}
      {error !== null && !onField && <ErrorMessage error={error} title="The consent was not recorded" />}
      <div className="consent-actions">
        <Button type="submit" busy={action.isPending}>
          Record consent
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
