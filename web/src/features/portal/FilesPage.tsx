import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ErrorMessage, Loading, PageTitle } from '../../components';
import { formatBytes, formatTime } from '../../lib/format';
import { portalApi, portalContentUrl, portalKeys, type FileRequest } from './api';
import { matterName, matterNumber, personName, SOURCE_LABELS } from './labels';
import { Empty, UploadControl } from './parts';

function FileRequestCard({ request }: { request: FileRequest }) {
  const queryClient = useQueryClient();
  const open = request.closedAt === null;
  const refresh = () => Promise.all([queryClient.invalidateQueries({ queryKey: portalKeys.fileRequests }), queryClient.invalidateQueries({ queryKey: portalKeys.documents }), queryClient.invalidateQueries({ queryKey: portalKeys.home })]);
  return (
    <li className="portal-card">
      <h3>{request.title}</h3>
      <p className="portal-meta">
        {matterName(request.matter)} · asked by {personName(request.createdByName)} on {formatTime(request.createdAt)}
        {open ? '' : ` · closed on ${formatTime(request.closedAt)}`}
      </p>
      {request.uploads.length === 0 ? (
        <p>Nothing uploaded yet.</p>
      ) : (
        <>
          <p>Uploaded:</p>
          <ul className="portal-attached">
            {request.uploads.map((u) => (
              <li key={u.documentId}>
                {u.name ?? 'A file that is no longer available'} — by {u.uploadedByName ?? 'you'}, {formatTime(u.uploadedAt)}
              </li>
            ))}
          </ul>
        </>
      )}
      {open && <UploadControl matterId={request.matter.id} fileRequestId={request.id} label={`Upload files for “${request.title}”`} onUploaded={() => void refresh()} />}
    </li>
  );
}

export function FilesPage() {
  const requests = useQuery({ queryKey: portalKeys.fileRequests, queryFn: portalApi.fileRequests });
  const documents = useQuery({ queryKey: portalKeys.documents, queryFn: portalApi.documents });
  // Open requests first (the server already sorts so; kept here so the page never depends on it).
  const sorted = requests.data ? [...requests.data.items].sort((a, b) => Number(a.closedAt !== null) - Number(b.closedAt !== null)) : [];
  return (
    <div className="portal">
      <PageTitle>Files</PageTitle>
      <section aria-labelledby="portal-requests">
        <h2 id="portal-requests">What your lawyers asked for</h2>
        {requests.isPending ? (
          <Loading />
        ) : requests.error ? (
          <ErrorMessage error={requests.error} title="The file requests could not be loaded" />
        ) : sorted.length === 0 ? (
          <Empty>Your lawyers have not asked you for any files.</Empty>
        ) : (
          <ul className="portal-cards">
            {sorted.map((r) => (
              <FileRequestCard key={r.id} request={r} />
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="portal-documents">
        <h2 id="portal-documents">Your documents</h2>
        {documents.isPending ? (
          <Loading />
        ) : documents.error ? (
          <ErrorMessage error={documents.error} title="Your documents could not be loaded" />
        ) : documents.data.items.length === 0 ? (
          <Empty>No documents yet. Files shared with you, files you upload and message attachments appear here.</Empty>
        ) : (
          <ul className="portal-list portal-documents">
            {documents.data.items.map((d) => (
              <li key={d.id}>
                <a href={portalContentUrl(d.id)} download={d.name}>
                  {d.name}
                </a>
                <span className="portal-meta">
                  {SOURCE_LABELS[d.source]} · {matterNumber(d.matter)} · {formatBytes(d.size)} · {formatTime(d.updatedAt)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
