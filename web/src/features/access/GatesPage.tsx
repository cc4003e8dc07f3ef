import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, Loading, PageTitle, Select, TextField } from '../../components';
import { formatTime, parseLocal } from '../../lib/format';
import { accessApi, type Agreement } from './api';

/** Gates every person must pass before any client data, and the agreement and training records behind two of them. */
export function GatesPage() {
  const gates = useQuery({ queryKey: ['access', 'gates'], queryFn: accessApi.gates });
  const agreements = useQuery({ queryKey: ['access', 'agreements'], queryFn: accessApi.agreements });
  const action = usePageAction(['access']);
  const { error } = action;
  const busy = action.isPending;
  const [record, setRecord] = useState({ userId: '', kind: 'agreement' as Agreement['kind'], completedAt: '', expiresAt: '' });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    action.mutate(() => accessApi.recordAgreement({ userId: record.userId.trim(), kind: record.kind, completedAt: parseLocal(record.completedAt) ?? Date.now(), expiresAt: parseLocal(record.expiresAt) }));
  };

  return (
    <section>
      <PageTitle>Access gates</PageTitle>
      <p>A gate that is on must be satisfied before anyone opens any client data. Changes apply on everyone's next request.</p>
      {error !== null && <ErrorMessage error={error} />}
      {gates.error !== null && <ErrorMessage error={gates.error} />}
      {gates.data === undefined ? (
        !gates.error && <Loading />
      ) : (
        <ul className="gate-list">
          {gates.data.gates.map((gate) => (
            <li key={gate.key}>
              <h2>
                {gate.title}: {gate.enabled ? 'on' : 'off'}
              </h2>
              <p>{gate.description}</p>
              <p className="field-hint">A new firm starts with this gate {gate.defaultEnabled ? 'on' : 'off'}.</p>
              <Button variant={gate.enabled ? 'danger' : 'primary'} busy={busy} onClick={() => action.mutate(() => accessApi.setGate(gate.key, !gate.enabled))}>
                Turn {gate.enabled ? 'off' : 'on'}
              </Button>
            </li>
          ))}
        </ul>
      )}
      <h2>Record a signed agreement or completed training</h2>
      <form onSubmit={submit} aria-label="Record agreement or training">
        <TextField label="User id" value={record.userId} onChange={(e) => setRecord({ ...record, userId: e.target.value })} required />
        <Select label="What" value={record.kind} onChange={(e) => setRecord({ ...record, kind: e.target.value as Agreement['kind'] })} options={[{ value: 'agreement', label: 'Confidentiality agreement signed' }, { value: 'training', label: 'Confidentiality training completed' }]} />
        <TextField label="Completed on" type="datetime-local" value={record.completedAt} onChange={(e) => setRecord({ ...record, completedAt: e.target.value })} hint="Empty: now." />
        <TextField label="Valid until (optional)" type="datetime-local" value={record.expiresAt} onChange={(e) => setRecord({ ...record, expiresAt: e.target.value })} />
        <Button type="submit" busy={busy}>
          Record
        </Button>
      </form>
      <h2>On file</h2>
      {agreements.data === undefined ? (
        <Loading />
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Person</th>
              <th scope="col">What</th>
              <th scope="col">Completed</th>
              <th scope="col">Valid until</th>
            </tr>
          </thead>
          <tbody>
            {agreements.data.agreements.map((a) => (
              <tr key={a.id}>
                <td>{a.userId}</td>
                <td>{a.kind === 'agreement' ? 'Agreement' : 'Training'}</td>
                <td>{formatTime(a.completedAt)}</td>
                <td>{formatTime(a.expiresAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
