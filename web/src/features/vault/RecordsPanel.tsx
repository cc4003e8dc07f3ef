import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, Loading, TextField } from '../../components';
import { vaultApi } from './api';

/** Physical records (boxes, files) with check-out and check-in. */
export function RecordsPanel({ matterId }: { matterId: string }) {
  const { data, error } = useQuery({ queryKey: ['vault', 'records', matterId], queryFn: () => vaultApi.records(matterId) });
  const [label, setLabel] = useState('');
  const [location, setLocation] = useState('');
  const action = usePageAction(['vault', 'records', matterId]);
  const actionError = action.error;
  const add = (event: FormEvent) => {
    event.preventDefault();
    action.mutate(async () => {
      await vaultApi.createRecord(matterId, { label, location });
      setLabel('');
      setLocation('');
    });
  };
  const move = (id: string, direction: 'check-out' | 'check-in') => action.mutate(() => vaultApi.moveRecord(id, direction));
  return (
    <section aria-labelledby="records-title" className="vault-panel">
      <h2 id="records-title">Physical records</h2>
      {error ? <ErrorMessage error={error} /> : null}
      {!data && !error ? <Loading /> : null}
      {data && data.items.length > 0 && (
        <table className="vault-table">
          <caption className="visually-hidden">Physical records</caption>
          <thead>
            <tr>
              <th scope="col">Box / file</th>
              <th scope="col">Location</th>
              <th scope="col">Status</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((record) => (
              <tr key={record.id}>
                <td>{record.label}</td>
                <td>{record.location}</td>
                <td>{record.status === 'out' ? 'checked out' : 'in place'}</td>
                <td>
                  <Button variant="secondary" onClick={() => move(record.id, record.status === 'out' ? 'check-in' : 'check-out')}>
                    {record.status === 'out' ? `Check in ${record.label}` : `Check out ${record.label}`}
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {actionError ? <ErrorMessage error={actionError} /> : null}
      <form onSubmit={add} aria-label="Add a physical record" className="vault-inline-form">
        <TextField label="Box or file id" required value={label} onChange={(e) => setLabel(e.target.value)} />
        <TextField label="Location" required value={location} onChange={(e) => setLocation(e.target.value)} />
        <Button type="submit">Add record</Button>
      </form>
    </section>
  );
}
