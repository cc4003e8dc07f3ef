import { useQuery } from '@tanstack/react-query';
import { Fragment, useId, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, fieldError, Loading, NotFound, PageTitle, PersonPicker, Select, TextArea, TextField, type PickerOption } from '../../components';
import { formatTime } from '../../lib/format';
import { evidenceApi, evidenceKeys, type Activity, type ActivityInput, type ActivityPatch, type ActivityRole } from './api';
import { Confirmation, dateOf, ROLE_OPTIONS, ROLE_WORDS, Saved, TEXT_FIELDS, useCanManage, type TextKey } from './parts';

const FIELD_PATHS = [...TEXT_FIELDS.map((f) => `body.${f.key}`), 'body.role', 'body.ownerId'];

/** The record of processing activities (GDPR Art. 30): list, add, change in place, retire. */
export function ProcessingPage() {
  const canManage = useCanManage();
  if (!canManage) return <NotFound />;
  return <ProcessingRecord />;
}

function ProcessingRecord() {
  const [showRetired, setShowRetired] = useState(false);
  // Retired ones too, always: the page says how many are hidden behind the toggle.
  const activities = useQuery({ queryKey: evidenceKeys.activities(true), queryFn: () => evidenceApi.activities(true) });
  const [adding, setAdding] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [open, setOpen] = useState<{ id: string; editing: boolean } | null>(null);
  const [retiring, setRetiring] = useState<Activity | null>(null);
  const action = usePageAction(evidenceKeys.all);
  const retiredToggle = useId();

  if (activities.error instanceof ApiError && activities.error.status === 404) return <NotFound />;
  const all = activities.data?.items ?? [];
  const items = showRetired ? all : all.filter((a) => a.retiredAt === null);
  const retired = all.length - all.filter((a) => a.retiredAt === null).length;
  const current = all.length - retired;
  return (
    <section aria-labelledby="page-title" className="ev-page">
      <PageTitle>Record of processing</PageTitle>
      <p className="ev-lead">
        The firm’s record of processing activities under GDPR Article 30: one entry for each thing the firm does with personal data. Change an entry when the practice changes; retire it when the firm stops — it stays in the record with its date. The record is the first
        register an auditor or the supervisory authority asks for (Registers &amp; evidence).
      </p>
      <Saved text={saved} />
      {adding ? (
        <ActivityForm
          onCancel={() => setAdding(false)}
          onSaved={(a) => {
            setAdding(false);
            setSaved(`“${a.name}” added to the record.`);
          }}
        />
      ) : (
        <Button
          onClick={() => {
            setSaved(null);
            setOpen(null);
            setAdding(true);
          }}
        >
          Add activity
        </Button>
      )}
      <div className="ev-check">
        <input id={retiredToggle} type="checkbox" checked={showRetired} onChange={(e) => setShowRetired(e.target.checked)} />
        <label htmlFor={retiredToggle}>Show retired activities</label>
      </div>
      {activities.error !== null && <ErrorMessage error={activities.error} title="The record cannot be shown" />}
      {activities.isPending && <Loading />}
      {activities.data && all.length > 0 && items.length === 0 && (
        <p className="ev-empty">
          No current activity: {retired === 1 ? 'the one retired activity is' : `the ${retired} retired activities are`} hidden. Tick “Show retired activities” to see {retired === 1 ? 'it' : 'them'}, or add the activities the firm carries out now.
        </p>
      )}
      {activities.data && all.length === 0 && (
        <div className="ev-empty">
          <p>No processing activity is recorded yet.</p>
          <p>
            Article 30 asks the firm to keep, and show the supervisory authority on request, a record of what it does with personal data: for each activity, why (purposes), on what legal basis, about whom, which kinds of data, who receives them, transfers outside the
            EEA, how long they are kept and how they are protected. Start with the main ones — client matter files, billing, payroll, recruitment — with “Add activity”.
          </p>
        </div>
      )}
      {items.length > 0 && (
        <>
          <p className="ev-detail">
            {current === 0 ? 'No current activity' : current === 1 ? '1 current activity' : `${current} current activities`}
            {retired > 0 ? `, ${retired} retired${showRetired ? '' : ' (hidden)'}` : ''}.
          </p>
          <div className="table-scroll" tabIndex={0} role="region" aria-label="Processing activities">
            <table className="ev-table">
              <thead>
                <tr>
                  <th scope="col">Activity</th>
                  <th scope="col">Role</th>
                  <th scope="col">Owner</th>
                  <th scope="col">Updated</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {items.map((a) => {
                  const isOpen = open?.id === a.id;
                  return (
                    <Fragment key={a.id}>
                      <tr className={a.retiredAt ? 'ev-retired' : undefined}>
                        <td data-label="Activity">
                          <strong>{a.name}</strong>
                          {a.retiredAt && <div className="ev-detail">Retired {dateOf(a.retiredAt)}</div>}
                        </td>
                        <td data-label="Role">{ROLE_WORDS[a.role]}</td>
                        <td data-label="Owner">{a.owner.name}</td>
                        <td data-label="Updated">{formatTime(Date.parse(a.updatedAt))}</td>
                        <td data-label="Actions">
                          <div className="ev-actions">
                            <Button variant="secondary" aria-expanded={isOpen} onClick={() => setOpen(isOpen ? null : { id: a.id, editing: false })} aria-label={`${isOpen ? 'Hide' : 'Show'} the entry “${a.name}”`}>
                              {isOpen ? 'Hide' : 'Show'}
                            </Button>
                            {a.retiredAt === null && (
                              <>
                                <Button
                                  variant="secondary"
                                  onClick={() => {
                                    setSaved(null);
                                    setAdding(false);
                                    setOpen({ id: a.id, editing: true });
                                  }}
                                  aria-label={`Edit “${a.name}”`}
                                >
                                  Edit
                                </Button>
                                <Button
                                  variant="secondary"
                                  onClick={() => {
                                    setSaved(null);
                                    action.reset();
                                    setRetiring(a);
                                  }}
                                  aria-label={`Retire “${a.name}”`}
                                >
                                  Retire
                                </Button>
                              </>
                            )}
                          </div>
                        </td>
                      </tr>
                      {retiring?.id === a.id && (
                        <tr className="ev-open">
                          <td colSpan={5}>
                            <Confirmation
                              title={`Retire “${a.name}”?`}
                              confirmLabel="Retire it"
                              busy={action.isPending}
                              onCancel={() => setRetiring(null)}
                              onConfirm={() =>
                                action.mutate(() => evidenceApi.retireActivity(a.id), {
                                  onSuccess: () => {
                                    setSaved(`“${a.name}” was retired. It stays in the record with today’s date and can no longer be changed.`);
                                    setRetiring(null);
                                    setOpen(null);
                                  },
                                })
                              }
                            >
                              <p>Retire an activity the firm no longer carries out. It stays in the record, the registers and the evidence pack with the date it was retired, and can no longer be changed.</p>
                            </Confirmation>
                            {action.error !== null && <ErrorMessage error={action.error} title="Not retired" />}
                          </td>
                        </tr>
                      )}
                      {isOpen && retiring?.id !== a.id && (
                        <tr className="ev-open">
                          <td colSpan={5}>
                            {open.editing && a.retiredAt === null ? (
                              <ActivityForm
                                activity={a}
                                onCancel={() => setOpen({ id: a.id, editing: false })}
                                onSaved={(changed, anything) => {
                                  setOpen({ id: a.id, editing: false });
                                  setSaved(anything ? `“${changed.name}” saved.` : 'Nothing was changed.');
                                }}
                              />
                            ) : (
                              <ActivityDetails activity={a} />
                            )}
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

/** Every Art. 30 field of one entry, as the register shows it. */
function ActivityDetails({ activity }: { activity: Activity }) {
  return (
    <dl className="ev-entry" aria-label={`The entry “${activity.name}”`}>
      {TEXT_FIELDS.filter((f) => f.key !== 'name').map((f) => (
        <div key={f.key}>
          <dt>{f.label}</dt>
          <dd>{activity[f.key]}</dd>
        </div>
      ))}
      <div>
        <dt>Added</dt>
        <dd>{formatTime(Date.parse(activity.createdAt))}</dd>
      </div>
    </dl>
  );
}

type Texts = Record<TextKey, string>;

const blankTexts = (): Texts => ({ name: '', purposes: '', legalBasis: '', dataSubjects: '', dataCategories: '', recipients: '', transfers: '', retention: '', securityMeasures: '' });

/** The server's words for a field, in plain words where it only says the field is empty or too long. */
function serverWords(error: unknown, key: string, missing: string, max?: number): string | null {
  const message = fieldError(error, `body.${key}`);
  if (message === null) return null;
  if (/fewer than 1|at least 1|required/i.test(message)) return missing;
  if (max !== undefined && /more than/i.test(message)) return `At most ${max} characters.`;
  return message;
}

/** Adds an activity, or (with `activity`) changes one in place: only the fields that changed are sent. */
function ActivityForm({ activity, onCancel, onSaved }: { activity?: Activity; onCancel: () => void; onSaved: (a: Activity, changed: boolean) => void }) {
  const [texts, setTexts] = useState<Texts>(() => (activity ? Object.fromEntries(Object.keys(blankTexts()).map((k) => [k, activity[k as TextKey]])) as Texts : blankTexts()));
  const [role, setRole] = useState<ActivityRole>(activity?.role ?? 'controller');
  const [owner, setOwner] = useState<PickerOption | null>(activity ? { id: activity.owner.id, label: activity.owner.name } : null);
  const [missing, setMissing] = useState<Set<string>>(new Set());
  const save = usePageAction(evidenceKeys.all);
  const form = useRef<HTMLFormElement>(null);
  const title = activity ? `Edit “${activity.name}”` : 'Add activity';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const gaps = new Set<string>(TEXT_FIELDS.filter((f) => texts[f.key].trim() === '').map((f) => f.key));
    if (!owner) gaps.add('ownerId');
    setMissing(gaps);
    if (gaps.size > 0 || !owner) {
      // Take the reader to the first field that needs them (once the errors are shown).
      window.setTimeout(() => form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);
      return;
    }
    const body: ActivityInput = { ...texts, role, ownerId: owner.id };
    if (!activity) {
      save.mutate(() => evidenceApi.createActivity(body), { onSuccess: (a) => onSaved(a as Activity, true) });
      return;
    }
    const patch: ActivityPatch = {};
    for (const f of TEXT_FIELDS) if (texts[f.key] !== activity[f.key]) patch[f.key] = texts[f.key];
    if (role !== activity.role) patch.role = role;
    if (owner.id !== activity.owner.id) patch.ownerId = owner.id;
    if (Object.keys(patch).length === 0) return onSaved(activity, false);
    save.mutate(() => evidenceApi.changeActivity(activity.id, patch), { onSuccess: (a) => onSaved(a as Activity, true) });
  };
  const error = save.error;
  const gap = (key: string, words: string) => (missing.has(key) && (key === 'ownerId' ? !owner : texts[key as TextKey].trim() === '') ? words : null);
  return (
    <form ref={form} className="ev-form" onSubmit={submit} noValidate aria-label={title}>
      <h2>{title}</h2>
      {TEXT_FIELDS.filter((f) => f.short).map((f) => (
        <TextField key={f.key} label={f.label} hint={f.hint} value={texts[f.key]} onChange={(e) => setTexts({ ...texts, [f.key]: e.target.value })} error={gap(f.key, f.missing) ?? serverWords(error, f.key, f.missing, f.max)} required maxLength={f.max} />
      ))}
      <Select label="Role of the firm" hint="Whether the firm decides why and how the data is processed, or processes it for someone else." value={role} onChange={(e) => setRole(e.target.value as ActivityRole)} options={ROLE_OPTIONS} error={fieldError(error, 'body.role')} required />
      {TEXT_FIELDS.filter((f) => !f.short).map((f) => (
        <TextArea key={f.key} label={f.label} hint={f.hint} rows={Math.min(10, Math.max(f.max > 2000 ? 5 : 3, Math.ceil(texts[f.key].length / 60) + 1))} value={texts[f.key]} onChange={(e) => setTexts({ ...texts, [f.key]: e.target.value })} error={gap(f.key, f.missing) ?? serverWords(error, f.key, f.missing, f.max)} required maxLength={f.max} />
      ))}
      <PersonPicker label="Owner" hint="The staff member who answers for this activity and keeps the entry up to date." value={owner} onChange={setOwner} error={gap('ownerId', 'Choose the person who owns this activity.') ?? serverWords(error, 'ownerId', 'Choose the person who owns this activity.')} required />
      {missing.size > 0 && [...missing].some((k) => gap(k, 'x') !== null) && (
        <p className="ev-form-note" role="alert">
          Some fields are empty: each says what to write.
        </p>
      )}
      {error !== null && !FIELD_PATHS.some((p) => fieldError(error, p) !== null) && <ErrorMessage error={error} title={activity ? 'The changes were not saved' : 'The activity was not added'} />}
      <div className="ev-actions">
        <Button type="submit" busy={save.isPending}>
          {activity ? 'Save changes' : 'Add to the record'}
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
