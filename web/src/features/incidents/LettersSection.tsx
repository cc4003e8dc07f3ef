// The incident's letters: drafted from a template for a client (one the scope names), the
// regulator or the people affected; edited while a draft, approved, sent — the delivery status
// kept — and downloadable as PDF.
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, fieldError, Loading, Select, TextArea, TextField } from '../../components';
import { incidentKeys, incidentsApi, letterPdfUrl, type Incident, type Letter, type LetterInput } from './api';
import { NOTIFY_WORDS, Saved, timeOf } from './parts';

const AUDIENCE_WORDS: Record<LetterInput['audience'], string> = { client: 'A client', regulator: 'The regulator', data_subjects: 'The people affected' };
const STATUS_WORDS: Record<Letter['status'], string> = { draft: 'Draft', approved: 'Approved, not sent', sent: 'Sent', failed: 'Sending failed' };

export function LettersSection({ incident: i }: { incident: Incident }) {
  const letters = useQuery({ queryKey: [...incidentKeys.one(i.id), 'letters'], queryFn: () => incidentsApi.letters(i.id) });
  const draft = usePageAction(incidentKeys.all);
  const [audience, setAudience] = useState<LetterInput['audience']>('regulator');
  const [clientId, setClientId] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [deadline, setDeadline] = useState('');
  const [checked, setChecked] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const clients = i.scope?.clients ?? [];
  const closed = i.status === 'closed';
  const missing = (value: string, words: string) => (checked && value.trim() === '' ? words : null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    setSaved(null);
    if (!name.trim() || !email.trim() || (audience === 'client' && !clientId)) return;
    const body: LetterInput = { audience, recipientName: name.trim(), recipientEmail: email.trim(), ...(audience === 'client' ? { clientId } : {}), ...(deadline ? { deadline } : {}) };
    draft.mutate(() => incidentsApi.draftLetter(i.id, body), {
      onSuccess: () => {
        setSaved('Drafted from the template: read it, fill in the bracketed parts, then approve and send it.');
        setName('');
        setEmail('');
        setChecked(false);
      },
    });
  };
  return (
    <section aria-labelledby="letters-title" className="inc-section">
      <h2 id="letters-title">Notifications</h2>
      <Saved text={saved} />
      {!closed && (
        <form className="inc-form" noValidate aria-label="Draft a letter" onSubmit={submit}>
          <h3>Draft a letter</h3>
          <Select label="To" value={audience} onChange={(e) => setAudience(e.target.value as LetterInput['audience'])} options={(Object.keys(AUDIENCE_WORDS) as LetterInput['audience'][]).map((value) => ({ value, label: AUDIENCE_WORDS[value] }))} />
          {audience === 'client' &&
            (clients.length === 0 ? (
              <p className="inc-empty">Assess the scope first: a letter goes to a client the scope names.</p>
            ) : (
              <Select
                label="Client"
                value={clientId}
                onChange={(e) => setClientId(e.target.value)}
                error={checked && !clientId ? 'Choose the client the letter is for.' : (fieldError(draft.error, 'body.clientId') ?? null)}
                options={[{ value: '', label: 'Choose a client…' }, ...clients.map((c) => ({ value: c.id, label: c.label }))]}
              />
            ))}
          <TextField label="Addressed to" value={name} onChange={(e) => setName(e.target.value)} error={missing(name, 'Say who the letter is addressed to.') ?? fieldError(draft.error, 'body.recipientName')} required />
          <TextField label="E-mail address" type="email" value={email} onChange={(e) => setEmail(e.target.value)} error={missing(email, 'Give the address the letter is sent to.') ?? (fieldError(draft.error, 'body.recipientEmail') ? 'This is not an e-mail address.' : null)} required />
          {i.clocks.length > 0 && (
            <Select
              label="Answers the deadline"
              value={deadline}
              onChange={(e) => setDeadline(e.target.value)}
              options={[{ value: '', label: 'None in particular' }, ...i.clocks.map((c) => ({ value: `${c.regime}:${c.key}`, label: `${c.label} (${NOTIFY_WORDS[c.notify] ?? c.notify})` }))]}
            />
          )}
          <Button type="submit" busy={draft.isPending}>
            Draft the letter
          </Button>
          {draft.error !== null && !fieldError(draft.error, 'body.recipientEmail') && !fieldError(draft.error, 'body.clientId') && <ErrorMessage error={draft.error} title="Not drafted" />}
        </form>
      )}
      {letters.error ? (
        <ErrorMessage error={letters.error} title="The letters could not be shown" />
      ) : !letters.data ? (
        <Loading />
      ) : letters.data.items.length === 0 ? (
        <p className="inc-empty">No letters yet. Draft one for each notification the clocks above ask for.</p>
      ) : (
        <ul className="inc-list" aria-label="Letters">
          {letters.data.items.map((letter) => (
            <LetterItem key={letter.id} incidentId={i.id} letter={letter} closed={closed} />
          ))}
        </ul>
      )}
    </section>
  );
}

function LetterItem({ incidentId, letter, closed }: { incidentId: string; letter: Letter; closed: boolean }) {
  const [editing, setEditing] = useState(false);
  const [subject, setSubject] = useState(letter.subject);
  const [body, setBody] = useState(letter.body);
  const act = usePageAction(incidentKeys.all);
  return (
    <li>
      <p>
        <strong>{letter.subject}</strong>
      </p>
      <p className="inc-detail">
        To {letter.recipientName} &lt;{letter.recipientEmail}&gt; · {STATUS_WORDS[letter.status]}
        {letter.sentAt && `, ${timeOf(letter.sentAt)}`}
        {letter.status === 'failed' && ' — the mail server refused it; try again'}
      </p>
      {editing ? (
        <form
          className="inc-form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            act.mutate(() => incidentsApi.editLetter(incidentId, letter.id, { subject, body }), { onSuccess: () => setEditing(false) });
          }}
        >
          <TextField label="Subject" value={subject} onChange={(e) => setSubject(e.target.value)} error={fieldError(act.error, 'body.subject') ? 'Give the letter a subject.' : null} />
          <TextArea label="Letter" rows={14} value={body} onChange={(e) => setBody(e.target.value)} error={fieldError(act.error, 'body.body') ? 'The letter cannot be empty.' : null} />
          <p className="inc-actions">
            <Button type="submit" busy={act.isPending}>
              Save the draft
            </Button>{' '}
            <Button variant="secondary" onClick={() => setEditing(false)}>
              Cancel
            </Button>
          </p>
        </form>
      ) : (
        <details>
          <summary>Read the letter</summary>
          <pre className="inc-letter">{letter.body}</pre>
        </details>
      )}
      <p className="inc-actions">
        {!closed && letter.status === 'draft' && !editing && (
          <>
            <Button variant="secondary" onClick={() => setEditing(true)}>
              Edit
            </Button>{' '}
            <Button onClick={() => act.mutate(() => incidentsApi.approveLetter(incidentId, letter.id))} busy={act.isPending}>
              Approve
            </Button>{' '}
          </>
        )}
        {!closed && (letter.status === 'approved' || letter.status === 'failed') && (
          <>
            <Button onClick={() => act.mutate(() => incidentsApi.sendLetter(incidentId, letter.id))} busy={act.isPending}>
              {letter.status === 'failed' ? 'Send again' : 'Send'}
            </Button>{' '}
          </>
        )}
        <a href={letterPdfUrl(incidentId, letter.id)} download="letter.pdf">
          Download PDF
        </a>
      </p>
      {act.error !== null && !fieldError(act.error, 'body.subject') && !fieldError(act.error, 'body.body') && <ErrorMessage error={act.error} title="Not done" />}
    </li>
  );
}
