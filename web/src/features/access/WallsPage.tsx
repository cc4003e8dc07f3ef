import { useQuery } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { usePageAction } from '../../api/query';
import { Button, ClientPicker, ErrorMessage, fieldError, Loading, MatterPicker, PageTitle, PersonPicker, Select, type PickerOption } from '../../components';
import { formatTime } from '../../lib/format';
import { accessApi, type Wall } from './api';
import { clientText, coversText, matterText, personText } from './labels';
import './access.css';

/** The fields a 400 can name here, shown next to their control. */
const FIELDS = ['body.kind', 'body.matterId', 'body.clientId', 'body.userIds', 'body.memo'];

/**
 * Compliance: put up walls (the people screened or let in, picked by name, and the memo everyone
 * concerned must acknowledge) and see them all, active and lifted. Opened from a link with
 * `?matterId=` or `?clientId=` (a conflict check, a matter), the form starts on that matter or client.
 */
export function WallsPage() {
  const [params] = useSearchParams();
  const linkedMatter = params.get('matterId');
  const linkedClient = params.get('clientId');
  const [active, setActive] = useState<boolean | undefined>(true);
  const { data, error: loadError } = useQuery({ queryKey: ['access', 'walls', { active }], queryFn: () => accessApi.walls(active) });
  const action = usePageAction(['access', 'walls']);
  const error = action.error;
  const [kind, setKind] = useState<Wall['kind']>('exclusionary');
  const [targetKind, setTargetKind] = useState<'matter' | 'client'>(linkedClient && !linkedMatter ? 'client' : 'matter');
  const [target, setTarget] = useState<PickerOption | null>(null);
  const [people, setPeople] = useState<PickerOption[]>([]);
  const [memo, setMemo] = useState('');
  const [missing, setMissing] = useState<{ target?: boolean; people?: boolean }>({});
  const busy = action.isPending;
  const [created, setCreated] = useState<Wall | null>(null);

  // A link names the matter or client by id: show it by its number or name, as the server labels it.
  const linked = useQuery({
    queryKey: ['access', 'wall-target', linkedMatter, linkedClient],
    queryFn: () => accessApi.wallTarget(linkedMatter ? { matterId: linkedMatter } : { clientId: linkedClient ?? '' }),
    enabled: Boolean(linkedMatter ?? linkedClient),
  });
  useEffect(() => {
    const found = linked.data;
    if (!found) return;
    if (found.matter) setTarget({ id: found.matter.id, label: matterText(found.matter), ...(found.matter.clientName ? { detail: found.matter.clientName } : {}) });
    else if (found.client) setTarget({ id: found.client.id, label: clientText(found.client) });
  }, [linked.data]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const gaps = { target: !target, people: people.length === 0 };
    setMissing(gaps);
    if (gaps.target || gaps.people || !target) return;
    action.mutate(async () => {
      const wall = await accessApi.createWall({ kind, ...(targetKind === 'matter' ? { matterId: target.id } : { clientId: target.id }), userIds: people.map((p) => p.id), memo });
      setCreated(wall);
      setMemo('');
      setPeople([]);
    });
  };

  const addPerson = (option: PickerOption | null) => {
    if (option && !people.some((p) => p.id === option.id)) setPeople([...people, option]);
    setMissing({ ...missing, people: false });
  };

  const targetError = missing.target ? `Choose the ${targetKind} from the list.` : fieldError(error, targetKind === 'matter' ? 'body.matterId' : 'body.clientId');
  const onField = FIELDS.some((path) => fieldError(error, path));

  return (
    <section>
      <PageTitle>Ethical walls</PageTitle>
      <p>
        An <strong>exclusionary</strong> wall screens the listed people from a client or matter: it overrides every other permission and takes effect on their next request. An{' '}
        <strong>inclusionary</strong> wall locks a client or matter to the listed people. Everyone affected must acknowledge the memo before opening anything behind the wall.
      </p>
      <h2>Put up a wall</h2>
      <form onSubmit={submit} aria-label="Create a wall" noValidate>
        <Select
          label="Kind"
          value={kind}
          onChange={(e) => setKind(e.target.value as Wall['kind'])}
          options={[
            { value: 'exclusionary', label: 'Exclusionary (screen people out)' },
            { value: 'inclusionary', label: 'Inclusionary (lock to listed people)' },
          ]}
          error={fieldError(error, 'body.kind')}
        />
        <Select
          label="Covers"
          value={targetKind}
          onChange={(e) => {
            setTargetKind(e.target.value as 'matter' | 'client');
            setTarget(null);
          }}
          options={[
            { value: 'matter', label: 'One matter' },
            { value: 'client', label: 'A whole client' },
          ]}
        />
        {linked.error !== null && <ErrorMessage error={linked.error} title="The linked matter or client was not found" />}
        {targetKind === 'matter' ? (
          <MatterPicker oversight label="Matter" value={target} onChange={setTarget} required error={targetError} hint="Type its number or title. From a conflict check or a matter’s link, the matter is filled in." />
        ) : (
          <ClientPicker label="Client" value={target} onChange={setTarget} required error={targetError} hint="Type the client’s name. From a conflict check’s link, the client is filled in." />
        )}
        <PersonPicker
          label={kind === 'exclusionary' ? 'People to screen out' : 'People the matter is locked to'}
          value={null}
          onChange={addPerson}
          exclude={new Set(people.map((p) => p.id))}
          required
          hint="Type part of a name or e-mail and choose; repeat for each person."
          error={missing.people ? 'Choose at least one person.' : fieldError(error, 'body.userIds')}
        />
        {people.length > 0 && (
          <ul className="chosen-people" aria-label="Chosen people">
            {people.map((p) => (
              <li key={p.id}>
                <span>
                  {p.label}
                  {p.detail && <span className="access-detail"> {p.detail}</span>}
                </span>
                <Button variant="secondary" aria-label={`Remove ${p.label}`} onClick={() => setPeople(people.filter((other) => other.id !== p.id))}>
                  Remove
                </Button>
              </li>
            ))}
          </ul>
        )}
        <div className={`field${fieldError(error, 'body.memo') ? ' field-invalid' : ''}`}>
          <label htmlFor="wall-memo">
            Memo (what the screen is and what people must not do)<span className="required"> (required)</span>
          </label>
          <textarea id="wall-memo" value={memo} onChange={(e) => setMemo(e.target.value)} required rows={5} maxLength={20000} aria-invalid={fieldError(error, 'body.memo') ? true : undefined} />
          {fieldError(error, 'body.memo') && <p className="field-error">{fieldError(error, 'body.memo')}</p>}
        </div>
        {error !== null && !onField && <ErrorMessage error={error} />}
        <Button type="submit" busy={busy}>
          Create wall
        </Button>
      </form>
      {created && (
        <p role="status">
          Wall created on {coversText(created).toLowerCase()}. <Link to={`/access/walls/${created.id}`}>Open it</Link> to follow acknowledgements or print the screening notice.
        </p>
      )}
      <h2>Walls</h2>
      <div role="group" aria-label="Which walls" className="access-filter">
        <Button variant={active === true ? 'primary' : 'secondary'} aria-pressed={active === true} onClick={() => setActive(true)}>
          Active
        </Button>
        <Button variant={active === false ? 'primary' : 'secondary'} aria-pressed={active === false} onClick={() => setActive(false)}>
          Lifted
        </Button>
        <Button variant={active === undefined ? 'primary' : 'secondary'} aria-pressed={active === undefined} onClick={() => setActive(undefined)}>
          All
        </Button>
      </div>
      {loadError !== null && <ErrorMessage error={loadError} />}
      {data === undefined ? (
        !loadError && <Loading />
      ) : data.walls.length === 0 ? (
        <p>{active === false ? 'No wall has been lifted.' : 'No walls yet — a wall keeps a conflicted person away from a client or matter (or keeps a matter to a named few), and records that everyone concerned read its memo.'}</p>
      ) : (
        <div className="table-scroll" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Wall</th>
                <th scope="col">Covers</th>
                <th scope="col">People</th>
                <th scope="col">Still to acknowledge</th>
                <th scope="col">Created</th>
                <th scope="col">Lifted</th>
              </tr>
            </thead>
            <tbody>
              {data.walls.map((wall) => (
                <tr key={wall.id}>
                  <td>
                    <Link to={`/access/walls/${wall.id}`}>{wall.kind === 'exclusionary' ? 'Exclusionary' : 'Inclusionary'}</Link>
                    <div className="access-detail">{wall.memo.length > 80 ? `${wall.memo.slice(0, 80)}…` : wall.memo}</div>
                  </td>
                  <td>{coversText(wall)}</td>
                  <td>{wall.members.map((m) => personText(m.name)).join(', ')}</td>
                  <td>{wall.liftedAt !== null ? '—' : (wall.awaiting ?? []).length === 0 ? 'Nobody' : (wall.awaiting ?? []).map((p) => personText(p.name)).join(', ')}</td>
                  <td>
                    {formatTime(wall.createdAt)}
                    {wall.createdByName && <div className="access-detail">by {wall.createdByName}</div>}
                  </td>
                  <td>
                    {wall.liftedAt === null ? (wall.liftApproval ? 'Lift awaiting approval' : '—') : formatTime(wall.liftedAt)}
                    {wall.liftedByName && <div className="access-detail">by {wall.liftedByName}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
