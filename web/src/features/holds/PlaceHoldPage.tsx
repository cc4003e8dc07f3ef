import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import { usePageAction } from '../../api/query';
import { Button, ClientPicker, ErrorMessage, fieldError, MatterPicker, PageTitle, PersonPicker, Picker, Select, TextArea, TextField, type PickerOption } from '../../components';
import { useSession } from '../identity';
import { holdKeys, holdsApi, searchMattersWithClient, type HoldScope, type MatterChoice } from './api';
import { SCOPE_HINTS, SCOPE_LABELS } from './labels';

const FIELDS = ['body.clientId', 'body.matterId', 'body.scope', 'body.custodianUserId', 'body.documentIds', 'body.name', 'body.reason', 'body.notify'];
const SCOPES = (['matter', 'client', 'custodian', 'documents'] as HoldScope[]).map((value) => ({ value, label: SCOPE_LABELS[value] }));

interface Gaps {
  client?: string;
  matter?: string;
  custodian?: string;
  documents?: string;
  name?: string;
  reason?: string;
}

/**
 * Placing a legal hold: on a matter, a whole client, one custodian's items or named documents,
 * with its name and reason (sealed under the client's key) and the custodians to notify. A lawyer
 * chooses the client by name and the matter among its matters; the compliance officer, who may
 * not open them, chooses a matter by its number and the client comes with it. `?matterId=` (from
 * a matter's page) starts on that matter.
 */
export function PlaceHoldPage() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const linkedMatter = params.get('matterId');
  const compliance = useSession().state?.user.role === 'compliance_officer';
  const place = usePageAction(holdKeys.all);
  const [scope, setScope] = useState<HoldScope>('matter');
  const [client, setClient] = useState<PickerOption | null>(null);
  const [matter, setMatter] = useState<PickerOption | null>(null);
  const [custodian, setCustodian] = useState<PickerOption | null>(null);
  const [documentIds, setDocumentIds] = useState<string[]>([]);
  const [name, setName] = useState('');
  const [reason, setReason] = useState('');
  const [notify, setNotify] = useState<PickerOption[]>([]);
  const [gaps, setGaps] = useState<Gaps>({});
  // The compliance officer's matter search brings each matter's client along.
  const clientOfMatter = useRef(new Map<string, string>());
  const error = place.error;

  // From a matter's page: that matter (and its client), by its number and title.
  const linked = useQuery({
    queryKey: holdKeys.matter(linkedMatter ?? ''),
    queryFn: () => holdsApi.matter(linkedMatter ?? ''),
    enabled: Boolean(linkedMatter),
    retry: false,
  });
  useEffect(() => {
    const m = linked.data;
    if (!m) return;
    clientOfMatter.current.set(m.id, m.clientId);
    setClient({ id: m.clientId, label: m.clientName || 'Client' });
    setMatter({
      id: m.id,
      label: `${m.number} — ${m.title}`,
      ...(m.clientName ? { detail: m.clientName } : {}),
    });
  }, [linked.data]);

  const needsMatter = scope === 'matter' || scope === 'documents';
  const showsMatter = scope !== 'client' || compliance;
  const clientId = compliance ? (matter ? (clientOfMatter.current.get(matter.id) ?? null) : null) : (client?.id ?? null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Gaps = {
      ...(!compliance && !client ? { client: 'Choose the client from the list.' } : {}),
      ...((needsMatter || compliance) && !matter
        ? {
            matter: compliance && scope === 'client' ? 'Choose one of the client’s matters: the hold covers its client.' : 'Choose the matter from the list.',
          }
        : {}),
      ...(scope === 'custodian' && !custodian ? { custodian: 'Choose whose items are held.' } : {}),
      ...(scope === 'documents' && documentIds.length === 0 ? { documents: 'Choose at least one document.' } : {}),
      ...(name.trim() === '' ? { name: 'Give the hold a name, such as the dispute it is for.' } : {}),
      ...(reason.trim() === '' ? { reason: 'Say why, and what must be preserved.' } : {}),
    };
    setGaps(found);
    if (Object.keys(found).length > 0 || !clientId) return;
    const matterId = scope === 'client' ? undefined : matter?.id;
    place.mutate(async () => {
      const hold = await holdsApi.place({
        clientId,
        ...(matterId ? { matterId } : {}),
        scope,
        ...(scope === 'custodian' && custodian ? { custodianUserId: custodian.id } : {}),
        ...(scope === 'documents' ? { documentIds } : {}),
        name: name.trim(),
        reason: reason.trim(),
        ...(notify.length > 0 ? { notify: notify.map((p) => p.id) } : {}),
      });
      await navigate(`/holds/${hold.id}`);
    });
  };

  const chooseMatter = (option: PickerOption | null) => {
    setMatter(option);
    setDocumentIds([]);
    setGaps({ ...gaps, matter: undefined });
  };
  const addPerson = (option: PickerOption | null) => {
    if (option && !notify.some((p) => p.id === option.id)) setNotify([...notify, option]);
  };
  const onField = error instanceof ApiError && error.fields.some((f) => FIELDS.includes(f.path));

  return (
    <section aria-labelledby="page-title">
      <PageTitle>Place a legal hold</PageTitle>
      <p className="hold-lead">
        From the moment you place it, nothing the hold covers can be changed, deleted or destroyed, and retention waits. Only the compliance officer can release it, with a reason. <Link to="/holds">All holds</Link>
      </p>
      <form className="hold-form" onSubmit={submit} aria-label="Place a legal hold" noValidate>
        <Select
          label="What it covers"
          value={scope}
          onChange={(e) => {
            setScope(e.target.value as HoldScope);
            setDocumentIds([]);
            setGaps({});
          }}
          options={SCOPES}
          hint={SCOPE_HINTS[scope]}
          error={fieldError(error, 'body.scope')}
        />
        {compliance ? (
          <CompliancePickers
            scope={scope}
            matter={matter}
            onMatter={chooseMatter}
            remember={(choices) => choices.forEach((c) => clientOfMatter.current.set(c.id, c.clientId))}
            error={gaps.matter ?? fieldError(error, 'body.matterId') ?? fieldError(error, 'body.clientId')}
          />
        ) : (
          <>
            <ClientPicker
              label="Client"
              required
              value={client}
              onChange={(option) => {
                setClient(option);
                setMatter(null);
                setDocumentIds([]);
                setGaps({ ...gaps, client: undefined });
              }}
              error={gaps.client ?? fieldError(error, 'body.clientId')}
            />
            {showsMatter && (
              <MatterPicker
                label={needsMatter ? 'Matter' : 'Matter (optional)'}
                required={needsMatter}
                value={matter}
                onChange={chooseMatter}
                {...(client ? { clientId: client.id } : {})}
                disabled={!client}
                hint={!client ? 'Choose the client first.' : scope === 'custodian' ? 'Leave empty to hold the custodian’s items in every matter of the client.' : 'Type its number or title.'}
                error={gaps.matter ?? fieldError(error, 'body.matterId')}
              />
            )}
          </>
        )}
        {scope === 'custodian' && (
          <PersonPicker
            label="Custodian"
            required
            value={custodian}
            onChange={(option) => {
              setCustodian(option);
              setGaps({ ...gaps, custodian: undefined });
            }}
            hint="The person whose documents, notes and records are held. They are notified too."
            error={gaps.custodian ?? fieldError(error, 'body.custodianUserId')}
          />
        )}
        {scope === 'documents' && (
          <DocumentChooser
            matterId={matter?.id ?? null}
            value={documentIds}
            onChange={(ids) => {
              setDocumentIds(ids);
              setGaps((g) => ({ ...g, documents: undefined }));
            }}
            error={gaps.documents ?? fieldError(error, 'body.documentIds')}
          />
        )}
        <TextField
          label="Name"
          required
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            setGaps((g) => ({ ...g, name: undefined }));
          }}
          maxLength={200}
          hint="What the hold is for, e.g. the dispute. Custodians who may see the matter read it."
          error={gaps.name ?? fieldError(error, 'body.name')}
        />
        <TextArea
          label="Reason, and what must be preserved"
          required
          value={reason}
          onChange={(e) => {
            setReason(e.target.value);
            setGaps((g) => ({ ...g, reason: undefined }));
          }}
          maxLength={4000}
          rows={5}
          hint="Kept sealed under the client’s key."
          error={gaps.reason ?? fieldError(error, 'body.reason')}
        />
        <PersonPicker
          label="Custodians to notify"
          value={null}
          onChange={addPerson}
          exclude={new Set(notify.map((p) => p.id))}
          hint="Each gets an e-mail without the matter’s details and acknowledges the hold in Confidant (reminded until they do). Add yourself if you keep material too."
          error={fieldError(error, 'body.notify')}
        />
        {notify.length > 0 && (
          <ul className="hold-chosen" aria-label="Custodians to notify">
            {notify.map((p) => (
              <li key={p.id}>
                <span>
                  {p.label}
                  {p.detail && <span className="hold-detail"> {p.detail}</span>}
                </span>
                <Button variant="secondary" aria-label={`Remove ${p.label}`} onClick={() => setNotify(notify.filter((other) => other.id !== p.id))}>
                  Remove
                </Button>
              </li>
            ))}
          </ul>
        )}
        {error !== null && !onField && <ErrorMessage error={error} title="The hold was not placed" />}
        <Button type="submit" busy={place.isPending}>
          Place the hold
        </Button>
      </form>
    </section>
  );
}

/** The compliance officer's choice: a matter by its number; for a client hold, any matter of the client. */
function CompliancePickers({ scope, matter, onMatter, remember, error }: { scope: HoldScope; matter: PickerOption | null; onMatter: (option: PickerOption | null) => void; remember: (choices: MatterChoice[]) => void; error: string | null }) {
  return (
    <Picker
      label={scope === 'client' ? 'A matter of the client' : 'Matter'}
      required
      value={matter}
      onChange={onMatter}
      placeholder="Matter number (or title, where you may open it)"
      search={async (query, signal) => {
        const found = await searchMattersWithClient(query, signal);
        remember(found);
        return found;
      }}
      hint={scope === 'client' ? 'A client hold covers every matter of the client: type the number of any of its matters.' : scope === 'custodian' ? 'The custodian’s items in this matter are held.' : 'Type the start of its number.'}
      error={error}
    />
  );
}

/** The matter's documents as checkboxes (the documents list of the vault). */
function DocumentChooser({ matterId, value, onChange, error }: { matterId: string | null; value: string[]; onChange: (ids: string[]) => void; error: string | null }) {
  const id = useId();
  const documents = useQuery({
    queryKey: holdKeys.documents(matterId ?? ''),
    queryFn: () => holdsApi.documents(matterId ?? ''),
    enabled: Boolean(matterId),
    retry: false,
  });
  const live = (documents.data?.items ?? []).filter((d) => d.trashedAt === null);
  return (
    <fieldset className={`hold-documents${error ? ' field-invalid' : ''}`} aria-describedby={error ? `${id}-error` : undefined}>
      <legend>
        Documents<span className="required"> (required)</span>
      </legend>
      {!matterId ? (
        <p className="field-hint">Choose the matter first.</p>
      ) : documents.error ? (
        <p className="field-hint">You cannot list this matter’s documents. Hold the whole matter instead, or ask its lead attorney to place the hold.</p>
      ) : documents.isPending ? (
        <p className="field-hint">Loading the matter’s documents…</p>
      ) : live.length === 0 ? (
        <p className="field-hint">This matter has no documents.</p>
      ) : (
        <ul className="hold-document-list">
          {live.map((d) => (
            <li key={d.id}>
              <label>
                <input type="checkbox" checked={value.includes(d.id)} onChange={(e) => onChange(e.target.checked ? [...value, d.id] : value.filter((v) => v !== d.id))} /> {d.name}
              </label>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </fieldset>
  );
}
