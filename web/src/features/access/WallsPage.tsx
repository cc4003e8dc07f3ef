import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, Loading, PageTitle, Select, TextField } from '../../components';
import { formatTime } from '../../lib/format';
import { accessApi, type Wall } from './api';

/** Compliance: create walls (with the memo people must acknowledge) and see them all, active and lifted. */
export function WallsPage() {
  const [active, setActive] = useState<boolean | undefined>(true);
  const { data, error: loadError } = useQuery({ queryKey: ['access', 'walls', { active }], queryFn: () => accessApi.walls(active) });
  const action = usePageAction(['access', 'walls']);
  const error = action.error ?? loadError;
  const [kind, setKind] = useState<Wall['kind']>('exclusionary');
  const [targetKind, setTargetKind] = useState<'matter' | 'client'>('matter');
  const [targetId, setTargetId] = useState('');
  const [userIds, setUserIds] = useState('');
  const [memo, setMemo] = useState('');
  const busy = action.isPending;
  const [created, setCreated] = useState<Wall | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const ids = userIds.split(/[\s,]+/).filter(Boolean);
    action.mutate(async () => {
      const wall = await accessApi.createWall({ kind, ...(targetKind === 'matter' ? { matterId: targetId.trim() } : { clientId: targetId.trim() }), userIds: ids, memo });
      setCreated(wall);
      setMemo('');
      setUserIds('');
    });
  };

  return (
    <section>
      <PageTitle>Ethical walls</PageTitle>
      <p>
        An <strong>exclusionary</strong> wall screens the listed people from a client or matter: it overrides every other permission and takes effect on their next request. An{' '}
        <strong>inclusionary</strong> wall locks a client or matter to the listed people. Everyone affected must acknowledge the memo before opening anything behind the wall.
      </p>
      <form onSubmit={submit} aria-label="Create a wall">
        <Select label="Kind" value={kind} onChange={(e) => setKind(e.target.value as Wall['kind'])} options={[{ value: 'exclusionary', label: 'Exclusionary (screen people out)' }, { value: 'inclusionary', label: 'Inclusionary (lock to listed people)' }]} />
        <Select label="Covers" value={targetKind} onChange={(e) => setTargetKind(e.target.value as 'matter' | 'client')} options={[{ value: 'matter', label: 'One matter' }, { value: 'client', label: 'A whole client' }]} />
        <TextField label={targetKind === 'matter' ? 'Matter id' : 'Client id'} value={targetId} onChange={(e) => setTargetId(e.target.value)} required />
        <TextField label="People (user ids, separated by spaces or commas)" value={userIds} onChange={(e) => setUserIds(e.target.value)} required />
        <div className="field">
          <label htmlFor="wall-memo">Memo (what the screen is and what people must not do)</label>
          <textarea id="wall-memo" value={memo} onChange={(e) => setMemo(e.target.value)} required rows={5} maxLength={20000} />
        </div>
        <Button type="submit" busy={busy}>
          Create wall
        </Button>
      </form>
      {created && (
        <p role="status">
          Wall created. <Link to={`/access/walls/${created.id}`}>Open it</Link> to follow acknowledgements or print the screening notice.
        </p>
      )}
      {error !== null && <ErrorMessage error={error} />}
      <div role="group" aria-label="Which walls">
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
      {data === undefined ? (
        !error && <Loading />
      ) : data.walls.length === 0 ? (
        <p>No walls.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Covers</th>
              <th scope="col">People</th>
              <th scope="col">Acknowledged</th>
              <th scope="col">Created</th>
              <th scope="col">Lifted</th>
            </tr>
          </thead>
          <tbody>
            {data.walls.map((wall) => (
              <tr key={wall.id}>
                <td>
                  <Link to={`/access/walls/${wall.id}`}>{wall.kind}</Link>
                </td>
                <td>{wall.matterId ? `matter ${wall.matterId}` : `client ${wall.clientId}`}</td>
                <td>{wall.members.map((m) => m.name ?? m.userId).join(', ')}</td>
                <td>{wall.acknowledgements.length}</td>
                <td>{formatTime(wall.createdAt)}</td>
                <td>{formatTime(wall.liftedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
