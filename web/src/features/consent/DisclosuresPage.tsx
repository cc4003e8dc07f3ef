import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { ErrorMessage, Loading, MatterPicker, PageTitle, Select, type PickerOption } from '../../components';
import { formatTime } from '../../lib/format';
import { useSession } from '../identity';
import { consentApi, privilegeLogUrl, registerCsvUrl, type Disclosure, type DisclosureFilter, type DisclosureStatus } from './api';
import { basisLabel, CHANNEL_LABELS, DISCLOSURE_STATUS_LABELS, labelOf, matterLabel, optionsOf, RECIPIENT_CATEGORY_LABELS } from './labels';
import { StatusBadge } from './parts';

const STATUSES = Object.keys(DISCLOSURE_STATUS_LABELS) as DisclosureStatus[];

/** The distinct clients, matters and recipients of the register, by name, for its filters. */
function filterOptions(items: Disclosure[]) {
  const clients = new Map<string, string>();
  const matters = new Map<string, string>();
  const recipients = new Map<string, string>();
  for (const d of items) {
    clients.set(d.clientId, d.clientName ?? 'a client (name not shown to you)');
    matters.set(d.matter.id, matterLabel(d.matter));
    recipients.set(d.recipient.email, `${d.recipient.name} <${d.recipient.email}>`);
  }
  const sorted = (m: Map<string, string>) => [...m].map(([value, label]) => ({ value, label })).sort((a, b) => a.label.localeCompare(b.label));
  return { clients: sorted(clients), matters: sorted(matters), recipients: sorted(recipients) };
}

/**
 * Disclosures: the register of everything requested, approved, executed, revoked or stopped on
 * the matters you may read (the compliance officer: all), filtered by client, matter and status,
 * downloadable as CSV; requesting a new one; and a matter's privilege log (CSV, PDF).
 */
export function DisclosuresPage() {
  const { state } = useSession();
  const role = state?.user.role;
  const [filter, setFilter] = useState<DisclosureFilter>({});
  const filtered = Boolean(filter.clientId ?? filter.matterId ?? filter.status ?? filter.basis ?? filter.recipientCategory);
  // A named recipient narrows this page only: an e-mail address never goes into a URL (the CSV link is one).
  const [recipient, setRecipient] = useState('');
  const all = useQuery({ queryKey: ['consent', 'disclosures', {}], queryFn: () => consentApi.disclosures() });
  const shown = useQuery({ queryKey: ['consent', 'disclosures', filter], queryFn: () => consentApi.disclosures(filter), enabled: filtered });
  const list = filtered ? shown : all;
  const rows = (list.data?.items ?? []).filter((d) => recipient === '' || d.recipient.email === recipient);
  const options = filterOptions(all.data?.items ?? []);
  const waiting = (all.data?.items ?? []).filter((d) => d.status === 'pending_approval');
  const set = (key: keyof DisclosureFilter, value: string) => setFilter((f) => ({ ...f, [key]: value || undefined }));

  return (
    <section>
      <PageTitle>Disclosures</PageTitle>
      <p>
        Nothing of a client’s leaves the firm without a recorded basis: a live consent that covers every item, the recipient, the purpose and the channel, or a legal exception approved by someone other than the
        person asking. Every executed disclosure is in this register with the fingerprints of the bytes released.
      </p>
      {role !== 'compliance_officer' && (
        <p>
          <Link to="/disclosures/new" className="button button-primary">
            Request a disclosure
          </Link>
        </p>
      )}
      {waiting.length > 0 && (
        <div className="consent-callout" role="status">
          <p>
            <strong>{waiting.length === 1 ? 'One disclosure waits' : `${waiting.length} disclosures wait`} for approval:</strong>
          </p>
          <ul>
            {waiting.map((d) => (
              <li key={d.id}>
                <Link to={`/disclosures/${d.id}`}>
                  {d.recipient.name} — {matterLabel(d.matter)}
                </Link>{' '}
                <span className="consent-detail">
                  ({basisLabel(d)}, asked by {d.requestedByName ?? 'a former staff member'})
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
      <h2>Register</h2>
      <div className="consent-filters" role="group" aria-label="Filter the register">
        <Select label="Client" value={filter.clientId ?? ''} onChange={(e) => set('clientId', e.target.value)} options={[{ value: '', label: 'All clients' }, ...options.clients]} />
        <Select label="Matter" value={filter.matterId ?? ''} onChange={(e) => set('matterId', e.target.value)} options={[{ value: '', label: 'All matters' }, ...options.matters]} />
        <Select label="Status" value={filter.status ?? ''} onChange={(e) => set('status', e.target.value)} options={[{ value: '', label: 'Any status' }, ...STATUSES.map((s) => ({ value: s, label: DISCLOSURE_STATUS_LABELS[s] }))]} />
        <Select
          label="Basis"
          value={filter.basis ?? ''}
          onChange={(e) => set('basis', e.target.value)}
          options={[
            { value: '', label: 'Any basis' },
            { value: 'consent', label: 'The client’s consent' },
            { value: 'exception', label: 'A legal exception' },
          ]}
        />
        <Select label="Kind of recipient" value={filter.recipientCategory ?? ''} onChange={(e) => set('recipientCategory', e.target.value)} options={[{ value: '', label: 'Any kind' }, ...optionsOf(RECIPIENT_CATEGORY_LABELS)]} />
        <Select label="Recipient" value={recipient} onChange={(e) => setRecipient(e.target.value)} options={[{ value: '', label: 'Every recipient' }, ...options.recipients]} />
      </div>
      <p>
        <a href={registerCsvUrl(filter)} download>
          Download the register (CSV){filtered ? ', as filtered' : ''}
        </a>
        {recipient !== '' && <span className="consent-detail"> — every recipient of these filters (the recipient choice narrows this page only)</span>}
      </p>
      {list.error !== null && <ErrorMessage error={list.error} />}
      {list.data === undefined ? (
        !list.error && <Loading />
      ) : rows.length === 0 ? (
        <p>{filtered || recipient !== '' ? 'No disclosure matches these filters.' : 'No disclosure yet. Request one from here; it is checked against the client’s consents before anything can be sent.'}</p>
      ) : (
        <div className="table-scroll" tabIndex={0}>
          <table className="consent-table">
            <thead>
              <tr>
                <th scope="col">Recipient</th>
                <th scope="col">Client and matter</th>
                <th scope="col">Basis</th>
                <th scope="col">Channel</th>
                <th scope="col">Items</th>
                <th scope="col">Status</th>
                <th scope="col">Requested</th>
                <th scope="col">Executed</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.id}>
                  <td>
                    <Link to={`/disclosures/${d.id}`}>{d.recipient.name}</Link>
                    <div className="consent-detail">{d.recipient.email}</div>
                  </td>
                  <td>
                    {d.clientName ?? 'a client'}
                    <div className="consent-detail">{matterLabel(d.matter)}</div>
                  </td>
                  <td>{basisLabel(d)}</td>
                  <td>{labelOf(CHANNEL_LABELS, d.channel)}</td>
                  <td>{d.items.length}</td>
                  <td>
                    <StatusBadge status={d.status} label={DISCLOSURE_STATUS_LABELS[d.status]} />
                  </td>
                  <td>
                    {formatTime(d.requestedAt)}
                    <div className="consent-detail">by {d.requestedByName ?? 'a former staff member'}</div>
                  </td>
                  <td>{formatTime(d.executedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {role !== 'compliance_officer' && <PrivilegeLogDownload />}
    </section>
  );
}

/** A matter's privilege log in the form courts expect, as CSV or PDF (no privileged content: names only). */
function PrivilegeLogDownload() {
  const [matter, setMatter] = useState<PickerOption | null>(null);
  return (
    <section className="consent-panel" aria-labelledby="privilege-log-title">
      <h2 id="privilege-log-title">Privilege log</h2>
      <p>One line per privileged document of a matter: date, author, recipients, type, privilege asserted and description (the document’s name — name privileged documents so the name reveals nothing privileged).</p>
      <MatterPicker label="Matter for the privilege log" value={matter} onChange={setMatter} hint="Type its number or title." />
      {matter && (
        <p className="consent-actions">
          <a href={privilegeLogUrl(matter.id, 'csv')} download>
            Download the privilege log (CSV)
          </a>
          <a href={privilegeLogUrl(matter.id, 'pdf')} download>
            Download the privilege log (PDF)
          </a>
        </p>
      )}
    </section>
  );
}
