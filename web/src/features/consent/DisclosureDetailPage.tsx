import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { usePageAction } from '../../api/query';
import { ArchiveProtectionForm, Button, ErrorMessage, fieldError, isProtectionFieldError, Loading, NotFound, PageTitle, TextField, type ArchiveProtection } from '../../components';
import { saveBlob } from '../../lib/download';
import { formatBytes, formatTime } from '../../lib/format';
import { useSession, useStepUp } from '../identity';
import { consentApi, documentContentUrl, type Disclosure, type ExecutedDisclosure } from './api';
import { basisLabel, CHANNEL_LABELS, DISCLOSURE_STATUS_LABELS, labelOf, matterLabel, personLabel, PURPOSE_LABELS, RECIPIENT_CATEGORY_LABELS, shortSha } from './labels';
import { Confirmation, CopyButton, StatusBadge } from './parts';

/** Plain words for the refusals approving, executing or revoking can meet (the server's code and request id follow). */
export function actionErrorTitle(error: unknown): string {
  const code = error instanceof ApiError ? error.code : null;
  if (code === 'SEPARATION_OF_DUTIES') return 'You asked for this disclosure, so you cannot approve it yourself. The compliance officer or the matter’s lead attorney — someone other than you — must approve it.';
  if (code === 'CONSENT_WITHDRAWN') return 'The client withdrew the consent this disclosure relies on: it can no longer be executed.';
  if (code === 'CONSENT_EXPIRED') return 'The consent this disclosure relies on is not valid now: it cannot be executed.';
  if (code === 'CONFLICT') return 'This disclosure has moved on (approved, executed, revoked or stopped) since the page was loaded.';
  if (code === 'ACCESS_DENIED') return 'That is not yours to do on this matter.';
  return 'Could not do that';
}

/** One disclosure: what, to whom, on which basis; approve (a second person), execute (the link once), revoke. */
export function DisclosureDetailPage() {
  const { disclosureId = '' } = useParams();
  const queryClient = useQueryClient();
  const key = ['consent', 'disclosure', disclosureId];
  const { data: d, error } = useQuery({ queryKey: key, queryFn: () => consentApi.disclosure(disclosureId) });
  const matterId = d?.matter.id ?? '';
  // Item names come from the matter's own lists. The compliance officer oversees disclosures without
  // opening matters: they see each item's kind and fingerprint, and no read is attempted (it would be an audited denial).
  const { state } = useSession();
  const opensMatter = state?.user.role !== 'compliance_officer';
  const documents = useQuery({ queryKey: ['consent', 'documents', matterId], queryFn: () => consentApi.documents(matterId), enabled: Boolean(matterId) && opensMatter });
  const notes = useQuery({ queryKey: ['consent', 'notes', matterId], queryFn: () => consentApi.notes(matterId), enabled: Boolean(matterId) && opensMatter });
  const action = usePageAction(key);
  const [executed, setExecuted] = useState<ExecutedDisclosure | null>(null);
  const [confirmRevoke, setConfirmRevoke] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  if (error instanceof ApiError && error.status === 404) return <NotFound />;
  if (!d) return error !== null ? <ErrorMessage error={error} /> : <Loading />;

  const nameOf = (item: { type: string; id: string }) =>
    item.type === 'document' ? (documents.data?.items.find((x) => x.id === item.id)?.name ?? 'A document') : (notes.data?.items.find((x) => x.id === item.id)?.title ?? 'A note');
  const run = (work: () => Promise<Disclosure>, message: string) =>
    action.mutate(async () => {
      setDone(null);
      const next = await work();
      queryClient.setQueryData(key, next);
      await queryClient.invalidateQueries({ queryKey: ['consent', 'disclosures'] });
      setDone(message);
    });

  return (
    <section>
      <PageTitle title={`Disclosure to ${d.recipient.name}`}>Disclosure to {d.recipient.name}</PageTitle>
      <p>
        <Link to="/disclosures">Disclosures</Link>
      </p>
      <p>
        <StatusBadge status={d.status} label={DISCLOSURE_STATUS_LABELS[d.status]} />
      </p>
      <dl className="consent-facts">
        <dt>Client</dt>
        <dd>{d.clientName ?? 'a client (name not shown to you)'}</dd>
        <dt>Matter</dt>
        <dd>{matterLabel(d.matter)}</dd>
        <dt>Recipient</dt>
        <dd>
          {d.recipient.name} &lt;{d.recipient.email}&gt;
          {d.recipient.category && <span className="consent-detail"> · {labelOf(RECIPIENT_CATEGORY_LABELS, d.recipient.category)}</span>}
        </dd>
        <dt>Purpose</dt>
        <dd>
          {labelOf(PURPOSE_LABELS, d.purpose)}
          <div className="consent-detail consent-pre">{d.purposeText}</div>
        </dd>
        <dt>Channel</dt>
        <dd>{labelOf(CHANNEL_LABELS, d.channel)}</dd>
        <dt>Basis</dt>
        <dd>
          {basisLabel(d)}
          {d.basis.kind === 'consent' && (
            <div>
              <Link to={`/consents/${d.clientId}`}>The client’s consents</Link>
            </div>
          )}
          {d.basis.reference && <div className="consent-detail">Reference: {d.basis.reference}</div>}
          {d.basis.supportingDocumentId &&
            (opensMatter ? (
              <div>
                <a href={documentContentUrl(d.basis.supportingDocumentId)}>Supporting order ({nameOf({ type: 'document', id: d.basis.supportingDocumentId })})</a>
              </div>
            ) : (
              <div className="consent-detail">The supporting order is a document on the matter.</div>
            ))}
        </dd>
        {d.privilegeWaived && (
          <>
            <dt>Privilege</dt>
            <dd>
              Waived by this disclosure
              {d.waiverRisk && <div className="consent-detail consent-pre">Risk named: {d.waiverRisk}</div>}
            </dd>
          </>
        )}
        <dt>Requested</dt>
        <dd>
          {formatTime(d.requestedAt)} by {personLabel(d.requestedByName)}
        </dd>
        {d.approvedAt !== null && (
          <>
            <dt>Approved</dt>
            <dd>
              {formatTime(d.approvedAt)} by {personLabel(d.approvedByName)}
            </dd>
          </>
        )}
        {d.executedAt !== null && (
          <>
            <dt>Executed</dt>
            <dd>
              {formatTime(d.executedAt)} by {personLabel(d.executedByName)}
            </dd>
          </>
        )}
        {d.endedAt !== null && (
          <>
            <dt>{d.status === 'stopped' ? 'Stopped' : 'Revoked'}</dt>
            <dd>{formatTime(d.endedAt)}</dd>
          </>
        )}
        {d.share && (
          <>
            <dt>Link</dt>
            <dd>
              Until {formatTime(d.share.expiresAt)} · {d.share.downloads} of {d.share.downloadLimit} downloads used · {d.share.verified ? 'the recipient proved their e-mail' : 'not opened yet'}
            </dd>
          </>
        )}
      </dl>

      <h2>Items</h2>
      <ul className="consent-list" aria-label="Items">
        {d.items.map((item) => {
          const released = d.released.find((r) => r.id === item.id && r.type === item.type);
          return (
            <li key={`${item.type}:${item.id}`}>
              {nameOf(item)} <span className="consent-detail">({item.type})</span>
              {released && (
                <div className="consent-detail">
                  Released: version {released.version}, {formatBytes(released.size)}, SHA-256 <code title={released.sha256}>{shortSha(released.sha256)}</code>
                </div>
              )}
            </li>
          );
        })}
      </ul>

      {executed?.link && (
        <div className="consent-link-once" role="status">
          <p>
            <strong>The link for {executed.recipient.name}</strong> — shown only now (the firm keeps only its fingerprint). It was also e-mailed to {executed.recipient.email}; they will be asked for a one-time code
            sent to that address.
          </p>
          <p>
            <code className="consent-sha" data-testid="share-link">
              {executed.link}
            </code>
          </p>
          <CopyButton text={executed.link} what="The link" />
        </div>
      )}
      {executed && !executed.link && executed.channel !== 'age_package' && <p role="status">Recorded as released: deliver it by {labelOf(CHANNEL_LABELS, executed.channel).toLowerCase()}.</p>}
      {executed && executed.channel === 'age_package' && <p role="status">Recorded as released: now make the encrypted package for {executed.recipient.name} below.</p>}
      {done && <p role="status">{done}</p>}
      {action.error !== null && <ErrorMessage error={action.error} title={actionErrorTitle(action.error)} />}

      {d.status === 'pending_approval' && (
        <section className="consent-panel" aria-labelledby="approve-title">
          <h2 id="approve-title">Approval</h2>
          <p>A legal exception needs a second person: the compliance officer or the matter’s lead attorney, never the person who asked.</p>
          <Button busy={action.isPending} onClick={() => run(() => consentApi.approve(d.id), 'Approved: it can now be executed.')}>
            Approve disclosure
          </Button>
        </section>
      )}
      {d.status === 'ready' && <ExecuteForm disclosure={d} busy={action.isPending} error={action.error} onExecute={(body) => action.mutate(async () => {
        setDone(null);
        const result = await consentApi.execute(d.id, body);
        setExecuted(result);
        queryClient.setQueryData(key, result);
        await queryClient.invalidateQueries({ queryKey: ['consent', 'disclosures'] });
      })} />}
      {d.status === 'executed' && d.channel === 'age_package' && <PackagePanel disclosure={d} />}
      {(d.status === 'pending_approval' || d.status === 'ready' || d.status === 'executed') && (
        <section className="consent-panel" aria-labelledby="revoke-title">
          <h2 id="revoke-title">Revoke</h2>
          {confirmRevoke ? (
            <Confirmation
              title="Revoke this disclosure?"
              confirmLabel="Revoke now"
              busy={action.isPending}
              onConfirm={() => {
                setConfirmRevoke(false);
                run(() => consentApi.revoke(d.id), 'Revoked: the link no longer works.');
              }}
              onCancel={() => setConfirmRevoke(false)}
            >
              <p>{d.status === 'executed' ? 'The recipient’s link stops working at once, even mid-way. What they already downloaded cannot be called back.' : 'It can no longer be approved or executed.'} This cannot be undone.</p>
            </Confirmation>
          ) : (
            <Button variant="danger" onClick={() => setConfirmRevoke(true)}>
              Revoke…
            </Button>
          )}
        </section>
      )}
    </section>
  );
}

/**
 * The age package of an executed disclosure: the released items in one encrypted file for the
 * recipient, protected by a passphrase (told to them by another channel) or their age public key.
 * Needs a fresh second factor (asked inline). It can be made again: it releases nothing new.
 */
function PackagePanel({ disclosure }: { disclosure: Disclosure }) {
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const stepUp = useStepUp();
  const submit = (protection: ArchiveProtection) => {
    setDone(false);
    setBusy(true);
    void stepUp
      .run(async () => {
        saveBlob(await consentApi.package(disclosure.id, protection), `disclosure-${new Date().toISOString().slice(0, 10)}.tar.age`);
        setDone(true);
      })
      .finally(() => setBusy(false));
  };
  return (
    <section className="consent-panel" aria-labelledby="package-title">
      <h2 id="package-title">Encrypted package</h2>
      <ArchiveProtectionForm label="Make the encrypted package" submitLabel="Download the package" busy={busy} error={stepUp.error} onSubmit={submit}>
        <p>
          The {disclosure.released.length === 1 ? 'item' : `${disclosure.released.length} items`} released to {disclosure.recipient.name}, exactly as recorded (each checked against its SHA-256), in one file that the free <code>age</code> tool opens. Send the
          file by any channel; it releases nothing new, so you can make it again.
        </p>
      </ArchiveProtectionForm>
      {stepUp.prompt}
      {stepUp.error && !isProtectionFieldError(stepUp.error) ? <ErrorMessage error={stepUp.error} title={actionErrorTitle(stepUp.error)} /> : null}
      {done && <p role="status">Package downloaded.</p>}
    </section>
  );
}

function ExecuteForm({ disclosure, busy, error, onExecute }: { disclosure: Disclosure; busy: boolean; error: unknown; onExecute: (body: { expiresInDays?: number; downloadLimit?: number }) => void }) {
  const [days, setDays] = useState('7');
  const [limit, setLimit] = useState('10');
  const [missing, setMissing] = useState<{ days?: string; limit?: string }>({});
  const isLink = disclosure.channel === 'secure_link';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const d = Number(days);
    const l = Number(limit);
    const gaps = { ...(Number.isInteger(d) && d >= 1 && d <= 90 ? {} : { days: 'Between 1 and 90 days.' }), ...(Number.isInteger(l) && l >= 1 && l <= 100 ? {} : { limit: 'Between 1 and 100.' }) };
    setMissing(gaps);
    if (isLink && (gaps.days || gaps.limit)) return;
    onExecute(isLink ? { expiresInDays: d, downloadLimit: l } : {});
  };
  return (
    <section className="consent-panel" aria-labelledby="execute-title">
      <h2 id="execute-title">Execute</h2>
      <p>
        {isLink
          ? 'Executing pins the current version of each item, records the SHA-256 of the bytes released, and creates the recipient’s link (e-mailed to them, shown to you once).'
          : disclosure.channel === 'age_package'
            ? 'Executing pins the current version of each item and records the SHA-256 of the bytes released; then you make the encrypted package for the recipient.'
            : 'Executing pins each item and records the SHA-256 of the bytes released; you deliver them by the channel chosen.'}
      </p>
      <form onSubmit={submit} aria-label="Execute the disclosure" noValidate>
        {isLink && (
          <div className="consent-row">
            <TextField label="Link valid for (days)" type="number" min={1} max={90} value={days} onChange={(e) => setDays(e.target.value)} error={missing.days ?? fieldError(error, 'body.expiresInDays')} />
            <TextField label="Downloads allowed" type="number" min={1} max={100} value={limit} onChange={(e) => setLimit(e.target.value)} error={missing.limit ?? fieldError(error, 'body.downloadLimit')} />
          </div>
        )}
        <Button type="submit" busy={busy}>
          {isLink ? 'Execute and create the link' : 'Execute (record the release)'}
        </Button>
      </form>
    </section>
  );
}
