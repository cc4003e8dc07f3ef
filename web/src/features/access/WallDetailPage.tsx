import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, fieldError, Loading, PageTitle, TextField } from '../../components';
import { formatTime } from '../../lib/format';
import { useSession } from '../identity/session';
import { accessApi, type NoticeInput } from './api';
import { coversText, personText } from './labels';
import './access.css';

const NOTICE_FIELDS: { key: keyof NoticeInput; label: string }[] = [
  { key: 'firmName', label: 'Firm name' },
  { key: 'addressee', label: 'Addressee' },
  { key: 'clientReference', label: 'Matter reference' },
  { key: 'signatory', label: 'Signed by' },
];

/**
 * One wall: what it covers, its memo, who is screened (or let in), who acknowledged the memo and
 * who has not yet, lifting it (a second compliance officer approves), and the ABA Rule 1.10
 * screening notice. People the wall concerns see it too, to read and acknowledge the memo.
 */
export function WallDetailPage() {
  const { id = '' } = useParams();
  const session = useSession();
  const me = session.state?.user.id ?? null;
  const { data: wall, error: loadError } = useQuery({ queryKey: ['access', 'walls', id], queryFn: () => accessApi.wall(id) });
  const [notice, setNotice] = useState<NoticeInput>({ firmName: '', addressee: '', clientReference: '', signatory: '' });
  const [message, setMessage] = useState<string | null>(null);
  const action = usePageAction(['access', 'walls', id]);
  const error = action.error;
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

  const lift = () =>
    run(async () => {
      const outcome = await accessApi.liftWall(id);
      setMessage('approval' in outcome ? 'Your request to lift the wall waits for a second compliance officer (Approvals). The wall stays up until then.' : 'The wall is lifted. It stays in the history.');
    });

  if (!wall) return loadError ? <ErrorMessage error={loadError} /> : <Loading />;
  const isManager = wall.awaiting !== undefined;
  const iAcknowledged = wall.acknowledgements.some((a) => a.userId === me);
  const mustAcknowledge = wall.liftedAt === null && !iAcknowledged && (isManager ? (wall.awaiting ?? []).some((p) => p.userId === me) : true);
  const noticeFieldError = NOTICE_FIELDS.some((f) => fieldError(error, `body.${f.key}`));

  return (
    <section>
      <PageTitle>{wall.kind === 'exclusionary' ? 'Exclusionary wall' : 'Inclusionary wall'}</PageTitle>
      {message && (
        <p role="status" className="access-notice">
          {message}
        </p>
      )}
      {error !== null && !noticeFieldError && <ErrorMessage error={error} />}
      <dl className="access-facts">
        <dt>Covers</dt>
        <dd>{coversText(wall)}</dd>
        <dt>Put up</dt>
        <dd>
          {formatTime(wall.createdAt)}
          {wall.createdByName && ` by ${wall.createdByName}`}
        </dd>
        <dt>Lifted</dt>
        <dd>{wall.liftedAt === null ? (wall.liftApproval ? `Not yet — ${personText(wall.liftApproval.requestedByName)} asked to lift it on ${formatTime(wall.liftApproval.requestedAt)}; a second compliance officer must approve` : 'No, it is in force') : `${formatTime(wall.liftedAt)}${wall.liftedByName ? ` by ${wall.liftedByName}` : ''}`}</dd>
      </dl>
      <h2>Memo</h2>
      <blockquote className="wall-memo">{wall.memo}</blockquote>
      {mustAcknowledge ? (
        <Button variant="secondary" busy={busy} onClick={() => run(() => accessApi.acknowledge(id))}>
          I have read and acknowledge this memo
        </Button>
      ) : iAcknowledged ? (
        <p>
          You acknowledged this memo.{' '}
          {wall.matterId && !isManager && <Link to={`/matters/${wall.matterId}`}>Open the matter</Link>}
        </p>
      ) : null}
      <h2>{wall.kind === 'exclusionary' ? 'Screened people' : 'People the matter is locked to'}</h2>
      <ul>
        {wall.members.map((m) => (
          <li key={m.userId}>
            {personText(m.name)}
            {m.email && <span className="access-detail"> {m.email}</span>} — {m.acknowledgedAt ? `acknowledged ${formatTime(m.acknowledgedAt)}` : 'not yet acknowledged'}
          </li>
        ))}
      </ul>
      {isManager && (
        <>
          <h2>Still to acknowledge</h2>
          {wall.liftedAt !== null ? (
            <p>The wall is lifted: nobody needs to acknowledge it any more.</p>
          ) : (wall.awaiting ?? []).length === 0 ? (
            <p>Everyone the wall concerns has acknowledged the memo.</p>
          ) : (
            <ul aria-label="Still to acknowledge">
              {(wall.awaiting ?? []).map((p) => (
                <li key={p.userId}>
                  {personText(p.name)}
                  {p.email && <span className="access-detail"> {p.email}</span>}
                </li>
              ))}
            </ul>
          )}
          <h2>Acknowledgements</h2>
          {wall.acknowledgements.length === 0 ? (
            <p>Nobody has acknowledged the memo yet.</p>
          ) : (
            <ul aria-label="Acknowledgements">
              {wall.acknowledgements.map((a) => (
                <li key={a.userId}>
                  {personText(a.name)}: {formatTime(a.acknowledgedAt)}
                </li>
              ))}
            </ul>
          )}
          <h2>Screening notice to the affected client</h2>
          <p>The written notice ABA Model Rule 1.10(a)(2) requires, generated from this wall as a PDF: it lists who has acknowledged the memo (with dates) and who has not yet. Names are typed here and not stored.</p>
          <form onSubmit={printNotice} aria-label="Screening notice">
            {NOTICE_FIELDS.map((f) => (
              <TextField key={f.key} label={f.label} value={notice[f.key]} onChange={(e) => setNotice({ ...notice, [f.key]: e.target.value })} required error={fieldError(error, `body.${f.key}`)} />
            ))}
            <Button type="submit" busy={busy}>
              Download notice (PDF)
            </Button>
          </form>
          {wall.liftedAt === null && !wall.liftApproval && (
            <>
              <h2>Lift the wall</h2>
              <p>Lifting ends the screen on the next request; the wall stays in the history. A second compliance officer approves it first (while the firm has only one, it is lifted at once and that is recorded).</p>
              <Button variant="danger" busy={busy} onClick={lift}>
                Ask to lift the wall
              </Button>
            </>
          )}
        </>
      )}
    </section>
  );
}
