import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, fieldError, Loading, TextArea, TextField } from '../../components';
import { formatTime } from '../../lib/format';
import { documentUrl, nameOf, portalKeys, portalStaffApi, type FileRequest, type Message, type Thread } from './api';
import { AttachmentChooser } from './parts';

/** A field's message from a 400, including one about an item of a list (`body.attachmentIds.2`). */
function listFieldError(error: unknown, path: string): string | null {
  return fieldError(error, path) ?? (error instanceof ApiError ? (error.fields.find((f) => f.path.startsWith(`${path}.`))?.message ?? null) : null);
}

/** The matter's documents, for the attachment choosers (only fetched once a form is open). */
function useMatterDocuments(matterId: string) {
  return useQuery({ queryKey: portalKeys.documents(matterId), queryFn: () => portalStaffApi.documents(matterId) });
}

/**
 * The matter's exchanges with the client through the portal: message threads (read, reply, start)
 * and file requests (ask, see the uploads, close). The matter page's Messages tab.
 */
export function MatterMessagesPanel({ matterId }: { matterId: string }) {
  return (
    <>
      <ThreadsSection matterId={matterId} />
      <FileRequestsSection matterId={matterId} />
    </>
  );
}

function ThreadsSection({ matterId }: { matterId: string }) {
  const threads = useQuery({ queryKey: portalKeys.threads(matterId), queryFn: () => portalStaffApi.threads(matterId) });
  const [openId, setOpenId] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const items = threads.data?.items ?? [];
  return (
    <section className="ps-panel" aria-labelledby="messages-title">
      <h2 id="messages-title">Messages with the client</h2>
      {threads.error !== null && <ErrorMessage error={threads.error} title="The messages cannot be shown" />}
      {threads.data === undefined ? (
        !threads.error && <Loading />
      ) : items.length === 0 ? (
        <p>No messages with the client on this matter yet.</p>
      ) : (
        <div className="table-scroll" tabIndex={0}>
          <table className="ps-table">
            <caption className="visually-hidden">Message threads</caption>
            <thead>
              <tr>
                <th scope="col">Subject</th>
                <th scope="col">Started by</th>
                <th scope="col">Last activity</th>
                <th scope="col">Unread</th>
              </tr>
            </thead>
            <tbody>
              {items.map((thread) => (
                <ThreadRow key={thread.id} thread={thread} open={thread.id === openId} onOpen={() => setOpenId(thread.id === openId ? null : thread.id)} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {openId !== null && <ThreadView key={openId} matterId={matterId} threadId={openId} onClose={() => setOpenId(null)} />}
      {starting ? (
        <NewThreadForm
          matterId={matterId}
          onDone={(threadId) => {
            setStarting(false);
            setOpenId(threadId);
          }}
          onCancel={() => setStarting(false)}
        />
      ) : (
        threads.data !== undefined && <Button onClick={() => setStarting(true)}>New thread</Button>
      )}
    </section>
  );
}

function ThreadRow({ thread, open, onOpen }: { thread: Thread; open: boolean; onOpen: () => void }) {
  return (
    <tr>
      <td>
        <button type="button" className="link-button" aria-expanded={open} onClick={onOpen}>
          {thread.subject}
        </button>
      </td>
      <td>
        {nameOf(thread.createdByName, 'someone no longer here')}
        <div className="ps-muted">{formatTime(thread.createdAt)}</div>
      </td>
      <td>{formatTime(thread.lastMessageAt)}</td>
      <td>{thread.unread > 0 ? <span className="ps-unread" aria-label={`${thread.unread} unread`}>{thread.unread}</span> : <span className="ps-muted">None</span>}</td>
    </tr>
  );
}

function authorOf(message: Message): string {
  return message.authorName ?? (message.authorKind === 'client' ? 'The client' : 'a former staff member');
}

function ThreadView({ matterId, threadId, onClose }: { matterId: string; threadId: string; onClose: () => void }) {
  const queryClient = useQueryClient();
  const thread = useQuery({ queryKey: portalKeys.thread(matterId, threadId), queryFn: () => portalStaffApi.thread(threadId) });
  // Opening a thread records the viewer's read receipts: the list's unread counts change with it.
  const opened = thread.data !== undefined;
  useEffect(() => {
    if (opened) void queryClient.invalidateQueries({ queryKey: portalKeys.threads(matterId), exact: true });
  }, [opened, queryClient, matterId]);
  return (
    <article className="ps-thread" aria-labelledby="thread-title">
      <div className="ps-thread-bar">
        <h3 id="thread-title">{thread.data?.thread.subject ?? 'Thread'}</h3>
        <Button variant="secondary" onClick={onClose}>
          Close the thread
        </Button>
      </div>
      {thread.error !== null && <ErrorMessage error={thread.error} title="This thread cannot be shown" />}
      {thread.data === undefined ? (
        !thread.error && <Loading />
      ) : (
        <>
          <ol className="ps-messages" aria-label="Messages">
            {thread.data.messages.map((message) => (
              <li key={message.id} className={`ps-message${message.authorKind === 'client' ? ' ps-message-client' : ''}`}>
                <p className="ps-message-meta">
                  <strong>{authorOf(message)}</strong>
                  {message.authorKind === 'client' ? ' (client)' : ''} · <time dateTime={new Date(message.createdAt).toISOString()}>{formatTime(message.createdAt)}</time>
                </p>
                {/* Plain text from the sender: shown as text, never as HTML. */}
                <p className="ps-message-body">{message.body}</p>
                {message.attachments.length > 0 && (
                  <ul className="ps-attachments" aria-label="Attachments">
                    {message.attachments.map((a) => (
                      <li key={a.id}>{a.name === null ? <span className="ps-muted">A document no longer available</span> : <a href={documentUrl(a.id)}>{a.name}</a>}</li>
                    ))}
                  </ul>
                )}
                {message.readBy.length > 0 && (
                  <p className="ps-muted">
                    Read by{' '}
                    {message.readBy.map((r, i) => (
                      <span key={r.userId} title={formatTime(r.readAt)}>
                        {i > 0 ? ', ' : ''}
                        {nameOf(r.name, 'someone no longer here')}
                      </span>
                    ))}
                  </p>
                )}
              </li>
            ))}
          </ol>
          {thread.data.can.reply ? <ReplyForm matterId={matterId} threadId={threadId} /> : <p className="ps-muted">You cannot reply on this thread.</p>}
        </>
      )}
    </article>
  );
}

function ReplyForm({ matterId, threadId }: { matterId: string; threadId: string }) {
  const action = usePageAction(portalKeys.threads(matterId));
  const documents = useMatterDocuments(matterId);
  const [body, setBody] = useState('');
  const [attachments, setAttachments] = useState<string[]>([]);
  const [tried, setTried] = useState(false);
  const missing = tried && !body.trim() ? 'Write your reply.' : null;
  const bodyError = missing ?? fieldError(action.error, 'body.body');
  const attachError = listFieldError(action.error, 'body.attachmentIds');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!body.trim()) return;
    action.mutate(
      () => portalStaffApi.reply(threadId, { body, ...(attachments.length > 0 ? { attachmentIds: attachments } : {}) }),
      {
        onSuccess: () => {
          setBody('');
          setAttachments([]);
          setTried(false);
        },
      },
    );
  };
  return (
    <form onSubmit={submit} aria-label="Reply" className="ps-form" noValidate>
      <TextArea className="ps-textarea" label="Reply" value={body} onChange={(e) => setBody(e.target.value)} required maxLength={20_000} hint="Plain text. The client sees it in the portal and gets an e-mail without its content." error={bodyError} />
      <AttachmentChooser documents={documents.data?.items ?? []} loading={documents.isPending} value={attachments} onChange={setAttachments} error={attachError} />
      {documents.error !== null && <ErrorMessage error={documents.error} title="The matter’s documents could not be loaded" />}
      {action.error !== null && !bodyError && !attachError && <ErrorMessage error={action.error} title="The reply was not sent" />}
      <Button type="submit" busy={action.isPending}>
        Send the reply
      </Button>
    </form>
  );
}

function NewThreadForm({ matterId, onDone, onCancel }: { matterId: string; onDone: (threadId: string) => void; onCancel: () => void }) {
  const action = usePageAction(portalKeys.threads(matterId));
  const documents = useMatterDocuments(matterId);
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [attachments, setAttachments] = useState<string[]>([]);
  const [tried, setTried] = useState(false);
  const subjectError = (tried && !subject.trim() ? 'Give the thread a subject.' : null) ?? fieldError(action.error, 'body.subject');
  const bodyError = (tried && !body.trim() ? 'Write the message.' : null) ?? fieldError(action.error, 'body.body');
  const attachError = listFieldError(action.error, 'body.attachmentIds');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!subject.trim() || !body.trim()) return;
    action.mutate(async () => {
      const started = await portalStaffApi.startThread(matterId, { subject: subject.trim(), body, ...(attachments.length > 0 ? { attachmentIds: attachments } : {}) });
      onDone(started.thread.id);
    });
  };
  return (
    <form onSubmit={submit} aria-label="New thread" className="ps-form" noValidate>
      <h3>New thread</h3>
      <TextField label="Subject" value={subject} onChange={(e) => setSubject(e.target.value)} required maxLength={200} error={subjectError} />
      <TextArea className="ps-textarea" label="Message" value={body} onChange={(e) => setBody(e.target.value)} required maxLength={20_000} hint="Plain text. The client’s contacts on this matter get an e-mail without its content." error={bodyError} />
      <AttachmentChooser documents={documents.data?.items ?? []} loading={documents.isPending} value={attachments} onChange={setAttachments} error={attachError} />
      {documents.error !== null && <ErrorMessage error={documents.error} title="The matter’s documents could not be loaded" />}
      {action.error !== null && !subjectError && !bodyError && !attachError && <ErrorMessage error={action.error} title="The thread was not started" />}
      <div className="ps-actions">
        <Button type="submit" busy={action.isPending}>
          Send
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function FileRequestsSection({ matterId }: { matterId: string }) {
  const requests = useQuery({ queryKey: portalKeys.fileRequests(matterId), queryFn: () => portalStaffApi.fileRequests(matterId) });
  const ask = usePageAction(portalKeys.fileRequests(matterId));
  const [title, setTitle] = useState('');
  const [tried, setTried] = useState(false);
  const titleError = (tried && !title.trim() ? 'Say what you are asking for.' : null) ?? fieldError(ask.error, 'body.title');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!title.trim()) return;
    ask.mutate(() => portalStaffApi.askForFiles(matterId, title.trim()), {
      onSuccess: () => {
        setTitle('');
        setTried(false);
      },
    });
  };
  const items = requests.data?.items ?? [];
  return (
    <section className="ps-panel" aria-labelledby="file-requests-title">
      <h2 id="file-requests-title">File requests</h2>
      {requests.error !== null && <ErrorMessage error={requests.error} title="The file requests cannot be shown" />}
      {requests.data === undefined ? (
        !requests.error && <Loading />
      ) : items.length === 0 ? (
        <p>No files asked of the client on this matter yet.</p>
      ) : (
        <div className="table-scroll" tabIndex={0}>
          <table className="ps-table">
            <caption className="visually-hidden">File requests</caption>
            <thead>
              <tr>
                <th scope="col">Asked for</th>
                <th scope="col">Asked by</th>
                <th scope="col">Uploads</th>
                <th scope="col">Status</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {items.map((request) => (
                <FileRequestRow key={request.id} request={request} matterId={matterId} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form onSubmit={submit} aria-label="Ask the client for files" className="ps-form" noValidate>
        <h3>Ask the client for files</h3>
        <TextField label="What you need" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={300} placeholder="Your bank statements for 2025" hint="The client’s contacts get an e-mail without this text and upload in the portal." error={titleError} />
        {ask.error !== null && !titleError && <ErrorMessage error={ask.error} title="The request was not sent" />}
        <Button type="submit" busy={ask.isPending}>
          Ask for files
        </Button>
      </form>
    </section>
  );
}

function FileRequestRow({ request, matterId }: { request: FileRequest; matterId: string }) {
  const close = usePageAction(portalKeys.fileRequests(matterId));
  const open = request.closedAt === null;
  return (
    <tr>
      <td className="ps-message-body">{request.title}</td>
      <td>
        {nameOf(request.createdByName)}
        <div className="ps-muted">{formatTime(request.createdAt)}</div>
      </td>
      <td>
        {request.uploads.length === 0 ? (
          <span className="ps-muted">Nothing yet</span>
        ) : (
          <ul className="ps-attachments">
            {request.uploads.map((u) => (
              <li key={u.documentId}>
                {u.name === null ? <span className="ps-muted">A document no longer available</span> : <a href={documentUrl(u.documentId)}>{u.name}</a>}
                <div className="ps-muted">
                  {nameOf(u.uploadedByName, 'the client')}, {formatTime(u.uploadedAt)}
                </div>
              </li>
            ))}
          </ul>
        )}
      </td>
      <td>
        <span className={`ps-status ps-status-${open ? 'open' : 'closed'}`}>{open ? 'Open' : 'Closed'}</span>
        {!open && <div className="ps-muted">{formatTime(request.closedAt)}</div>}
      </td>
      <td>
        {open ? (
          <Button variant="secondary" busy={close.isPending} aria-label={`Close the request: ${request.title}`} onClick={() => close.mutate(() => portalStaffApi.closeFileRequest(request.id))}>
            Close
          </Button>
        ) : (
          '—'
        )}
        {close.error !== null && <ErrorMessage error={close.error} title="Not closed" />}
      </td>
    </tr>
  );
}
