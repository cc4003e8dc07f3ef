import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, Loading, PageTitle, TextField } from '../../components';
import { formatTime } from '../../lib/format';
import { accessApi } from './api';

/** One wall: memo, people, acknowledgement history, lifting, and the ABA Rule 1.10 screening notice. */
export function WallDetailPage() {
  const { id = '' } = useParams();
  const { data: wall, error: loadError } = useQuery({ queryKey: ['access', 'walls', id], queryFn: () => accessApi.wall(id) });
  const [notice, setNotice] = useState({ firmName: '', addressee: '', clientReference: '', signatory: '' });
  const action = usePageAction(['access', 'walls', id]);
  const error = action.error ?? loadError;
  const busy = action.isPending;
  const run = action.mutate;

  const printNotice = (event: FormEvent) => {
    event.preventDefault();
    run(async () => {
      const blob = await accessApi.notice(id, notice);
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = 'screening-notice.pdf';
      link.click();
      URL.revokeObjectURL(url);
    });
  };

  if (!wall) return error ? <ErrorMessage error={error} /> : <Loading />;
  return (
    <section>
      <PageTitle>{wall.kind === 'exclusionary' ? 'Exclusionary wall' : 'Inclusionary wall'}</PageTitle>
      {error !== null && <ErrorMessage error={error} />}
      <dl>
        <dt>Covers</dt>
        <dd>{wall.matterId ? `Matter ${wall.matterId}` : `Client ${wall.clientId}`}</dd>
        <dt>Created</dt>
        <dd>{formatTime(wall.createdAt)}</dd>
        <dt>Lifted</dt>
        <dd>{formatTime(wall.liftedAt)}</dd>
      </dl>
      <h2>Memo</h2>
      <blockquote className="wall-memo">{wall.memo}</blockquote>
      <Button variant="secondary" busy={busy} onClick={() => run(() => accessApi.acknowledge(id))} disabled={wall.liftedAt !== null}>
        I have read and acknowledge this memo
      </Button>
      <h2>{wall.kind === 'exclusionary' ? 'Screened people' : 'People the matter is locked to'}</h2>
      <ul>
        {wall.members.map((m) => (
          <li key={m.userId}>
            {m.name ?? m.userId} — {m.acknowledgedAt ? `acknowledged ${formatTime(m.acknowledgedAt)}` : 'not yet acknowledged'}
          </li>
        ))}
      </ul>
      <h2>Acknowledgements</h2>
      {wall.acknowledgements.length === 0 ? (
        <p>Nobody has acknowledged the memo yet.</p>
      ) : (
        <ul>
          {wall.acknowledgements.map((a) => (
            <li key={a.userId}>
              {a.name ?? a.userId}: {formatTime(a.acknowledgedAt)}
            </li>
          ))}
        </ul>
      )}
      <h2>Screening notice to the affected client</h2>
      <p>The written notice ABA Model Rule 1.10(a)(2) requires, generated from this wall as a PDF. Names are typed here and not stored.</p>
      <form onSubmit={printNotice} aria-label="Screening notice">
        <TextField label="Firm name" value={notice.firmName} onChange={(e) => setNotice({ ...notice, firmName: e.target.value })} required />
        <TextField label="Addressee" value={notice.addressee} onChange={(e) => setNotice({ ...notice, addressee: e.target.value })} required />
        <TextField label="Matter reference" value={notice.clientReference} onChange={(e) => setNotice({ ...notice, clientReference: e.target.value })} required />
        <TextField label="Signed by" value={notice.signatory} onChange={(e) => setNotice({ ...notice, signatory: e.target.value })} required />
        <Button type="submit" busy={busy}>
          Download notice (PDF)
        </Button>
      </form>
      {wall.liftedAt === null && (
        <>
          <h2>Lift the wall</h2>
          <p>Lifting ends the screen on the next request; the wall stays in the history.</p>
          <Button variant="danger" busy={busy} onClick={() => run(() => accessApi.liftWall(id))}>
            Lift wall
          </Button>
        </>
      )}
    </section>
  );
}
