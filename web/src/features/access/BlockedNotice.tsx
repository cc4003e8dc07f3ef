import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { ApiError } from '../../api/client';
import { ErrorMessage, Loading } from '../../components';
import { accessApi } from './api';
import './access.css';

export interface BlockedNoticeProps {
  /** The matter the page tried to open. */
  matterId: string;
  /** What opening it answered (an ApiError: 403 ACKNOWLEDGEMENT_REQUIRED, GATE_NOT_SATISFIED, MFA_REQUIRED, or 404). */
  error: unknown;
}

/**
 * Why a matter does not open, and what to do about it, for the matter page to render in place of
 * the matter: a wall memo to acknowledge (asked of `GET /access/decision`, which names that wall
 * and only that), a gate to satisfy, or — for 404, the same for a missing matter and one you are
 * not on — asking to join it or emergency access. Never says that a screen exists.
 */
export function BlockedNotice({ matterId, error }: BlockedNoticeProps) {
  const code = error instanceof ApiError ? error.code : null;
  const needsMemo = code === 'ACKNOWLEDGEMENT_REQUIRED';
  const decision = useQuery({ queryKey: ['access', 'decision', 'matter.read', matterId], queryFn: () => accessApi.decision({ permission: 'matter.read', matterId }), enabled: needsMemo });

  if (needsMemo) {
    if (decision.data === undefined) return decision.error ? <ErrorMessage error={decision.error} /> : <Loading />;
    const wallId = decision.data.wallId;
    return (
      <div className="blocked-notice" role="alert">
        <p className="error-title">Acknowledge the screening memo for this matter’s ethical wall</p>
        <p>An ethical wall covers this matter. Before you open anything behind it, read its memo and confirm that you will keep to it.</p>
        <p>
          {wallId ? <Link to={`/access/walls/${wallId}`}>Read and acknowledge the screening memo</Link> : <Link to="/access/acknowledgements">Read and acknowledge the wall memos waiting for you</Link>}
        </p>
      </div>
    );
  }
  if (code === 'GATE_NOT_SATISFIED') {
    return (
      <div className="blocked-notice" role="alert">
        <p className="error-title">Your firm’s access conditions are not met yet</p>
        <p>Client data opens only once your signed confidentiality agreement or current confidentiality training is on file. Ask your compliance officer to record it.</p>
      </div>
    );
  }
  if (code === 'MFA_REQUIRED') {
    return (
      <div className="blocked-notice" role="alert">
        <p className="error-title">Confirm your second factor first</p>
        <p>
          Client data opens only in a session that completed a second factor. <Link to="/account">Set up or use your authenticator app or security key</Link>, then open the matter again.
        </p>
      </div>
    );
  }
  if (error instanceof ApiError && error.status === 404) {
    return (
      <div className="blocked-notice" role="alert">
        <p className="error-title">This matter is not open to you</p>
        <p>It does not exist, or you are not on its team. If you need it for your work, ask its lead attorney to add you.</p>
        <ul>
          <li>
            <Link to={`/access/requests?matterId=${encodeURIComponent(matterId)}`}>Ask to join this matter</Link>
          </li>
          <li>
            <Link to={`/access/break-glass?matterId=${encodeURIComponent(matterId)}`}>Emergency access</Link> — only when waiting would harm the client; compliance is told at once.
          </li>
        </ul>
      </div>
    );
  }
  return <ErrorMessage error={error} />;
}
