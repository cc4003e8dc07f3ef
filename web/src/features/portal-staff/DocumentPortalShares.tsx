import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, fieldError, Select } from '../../components';
import { formatTime } from '../../lib/format';
import { nameOf, portalKeys, portalStaffApi } from './api';

/** A refusal that only means "not yours to see": the control then shows less rather than an error. */
const refused = (error: unknown) => error instanceof ApiError && (error.status === 403 || error.status === 404);

/**
 * "Share with the client" on a document: who of the client's portal contacts it is shared with
 * (ending a share at once), and sharing it with another active contact. Someone who may not list
 * the client's contacts (not the lead) sees only the current shares, or nothing.
 */
export function DocumentPortalShares({ documentId, clientId, documentName }: { documentId: string; clientId: string; documentName: string }) {
  const shares = useQuery({ queryKey: portalKeys.shares(documentId), queryFn: () => portalStaffApi.shares(documentId) });
  const contacts = useQuery({ queryKey: portalKeys.contacts(clientId), queryFn: () => portalStaffApi.contacts(clientId) });
  const share = usePageAction(portalKeys.shares(documentId));
  const end = usePageAction(portalKeys.shares(documentId));
  const [contactId, setContactId] = useState('');

  if (shares.error !== null && refused(shares.error)) return null;
  const current = (shares.data?.items ?? []).filter((s) => s.revokedAt === null);
  const sharedWith = new Set(current.map((s) => s.contactId));
  const choices = (contacts.data?.items ?? []).filter((c) => c.status === 'active' && !sharedWith.has(c.id));
  const chosen = choices.some((c) => c.id === contactId) ? contactId : (choices[0]?.id ?? '');
  const canShare = contacts.data !== undefined;
  if (!canShare && current.length === 0 && shares.error === null) return null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!chosen) return;
    share.mutate(() => portalStaffApi.share(documentId, chosen), { onSuccess: () => setContactId('') });
  };
  const contactError = fieldError(share.error, 'body.contactId');

  return (
    <section className="ps-shares" aria-label={`Share ${documentName} with the client`}>
      <h4>Shared with the client</h4>
      {shares.error !== null && <ErrorMessage error={shares.error} title="The shares cannot be shown" />}
      {shares.data !== undefined && current.length === 0 && <p className="ps-muted">Not shared with anyone in the client portal.</p>}
      {current.length > 0 && (
        <ul>
          {current.map((s) => (
            <li key={s.id}>
              {nameOf(s.contactName, 'A contact (name not available)')} <span className="ps-muted">— shared {formatTime(s.sharedAt)} by {nameOf(s.sharedByName)}</span>{' '}
              <button type="button" className="link-button link-danger" disabled={end.isPending} onClick={() => end.mutate(() => portalStaffApi.endShare(documentId, s.id))} aria-label={`End sharing with ${nameOf(s.contactName, 'this contact')}`}>
                End sharing
              </button>
            </li>
          ))}
        </ul>
      )}
      {end.error !== null && <ErrorMessage error={end.error} title="The sharing did not end" />}
      {canShare &&
        (choices.length === 0 ? (
          <p className="ps-muted">{(contacts.data?.items.length ?? 0) === 0 ? 'The client has no portal contacts yet (invite them on the client’s Portal tab).' : 'No other active portal contact to share with.'}</p>
        ) : (
          <form onSubmit={submit} className="vault-inline-form" aria-label={`Share ${documentName} with a portal contact`}>
            <Select label="Share with" value={chosen} onChange={(e) => setContactId(e.target.value)} options={choices.map((c) => ({ value: c.id, label: c.email ? `${nameOf(c.name, 'Contact')} (${c.email})` : nameOf(c.name, 'Contact') }))} error={contactError} />
            <Button type="submit" busy={share.isPending}>
              Share with the client
            </Button>
          </form>
        ))}
      {share.error !== null && !contactError && <ErrorMessage error={share.error} title="Not shared" />}
    </section>
  );
}
