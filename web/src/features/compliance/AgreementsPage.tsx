import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, fieldError, Loading, PageTitle, PersonPicker, Select, TextField, type PickerOption } from '../../components';
import { saveBlob } from '../../lib/download';
import { base64Of, complianceApi, complianceKeys, type Agreement, type AgreementInput } from './api';
import { AGREEMENT_WORDS } from './MyPage';
import { Badge, ComplianceTabs, Confirmation, PdfField, Saved } from './parts';

const PARTIES = [
  { value: 'employee', label: 'Employee' },
  { value: 'contractor', label: 'Contractor' },
  { value: 'vendor', label: 'Vendor' },
];
const FIELDS = ['body.userId', 'body.party', 'body.title', 'body.signedDate', 'body.expiresDate', 'body.document.pdfBase64'];

/** Confidentiality agreements on file per person; the "Signed confidentiality agreement" gate counts the current ones. */
export function AgreementsPage() {
  const agreements = useQuery({ queryKey: complianceKeys.agreements, queryFn: complianceApi.agreements });
  const [adding, setAdding] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<Agreement | null>(null);
  const action = usePageAction(complianceKeys.all);
  const items = agreements.data?.items ?? [];
  return (
    <section aria-labelledby="page-title">
      <PageTitle>Confidentiality agreements</PageTitle>
      <ComplianceTabs />
      <p className="cmp-lead">Record each person’s signed agreement (employees, contractors, vendors) with its end date. People are reminded 30 days before it ends. With the gate “Signed confidentiality agreement” on, client data opens only for people with a current one.</p>
      <Saved text={saved} />
      {adding ? (
        <AgreementForm
          onCancel={() => setAdding(false)}
          onSaved={(a) => {
            setAdding(false);
            setSaved(`Agreement recorded for ${a.person.name}.`);
          }}
        />
      ) : (
        <Button
          onClick={() => {
            setSaved(null);
            setAdding(true);
          }}
        >
          Record an agreement
        </Button>
      )}
      {agreements.error !== null && <ErrorMessage error={agreements.error} title="The agreements cannot be shown" />}
      {agreements.isPending && <Loading />}
      {agreements.data && items.length === 0 && <p className="cmp-empty">No agreement is on file yet.</p>}
      {revoking && (
        <Confirmation
          title={`Withdraw ${revoking.person.name}’s agreement “${revoking.title}”?`}
          confirmLabel="Withdraw it"
          busy={action.isPending}
          onCancel={() => setRevoking(null)}
          onConfirm={() =>
            action.mutate(() => complianceApi.revokeAgreement(revoking.id), {
              onSuccess: () => {
                setSaved(`${revoking.person.name}’s agreement was withdrawn. It stays on file as history.`);
                setRevoking(null);
              },
            })
          }
        >
          <p>It no longer counts for the agreement gate from the next request.</p>
        </Confirmation>
      )}
      {action.error !== null && <ErrorMessage error={action.error} title="Not done" />}
      {items.length > 0 && (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Agreements">
          <table className="cmp-table cmp-stack">
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Agreement</th>
                <th scope="col">Signed</th>
                <th scope="col">Until</th>
                <th scope="col">Status</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.id}>
                  <td data-label="Person">
                    {a.person.name}
                    <div className="cmp-detail">{PARTIES.find((p) => p.value === a.party)?.label}</div>
                  </td>
                  <td data-label="Agreement">{a.title}</td>
                  <td data-label="Signed">{a.signedOn}</td>
                  <td data-label="Until">{a.expiresOn ?? 'No end date'}</td>
                  <td data-label="Status">
                    <Badge tone={AGREEMENT_WORDS[a.status][1]}>{AGREEMENT_WORDS[a.status][0]}</Badge>
                  </td>
                  <td data-label="Actions">
                    <div className="cmp-actions">
                      {a.hasDocument && (
                        <Button variant="secondary" onClick={() => action.mutate(async () => saveBlob(await complianceApi.agreementDocument(a.id), a.documentName ?? 'agreement.pdf'))} aria-label={`Download ${a.person.name}’s signed agreement`}>
                          Document
                        </Button>
                      )}
                      {a.status !== 'revoked' && (
                        <Button variant="secondary" onClick={() => setRevoking(a)} aria-label={`Withdraw ${a.person.name}’s agreement`}>
                          Withdraw
                        </Button>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function AgreementForm({ onCancel, onSaved }: { onCancel: () => void; onSaved: (a: Agreement) => void }) {
  const [person, setPerson] = useState<PickerOption | null>(null);
  const [party, setParty] = useState<AgreementInput['party']>('employee');
  const [title, setTitle] = useState('Confidentiality agreement');
  const [signed, setSigned] = useState(new Date().toISOString().slice(0, 10));
  const [expires, setExpires] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [personMissing, setPersonMissing] = useState(false);
  const save = usePageAction(complianceKeys.all);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!person) return setPersonMissing(true);
    setPersonMissing(false);
    save.mutate(async () => complianceApi.recordAgreement({ userId: person.id, party, title, signedDate: signed, expiresDate: expires || null, document: file ? { name: file.name, pdfBase64: await base64Of(file) } : null }), { onSuccess: (a) => onSaved(a as Agreement) });
  };
  const error = save.error;
  return (
    <form className="cmp-form" onSubmit={submit} noValidate aria-label="Record an agreement">
      <h2>Record an agreement</h2>
      <PersonPicker label="Person" value={person} onChange={setPerson} error={personMissing && !person ? 'Choose whose agreement this is.' : fieldError(error, 'body.userId')} required />
      <Select label="They are" value={party} onChange={(e) => setParty(e.target.value as AgreementInput['party'])} options={PARTIES} error={fieldError(error, 'body.party')} />
      <TextField label="Title" value={title} onChange={(e) => setTitle(e.target.value)} error={fieldError(error, 'body.title')} required maxLength={200} />
      <TextField label="Signed on" type="date" value={signed} onChange={(e) => setSigned(e.target.value)} error={fieldError(error, 'body.signedDate')} required />
      <TextField label="Holds until (last day)" hint="Leave empty if it has no end date." type="date" value={expires} onChange={(e) => setExpires(e.target.value)} error={fieldError(error, 'body.expiresDate')} />
      <PdfField label="Signed document (PDF, optional)" hint="At most 2 MiB." onChange={setFile} error={fieldError(error, 'body.document.pdfBase64')} />
      {error !== null && !FIELDS.some((p) => fieldError(error, p) !== null) && <ErrorMessage error={error} title="The agreement was not recorded" />}
      <div className="cmp-actions">
        <Button type="submit" busy={save.isPending}>
          Record it
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
