import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, Loading, PageTitle } from '../../components';
import { saveBlob } from '../../lib/download';
import { complianceApi, complianceKeys, type MyPolicy, type ReviewItem } from './api';
import { Badge, ComplianceTabs, dateOf, ROLE_ONE, Saved } from './parts';

const TRAINING_WORDS = { current: ['Up to date', 'ok'], expiring: ['Refresher due soon', 'warn'], due: ['To complete', 'warn'], overdue: ['Overdue', 'bad'], expired: ['Expired', 'bad'] } as const;
const AGREEMENT_WORDS = { current: ['Current', 'ok'], expiring: ['Ending soon', 'warn'], expired: ['Expired', 'bad'], revoked: ['Withdrawn', 'neutral'], not_yet_signed: ['Not yet in force', 'neutral'] } as const;

/** Everyone's own page: the policies to read and acknowledge, their training, agreements, and the access review items they must certify. */
export function MyPage() {
  const [saved, setSaved] = useState<string | null>(null);
  return (
    <section aria-labelledby="page-title">
      <PageTitle>My compliance</PageTitle>
      <ComplianceTabs />
      <Saved text={saved} />
      <MyPolicies onSaved={setSaved} />
      <MyReviewItems onSaved={setSaved} />
      <MyTraining />
      <MyAgreements />
    </section>
  );
}

function MyPolicies({ onSaved }: { onSaved: (text: string) => void }) {
  const policies = useQuery({ queryKey: complianceKeys.myPolicies, queryFn: complianceApi.myPolicies });
  const [reading, setReading] = useState<MyPolicy | null>(null);
  const items = policies.data?.items ?? [];
  return (
    <>
      <h2>Policies</h2>
      {policies.error !== null && <ErrorMessage error={policies.error} title="Your policies cannot be shown" />}
      {policies.isPending && <Loading />}
      {policies.data && items.length === 0 && <p className="cmp-empty">The firm has not published any policy yet.</p>}
      {items.length > 0 && (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Policies">
          <table className="cmp-table cmp-stack">
            <thead>
              <tr>
                <th scope="col">Policy</th>
                <th scope="col">Version</th>
                <th scope="col">Status</th>
                <th scope="col">Read</th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.id}>
                  <td data-label="Policy">
                    <strong>{p.title}</strong>
                    {p.required && <div className="cmp-detail">Required to work on client data</div>}
                  </td>
                  <td data-label="Version">{p.currentVersion}</td>
                  <td data-label="Status">{p.acknowledgedAt !== null ? <Badge tone="ok">Acknowledged {dateOf(p.acknowledgedAt)}</Badge> : <Badge tone={p.required ? 'bad' : 'warn'}>{p.due ? `To acknowledge by ${p.due}` : 'Not yet acknowledged'}</Badge>}</td>
                  <td data-label="Read">
                    <Button variant="secondary" onClick={() => setReading(p)} aria-label={`Read ${p.title}`}>
                      Read
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {reading && <ReadPolicy key={`${reading.id}:${reading.currentVersion}`} policy={reading} onClose={() => setReading(null)} onAcknowledged={() => onSaved(`You acknowledged “${reading.title}”, version ${reading.currentVersion}.`)} />}
    </>
  );
}

function ReadPolicy({ policy, onClose, onAcknowledged }: { policy: MyPolicy; onClose: () => void; onAcknowledged: () => void }) {
  const text = useQuery({ queryKey: complianceKeys.policyText(policy.id, policy.currentVersion), queryFn: () => complianceApi.text(policy.id, policy.currentVersion) });
  const acknowledge = usePageAction(complianceKeys.all);
  const download = usePageAction();
  return (
    <div className="cmp-form" role="region" aria-label={`Policy ${policy.title}`}>
      <h3>
        {policy.title} — version {policy.currentVersion}
      </h3>
      {text.isPending && <Loading />}
      {text.error !== null && <ErrorMessage error={text.error} title="The policy cannot be shown" />}
      {text.data?.format === 'markdown' && <div className="cmp-text">{text.data.text}</div>}
      {text.data?.format === 'pdf' && (
        <p>
          This version is a PDF.{' '}
          <Button variant="secondary" busy={download.isPending} onClick={() => download.mutate(async () => saveBlob(await complianceApi.pdf(policy.id, policy.currentVersion), `${policy.title}-v${policy.currentVersion}.pdf`))}>
            Download the PDF
          </Button>
        </p>
      )}
      {download.error !== null && <ErrorMessage error={download.error} title="The PDF was not downloaded" />}
      {acknowledge.error !== null && <ErrorMessage error={acknowledge.error} title="Your acknowledgement was not recorded" />}
      <div className="cmp-actions">
        {policy.acknowledgedAt === null && (
          <Button
            busy={acknowledge.isPending}
            onClick={() =>
              acknowledge.mutate(() => complianceApi.acknowledge(policy.id, policy.currentVersion), {
                onSuccess: () => {
                  onAcknowledged();
                  onClose();
                },
              })
            }
          >
            I have read and understood this policy
          </Button>
        )}
        <Button variant="secondary" onClick={onClose}>
          Close
        </Button>
      </div>
    </div>
  );
}

function MyReviewItems({ onSaved }: { onSaved: (text: string) => void }) {
  const items = useQuery({ queryKey: complianceKeys.myReviewItems, queryFn: complianceApi.myReviewItems });
  const certify = usePageAction(complianceKeys.all);
  const [failed, setFailed] = useState<string | null>(null);
  const list = items.data?.items ?? [];
  if (items.data && list.length === 0) return null;
  const decide = (item: ReviewItem, decision: 'keep' | 'revoke') => {
    setFailed(null);
    certify.mutate(() => complianceApi.certify(item.id, decision), {
      onSuccess: () => onSaved(decision === 'keep' ? `${item.person.name} keeps access to ${item.matter.label}.` : `${item.person.name}’s access to ${item.matter.label} was revoked.`),
      onError: () => setFailed(item.id),
    });
  };
  return (
    <>
      <h2>Access reviews to certify</h2>
      <p className="cmp-lead">For each person with access to a matter you lead, say whether they still need it. Anything not certified by the deadline is revoked automatically.</p>
      {items.error !== null && <ErrorMessage error={items.error} title="Your review items cannot be shown" />}
      {items.isPending && <Loading />}
      {list.length > 0 && (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Access review items">
          <table className="cmp-table cmp-stack">
            <thead>
              <tr>
                <th scope="col">Matter</th>
                <th scope="col">Person</th>
                <th scope="col">Access</th>
                <th scope="col">Decision</th>
              </tr>
            </thead>
            <tbody>
              {list.map((i) => (
                <tr key={i.id}>
                  <td data-label="Matter">
                    {i.matter.label}
                    <div className="cmp-detail">
                      {i.reviewTitle}, due {i.due}
                    </div>
                  </td>
                  <td data-label="Person">{i.person.name}</td>
                  <td data-label="Access">{i.kind === 'seat' ? `Team: ${ROLE_ONE[i.role] ?? i.role}` : `Whole client: ${ROLE_ONE[i.role] ?? i.role}`}</td>
                  <td data-label="Decision">
                    {i.revokedAt !== null ? (
                      <Badge tone="neutral">Revoked</Badge>
                    ) : i.decision === 'keep' ? (
                      <Badge tone="ok">Kept</Badge>
                    ) : (
                      <div className="cmp-actions">
                        <Button variant="secondary" busy={certify.isPending} onClick={() => decide(i, 'keep')} aria-label={`Keep ${i.person.name} on ${i.matter.label}`}>
                          Keep
                        </Button>
                        <Button variant="danger" busy={certify.isPending} onClick={() => decide(i, 'revoke')} aria-label={`Revoke ${i.person.name} from ${i.matter.label}`}>
                          Revoke
                        </Button>
                      </div>
                    )}
                    {failed === i.id && certify.error !== null && <ErrorMessage error={certify.error} title="Not recorded" />}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function MyTraining() {
  const training = useQuery({ queryKey: complianceKeys.myTraining, queryFn: complianceApi.myTraining });
  const items = training.data?.items ?? [];
  return (
    <>
      <h2>Training</h2>
      {training.error !== null && <ErrorMessage error={training.error} title="Your training cannot be shown" />}
      {training.isPending && <Loading />}
      {training.data && items.length === 0 && <p className="cmp-empty">No course is assigned to your role.</p>}
      {items.length > 0 && (
        <ul>
          {items.map((t) => (
            <li key={t.course.id}>
              <strong>{t.course.title}</strong> <Badge tone={TRAINING_WORDS[t.state][1]}>{TRAINING_WORDS[t.state][0]}</Badge>
              {t.dueOn && <span className="cmp-detail"> {t.state === 'current' || t.state === 'expiring' ? `refresher by ${t.dueOn}` : `due ${t.dueOn}`}</span>}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function MyAgreements() {
  const agreements = useQuery({ queryKey: complianceKeys.myAgreements, queryFn: complianceApi.myAgreements });
  const items = agreements.data?.items ?? [];
  return (
    <>
      <h2>Confidentiality agreements</h2>
      {agreements.error !== null && <ErrorMessage error={agreements.error} title="Your agreements cannot be shown" />}
      {agreements.isPending && <Loading />}
      {agreements.data && items.length === 0 && <p className="cmp-empty">No agreement is on file for you. The compliance officer records it once you have signed.</p>}
      {items.length > 0 && (
        <ul>
          {items.map((a) => (
            <li key={a.id}>
              <strong>{a.title}</strong> <Badge tone={AGREEMENT_WORDS[a.status][1]}>{AGREEMENT_WORDS[a.status][0]}</Badge>{' '}
              <span className="cmp-detail">
                signed {a.signedOn}
                {a.expiresOn ? `, until ${a.expiresOn}` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export { AGREEMENT_WORDS, TRAINING_WORDS };
