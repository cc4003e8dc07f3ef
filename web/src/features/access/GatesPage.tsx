import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, fieldError, Loading, PageTitle, PersonPicker, Select, TextField, type PickerOption } from '../../components';
import { formatTime, parseLocal } from '../../lib/format';
import { accessApi, type Agreement } from './api';
import { personText } from './labels';
import './access.css';

const FIELDS = ['body.userId', 'body.kind', 'body.completedAt', 'body.expiresAt'];

/** Gates every person must pass before any client data, and the agreement and training records behind two of them. */
export function GatesPage() {
  const gates = useQuery({ queryKey: ['access', 'gates'], queryFn: accessApi.gates });
  const agreements = useQuery({ queryKey: ['access', 'agreements'], queryFn: accessApi.agreements });
  const gate = usePageAction(['access']);
  const action = usePageAction(['access']);
  const { error } = action;
  const busy = action.isPending || gate.isPending;
  const [person, setPerson] = useState<PickerOption | null>(null);
  const [missingPerson, setMissingPerson] = useState(false);
  const [record, setRecord] = useState({ kind: 'agreement' as Agreement['kind'], completedAt: '', expiresAt: '' });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!person) {
      setMissingPerson(true);
      return;
    }
    setMissingPerson(false);
    action.mutate(async () => {
      await accessApi.recordAgreement({ userId: person.id, kind: record.kind, completedAt: parseLocal(record.completedAt) ?? Date.now(), expiresAt: parseLocal(record.expiresAt) });
      setPerson(null);
    });
  };

  const gateAction = (key: string, enabled: boolean) => gate.mutate(() => accessApi.setGate(key, enabled));

  return (
    <section>
      <PageTitle>Access gates</PageTitle>
      <p>A gate that is on must be satisfied before anyone opens any client data. Changes apply on everyone's next request.</p>
      {gate.error !== null && <ErrorMessage error={gate.error} />}
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
              <Button variant={gate.enabled ? 'danger' : 'primary'} busy={busy} onClick={() => gateAction(gate.key, !gate.enabled)}>
                Turn {gate.enabled ? 'off' : 'on'}
              </Button>
            </li>
          ))}
        </ul>
      )}
      <h2>Record a signed agreement or completed training</h2>
      <form onSubmit={submit} aria-label="Record agreement or training" noValidate>
        <PersonPicker label="Person" value={person} onChange={setPerson} required hint="Type part of their name or e-mail, then choose them." error={missingPerson ? 'Choose a person from the list.' : fieldError(error, 'body.userId')} />
        <Select label="What" value={record.kind} onChange={(e) => setRecord({ ...record, kind: e.target.value as Agreement['kind'] })} options={[{ value: 'agreement', label: 'Confidentiality agreement signed' }, { value: 'training', label: 'Confidentiality training completed' }]} />
        <TextField label="Completed on" type="datetime-local" value={record.completedAt} onChange={(e) => setRecord({ ...record, completedAt: e.target.value })} hint="Empty: now." error={fieldError(error, 'body.completedAt')} />
        <TextField label="Valid until (optional)" type="datetime-local" value={record.expiresAt} onChange={(e) => setRecord({ ...record, expiresAt: e.target.value })} hint="Leave empty for no end date." error={fieldError(error, 'body.expiresAt')} />
        {error !== null && !FIELDS.some((path) => fieldError(error, path)) && <ErrorMessage error={error} />}
        <Button type="submit" busy={busy}>
          Record
        </Button>
      </form>
      <h2>On file</h2>
      {agreements.error !== null && <ErrorMessage error={agreements.error} />}
      {agreements.data === undefined ? (
        agreements.error === null && <Loading />
      ) : agreements.data.agreements.length === 0 ? (
        <p>No agreements or training on file yet — record them here before turning on their gates.</p>
      ) : (
        <div className="table-scroll" tabIndex={0}>
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
                <td>
                  {personText(a.name)}
                  {a.email && <div className="access-detail">{a.email}</div>}
                </td>
                <td>{a.kind === 'agreement' ? 'Agreement' : 'Training'}</td>
                <td>{formatTime(a.completedAt)}</td>
                <td>{formatTime(a.expiresAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
    </section>
  );
}
