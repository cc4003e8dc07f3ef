import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError } from '../../api/client';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, fieldError, Loading, MatterPicker, PageTitle, type PickerOption, Select, TextArea, TextField } from '../../components';
import { formatBytes } from '../../lib/format';
import { consentApi, type Consent, type DisclosureInput, type MatterDocument } from './api';
import { CHANNEL_LABELS, DATA_CATEGORY_LABELS, EXCEPTION_LABELS, formatDay, labelsOf, optionsOf, PURPOSE_LABELS, RECIPIENT_CATEGORY_LABELS, UNENCRYPTED_CHANNELS } from './labels';

type ItemRef = DisclosureInput['items'][number];
/** The fields a refusal can name that this form shows beside their control. */
const SHOWN_FIELDS = new Set([
  'body.matterId',
  'body.clientId',
  'body.recipient',
  'body.recipient.name',
  'body.recipient.email',
  'body.recipient.category',
  'body.items',
  'body.purpose',
  'body.purposeText',
  'body.channel',
  'body.basis.consentId',
  'body.basis.exception',
  'body.basis.reference',
  'body.basis.supportingDocumentId',
  'body.waivePrivilege',
  'body.waivePrivilege.risk',
]);
const keyOf = (item: ItemRef) => `${item.type}:${item.id}`;
const isPrivileged = (d: MatterDocument) => d.privileged || d.classification === 'privileged';

/** The server's sentence about an item, without the id it starts with (the item is shown beside it by name). */
export function itemProblem(message: string): string {
  return message.replace(/^(document|note) [0-9a-f-]{36} /i, '');
}

/** What a live consent allows, in one line, for choosing it as the basis. */
function consentSummary(c: Consent): string {
  const to = [...c.recipients.map((r) => r.name), ...c.recipientCategories.map((r) => RECIPIENT_CATEGORY_LABELS[r] ?? r)].join(', ');
  return `${labelsOf(PURPOSE_LABELS, c.purposes)} — ${labelsOf(DATA_CATEGORY_LABELS, c.dataCategories).toLowerCase()} to ${to || 'nobody named'}, until ${formatDay(c.validUntil, 'withdrawn')}`;
}

/**
 * Request a disclosure: the matter, the recipient, the items (its documents and notes), purpose,
 * channel and the basis — a live consent of the client, or a legal exception with its reference
 * and the supporting order. Privileged items ask for the waiver confirmation naming the risk.
 * What the server refuses is shown next to what it names: each item, the recipient, purpose,
 * channel or consent.
 */
export function RequestDisclosurePage() {
  const navigate = useNavigate();
  const action = usePageAction(['consent', 'disclosures']);
  const error = action.error;
  const [matter, setMatter] = useState<PickerOption | null>(null);
  const matterId = matter?.id ?? '';
  const info = useQuery({ queryKey: ['consent', 'matter', matterId], queryFn: () => consentApi.matter(matterId), enabled: Boolean(matterId) });
  const documents = useQuery({ queryKey: ['consent', 'documents', matterId], queryFn: () => consentApi.documents(matterId), enabled: Boolean(matterId) });
  const notes = useQuery({ queryKey: ['consent', 'notes', matterId], queryFn: () => consentApi.notes(matterId), enabled: Boolean(matterId) });
  const clientId = info.data?.clientId ?? '';
  const consents = useQuery({ queryKey: ['consent', 'consents', clientId], queryFn: () => consentApi.consents(clientId), enabled: Boolean(clientId) });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [recipientName, setRecipientName] = useState('');
  const [recipientEmail, setRecipientEmail] = useState('');
  const [recipientCategory, setRecipientCategory] = useState('');
  const [purpose, setPurpose] = useState('litigation');
  const [purposeText, setPurposeText] = useState('');
  const [channel, setChannel] = useState('secure_link');
  const [basisKind, setBasisKind] = useState<'consent' | 'exception'>('consent');
  const [consentId, setConsentId] = useState('');
  const [exception, setException] = useState('court_order');
  const [reference, setReference] = useState('');
  const [supportingId, setSupportingId] = useState('');
  const [gagOrder, setGagOrder] = useState(false);
  const [waiver, setWaiver] = useState(false);
  const [risk, setRisk] = useState('');
  // Once a submit was tried, what is still missing is said live, and each message goes as soon as it is fixed.
  const [tried, setTried] = useState(false);
  // The items as last sent, in order: a refusal names them by their index there.
  const [sent, setSent] = useState<ItemRef[]>([]);

  const liveDocuments = (documents.data?.items ?? []).filter((d) => d.trashedAt === null);
  const liveNotes = notes.data?.items ?? [];
  const items: ItemRef[] = [...liveDocuments.map((d) => ({ type: 'document' as const, id: d.id })), ...liveNotes.map((n) => ({ type: 'note' as const, id: n.id }))].filter((i) => selected.has(keyOf(i)));
  const privileged = liveDocuments.filter((d) => isPrivileged(d) && selected.has(`document:${d.id}`));
  const liveConsents = (consents.data?.items ?? []).filter((c) => c.status === 'active');
  const chosenConsent = consentId || liveConsents[0]?.id || '';
  const waiverAsked = privileged.length > 0 || (error instanceof ApiError && error.code === 'PRIVILEGE_WAIVER_REQUIRED');

  const chooseMatter = (option: PickerOption | null) => {
    setMatter(option);
    setSelected(new Set());
    setConsentId('');
    setSupportingId('');
    setSent([]);
    setTried(false);
    action.reset();
  };
  const toggle = (key: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(key);
    else next.delete(key);
    setSelected(next);
  };

  const gapsNow = (): Record<string, string> => {
    const gaps: Record<string, string> = {};
    if (!matter) gaps['body.matterId'] = 'Choose the matter from the list.';
    if (!recipientName.trim()) gaps['body.recipient.name'] = 'Give the recipient’s name.';
    if (!/^[^\s@]+@[^\s@]+$/.test(recipientEmail.trim())) gaps['body.recipient.email'] = 'Give the recipient’s e-mail address.';
    if (items.length === 0) gaps['body.items'] = 'Choose at least one document or note.';
    if (!purposeText.trim()) gaps['body.purposeText'] = 'Say why, in words.';
    if (basisKind === 'consent' && !chosenConsent) gaps['body.basis.consentId'] = 'This client has no live consent: record one (Consents) or use a legal exception.';
    if (basisKind === 'exception' && !reference.trim()) gaps['body.basis.reference'] = 'Give the order, statute or case reference.';
    if (basisKind === 'exception' && !supportingId) gaps['body.basis.supportingDocumentId'] = 'Choose the order or subpoena (upload it to this matter first).';
    if (waiverAsked && (!waiver || !risk.trim())) gaps['body.waivePrivilege'] = 'Confirm the waiver and name its risk.';
    return gaps;
  };
  const missing = tried ? gapsNow() : {};

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    const gaps = gapsNow();
    if (Object.keys(gaps).length > 0 || !info.data) return;
    const body: DisclosureInput = {
      clientId: info.data.clientId,
      matterId,
      recipient: { name: recipientName.trim(), email: recipientEmail.trim(), ...(recipientCategory ? { category: recipientCategory as NonNullable<DisclosureInput['recipient']['category']> } : {}) },
      items,
      purpose: purpose as DisclosureInput['purpose'],
      purposeText: purposeText.trim(),
      channel: channel as DisclosureInput['channel'],
      basis:
        basisKind === 'consent'
          ? { kind: 'consent', consentId: chosenConsent }
          : { kind: 'exception', exception: exception as 'court_order', reference: reference.trim(), supportingDocumentId: supportingId, ...(gagOrder ? { gagOrder: true } : {}) },
      ...(waiverAsked ? { waivePrivilege: { confirmed: true as const, risk: risk.trim() } } : {}),
    };
    setSent(items);
    action.mutate(async () => {
      const created = await consentApi.requestDisclosure(body);
      await navigate(`/disclosures/${created.id}`);
    });
  };

  const err = (path: string) => missing[path] ?? fieldError(error, path);
  const itemError = (item: ItemRef) => {
    const index = sent.findIndex((s) => keyOf(s) === keyOf(item));
    const message = index >= 0 ? fieldError(error, `body.items.${index}`) : null;
    return message ? itemProblem(message) : null;
  };
  const fields = error instanceof ApiError ? error.fields : [];
  const refusedFields = fields.length > 0 || Object.keys(missing).length > 0;
  // A field this form has no place for (a new rule on the server) is still said, in the error box.
  const unplaced = fields.some((f) => !SHOWN_FIELDS.has(f.path) && !/^body\.items\.\d+$/.test(f.path));

  return (
    <section>
      <PageTitle>Request a disclosure</PageTitle>
      <p>
        <Link to="/disclosures">Disclosures</Link>
      </p>
      <form onSubmit={submit} aria-label="Request a disclosure" className="consent-form" noValidate>
        <MatterPicker label="Matter" value={matter} onChange={chooseMatter} required hint="Type its number or title." error={err('body.matterId') ?? fieldError(error, 'body.clientId')} />
        {info.error !== null && <ErrorMessage error={info.error} />}
        {matter && info.data && <p className="consent-detail">Client: {info.data.clientName || 'name destroyed'}</p>}

        <fieldset className="consent-choices">
          <legend>Recipient</legend>
          <TextField label="Recipient name" value={recipientName} onChange={(e) => setRecipientName(e.target.value)} required maxLength={300} error={err('body.recipient.name')} />
          <TextField
            label="Recipient e-mail"
            type="email"
            value={recipientEmail}
            onChange={(e) => setRecipientEmail(e.target.value)}
            required
            maxLength={320}
            hint="The one-time code goes to this address; a recipient the client named must have the address the consent gives."
            error={err('body.recipient.email') ?? fieldError(error, 'body.recipient')}
          />
          <Select label="Kind of recipient" value={recipientCategory} onChange={(e) => setRecipientCategory(e.target.value)} options={[{ value: '', label: 'Not given' }, ...optionsOf(RECIPIENT_CATEGORY_LABELS)]} error={fieldError(error, 'body.recipient.category')} />
        </fieldset>

        <fieldset className={`consent-choices${err('body.items') ? ' field-invalid' : ''}`}>
          <legend>
            Items to disclose<span className="required"> (required)</span>
          </legend>
          {!matter ? (
            <p className="field-hint">Choose the matter first: its documents and notes are listed here.</p>
          ) : documents.isPending || notes.isPending ? (
            <Loading label="Loading the matter’s documents and notes…" />
          ) : (
            <>
              {documents.error !== null && <ErrorMessage error={documents.error} title="The documents could not be loaded" />}
              {notes.error !== null && <ErrorMessage error={notes.error} title="The notes could not be loaded" />}
              {liveDocuments.length === 0 && liveNotes.length === 0 && <p>This matter has no documents or notes yet.</p>}
              <ul className="consent-items" aria-label="Documents and notes">
                {liveDocuments.map((d) => {
                  const item = { type: 'document' as const, id: d.id };
                  const problem = itemError(item);
                  return (
                    <li key={d.id} className={problem ? 'consent-item-refused' : undefined}>
                      <label className="consent-choice">
                        <input type="checkbox" checked={selected.has(keyOf(item))} onChange={(e) => toggle(keyOf(item), e.target.checked)} aria-invalid={problem ? true : undefined} />
                        <span>
                          {d.name} <span className="consent-detail">(document, {formatBytes(d.size)})</span>
                          {isPrivileged(d) && <span className="consent-status consent-status-privileged">Privileged</span>}
                        </span>
                      </label>
                      {problem && <p className="field-error">This document {problem}</p>}
                    </li>
                  );
                })}
                {liveNotes.map((n) => {
                  const item = { type: 'note' as const, id: n.id };
                  const problem = itemError(item);
                  return (
                    <li key={n.id} className={problem ? 'consent-item-refused' : undefined}>
                      <label className="consent-choice">
                        <input type="checkbox" checked={selected.has(keyOf(item))} onChange={(e) => toggle(keyOf(item), e.target.checked)} aria-invalid={problem ? true : undefined} />
                        <span>
                          {n.title} <span className="consent-detail">(note)</span>
                        </span>
                      </label>
                      {problem && <p className="field-error">This note {problem}</p>}
                    </li>
                  );
                })}
              </ul>
            </>
          )}
          {err('body.items') && <p className="field-error">{err('body.items')}</p>}
        </fieldset>

        <Select label="Purpose" value={purpose} onChange={(e) => setPurpose(e.target.value)} options={optionsOf(PURPOSE_LABELS)} error={fieldError(error, 'body.purpose')} />
        <TextArea label="Why, in words" value={purposeText} onChange={(e) => setPurposeText(e.target.value)} required rows={3} maxLength={2000} error={err('body.purposeText')} />
        <Select
          label="Channel"
          value={channel}
          onChange={(e) => setChannel(e.target.value)}
          options={optionsOf(CHANNEL_LABELS)}
          hint={UNENCRYPTED_CHANNELS.has(channel) ? 'Unencrypted: allowed only where the client consented to this channel.' : channel === 'secure_link' ? 'The recipient gets an expiring link and proves their e-mail with a one-time code.' : channel === 'age_package' ? 'After executing, you make one encrypted file for the recipient (a passphrase or their age key); they open it with the free age tool.' : undefined}
          error={fieldError(error, 'body.channel')}
        />

        <fieldset className="consent-choices">
          <legend>Basis</legend>
          <div className="consent-choice-list">
            <label className="consent-choice">
              <input type="radio" name="basis" value="consent" checked={basisKind === 'consent'} onChange={() => setBasisKind('consent')} />
              <span>The client’s consent</span>
            </label>
            <label className="consent-choice">
              <input type="radio" name="basis" value="exception" checked={basisKind === 'exception'} onChange={() => setBasisKind('exception')} />
              <span>A legal exception (needs a second person’s approval)</span>
            </label>
          </div>
          {basisKind === 'consent' ? (
            <>
              {consents.error !== null && <ErrorMessage error={consents.error} title="The client’s consents could not be loaded" />}
              <Select
                label="Consent"
                value={chosenConsent}
                onChange={(e) => setConsentId(e.target.value)}
                options={liveConsents.length === 0 ? [{ value: '', label: matter ? 'No live consent for this client' : 'Choose the matter first' }] : liveConsents.map((c) => ({ value: c.id, label: consentSummary(c) }))}
                error={err('body.basis.consentId')}
              />
              {clientId && liveConsents.length === 0 && consents.data && (
                <p className="consent-detail">
                  <Link to={`/consents/${clientId}`}>Record the client’s consent</Link> first, or use a legal exception.
                </p>
              )}
            </>
          ) : (
            <>
              <Select label="Exception" value={exception} onChange={(e) => setException(e.target.value)} options={optionsOf(EXCEPTION_LABELS)} error={fieldError(error, 'body.basis.exception')} />
              <TextField label="Reference" value={reference} onChange={(e) => setReference(e.target.value)} required maxLength={500} hint="The order, statute or case reference." error={err('body.basis.reference')} />
              <Select
                label="Supporting order or subpoena"
                value={supportingId}
                onChange={(e) => setSupportingId(e.target.value)}
                required
                hint="Upload it to this matter first (it is stored encrypted)."
                options={[{ value: '', label: liveDocuments.length === 0 ? 'No document on this matter' : 'Choose the document' }, ...liveDocuments.map((d) => ({ value: d.id, label: d.name }))]}
                error={err('body.basis.supportingDocumentId')}
              />
              <label className="consent-choice">
                <input type="checkbox" checked={gagOrder} onChange={(e) => setGagOrder(e.target.checked)} />
                <span>A gag order applies: never show this disclosure to the client</span>
              </label>
            </>
          )}
        </fieldset>

        {waiverAsked && (
          <fieldset className={`consent-waiver${err('body.waivePrivilege') ? ' field-invalid' : ''}`}>
            <legend>Waiving privilege</legend>
            <p>
              {privileged.length > 0 ? (
                <>
                  Privileged: <strong>{privileged.map((d) => d.name).join(', ')}</strong>.{' '}
                </>
              ) : null}
              Disclosing privileged material to someone outside the privilege can waive it — for these documents and possibly for others on the same subject — and the other side may then use them.
            </p>
            <TextArea label="The risk of the waiver, in words" value={risk} onChange={(e) => setRisk(e.target.value)} required rows={3} maxLength={2000} error={fieldError(error, 'body.waivePrivilege.risk')} />
            <label className="consent-choice">
              <input type="checkbox" checked={waiver} onChange={(e) => setWaiver(e.target.checked)} />
              <span>I confirm the client’s privilege over these items is waived by this disclosure, with the risk named above.</span>
            </label>
            {err('body.waivePrivilege') && <p className="field-error">{err('body.waivePrivilege')}</p>}
          </fieldset>
        )}

        {error !== null && refusedFields && (
          <p className="consent-refusal" role="alert">
            {error instanceof ApiError && error.code === 'DISCLOSURE_OUTSIDE_CONSENT'
              ? 'Refused: the consent does not cover what is marked below. Nothing was filed and nothing was left out silently.'
              : error instanceof ApiError && error.code === 'PRIVILEGE_WAIVER_REQUIRED'
                ? 'Refused: privileged items need the waiver confirmed, with its risk named.'
                : 'Nothing was filed: see what is marked below.'}
          </p>
        )}
        {error !== null && (!refusedFields || unplaced) && <ErrorMessage error={error} title={error instanceof ApiError && (error.code === 'CONSENT_WITHDRAWN' || error.code === 'CONSENT_EXPIRED') ? 'That consent is no longer a basis' : 'The disclosure was not filed'} />}
        <Button type="submit" busy={action.isPending}>
          Request disclosure
        </Button>
      </form>
    </section>
  );
}
