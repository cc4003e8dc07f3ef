import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Button, ErrorMessage, fieldError, Loading, PageTitle, Select, TextArea, TextField } from '../../components';
import { formatBytes, formatTime } from '../../lib/format';
import { portalApi, portalContentUrl, portalKeys, type Message, type PortalDocument } from './api';
import { matterName, matterNumber, personName } from './labels';
import { Empty, UploadControl } from './parts';

/** Files attached to a message being written: uploaded first, their ids sent with the message. */
function useAttachments() {
  const [docs, setDocs] = useState<PortalDocument[]>([]);
  return {
    docs,
    add: (doc: PortalDocument) => setDocs((all) => [...all, doc]),
    remove: (id: string) => setDocs((all) => all.filter((d) => d.id !== id)),
    clear: () => setDocs([]),
    ids: docs.map((d) => d.id),
  };
}

function AttachedList({ docs, onRemove }: { docs: PortalDocument[]; onRemove: (id: string) => void }) {
  if (docs.length === 0) return null;
  return (
    <ul className="portal-attached" aria-label="Attached files">
      {docs.map((d) => (
        <li key={d.id}>
          {d.name} ({formatBytes(d.size)}){' '}
          <button type="button" className="link-button" onClick={() => onRemove(d.id)}>
            Remove {d.name}
          </button>
        </li>
      ))}
    </ul>
  );
}

function NewThreadForm({ onCancel }: { onCancel: () => void }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const home = useQuery({ queryKey: portalKeys.home, queryFn: portalApi.home });
  const matters = home.data?.matters ?? [];
  const [matterId, setMatterId] = useState('');
  const chosen = matterId || (matters.length === 1 ? matters[0]!.id : '');
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const attachments = useAttachments();
  const send = useMutation({
    mutationFn: () => portalApi.startThread(chosen, { subject, body, ...(attachments.ids.length > 0 ? { attachmentIds: attachments.ids } : {}) }),
    onSuccess: async (detail) => {
      await Promise.all([queryClient.invalidateQueries({ queryKey: portalKeys.threads }), queryClient.invalidateQueries({ queryKey: portalKeys.documents })]);
      await navigate(`/portal/messages/${detail.thread.id}`);
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    send.mutate();
  }
  if (home.isPending) return <Loading />;
  if (home.error) return <ErrorMessage error={home.error} title="Your matters could not be loaded" />;
  if (matters.length === 0) return <Empty>You have no matters in the portal, so there is no one to write to yet.</Empty>;
  return (
    <form className="portal-card" onSubmit={submit} noValidate aria-label="New message">
      <h2>New message</h2>
      {send.error !== null && <ErrorMessage error={send.error} title="Your message was not sent" />}
      <Select
        label="About which matter"
        required
        value={chosen}
        onChange={(e) => {
          setMatterId(e.target.value);
          attachments.clear();
        }}
        options={[...(matters.length > 1 ? [{ value: '', label: 'Choose a matter' }] : []), ...matters.map((m) => ({ value: m.id, label: matterName(m) }))]}
        error={fieldError(send.error, 'params.matterId')}
      />
      <TextField label="Subject" required maxLength={200} value={subject} onChange={(e) => setSubject(e.target.value)} error={fieldError(send.error, 'body.subject')} />
      <TextArea rows={6} label="Your message" required maxLength={20000} value={body} onChange={(e) => setBody(e.target.value)} error={fieldError(send.error, 'body.body')} />
      <UploadControl key={chosen} matterId={chosen || null} label="Attach files (optional)" onUploaded={attachments.add} />
      <AttachedList docs={attachments.docs} onRemove={attachments.remove} />
      {fieldError(send.error, 'body.attachmentIds') && <p className="field-error">{fieldError(send.error, 'body.attachmentIds')}</p>}
      <div className="portal-actions">
        <Button type="submit" busy={send.isPending} disabled={!chosen}>
          Send
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

export function MessagesPage() {
  const threads = useQuery({ queryKey: portalKeys.threads, queryFn: portalApi.threads });
  const [writing, setWriting] = useState(false);
  return (
    <div className="portal">
      <PageTitle>Messages</PageTitle>
      {writing ? (
        <NewThreadForm onCancel={() => setWriting(false)} />
      ) : (
        <Button onClick={() => setWriting(true)}>New message</Button>
      )}
      {threads.isPending ? (
        <Loading />
      ) : threads.error ? (
        <ErrorMessage error={threads.error} title="Your messages could not be loaded" />
      ) : threads.data.items.length === 0 ? (
        <Empty>No messages yet. Write to your lawyers with “New message”.</Empty>
      ) : (
        <ul className="portal-list portal-threads">
          {threads.data.items.map((t) => (
            <li key={t.id} className={t.unread > 0 ? 'portal-unread' : undefined}>
              <Link to={`/portal/messages/${t.id}`}>{t.subject}</Link>
              {t.unread > 0 && <span className="portal-badge">{t.unread === 1 ? '1 unread' : `${t.unread} unread`}</span>}
              <span className="portal-meta">
                {matterNumber(t.matter)} · last message {formatTime(t.lastMessageAt)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function MessageView({ message }: { message: Message }) {
  return (
    <article className={`portal-message portal-message-${message.authorKind}`}>
      <header className="portal-meta">
        <strong>{message.authorKind === 'client' ? (message.authorName ?? 'You') : personName(message.authorName)}</strong> · {formatTime(message.createdAt)}
      </header>
      <p className="portal-text">{message.body}</p>
      {message.attachments.length > 0 && (
        <ul className="portal-attached" aria-label="Attachments">
          {message.attachments.map((a) => (
            <li key={a.id}>
              {a.name ? (
                <a href={portalContentUrl(a.id)} download={a.name}>
                  {a.name}
                  {a.size !== null ? ` (${formatBytes(a.size)})` : ''}
                </a>
              ) : (
                'A file that is no longer available'
              )}
            </li>
          ))}
        </ul>
      )}
      {message.readBy.length > 0 && (
        <p className="portal-receipts">
          {message.readBy.map((r) => (
            <span key={r.userId}>
              Read by {personName(r.name)} at {formatTime(r.readAt)}
            </span>
          ))}
        </p>
      )}
    </article>
  );
}

function ReplyForm({ threadId, matterId }: { threadId: string; matterId: string }) {
  const queryClient = useQueryClient();
  const [body, setBody] = useState('');
  const [round, setRound] = useState(0);
  const attachments = useAttachments();
  const reply = useMutation({
    mutationFn: () => portalApi.reply(threadId, { body, ...(attachments.ids.length > 0 ? { attachmentIds: attachments.ids } : {}) }),
    onSuccess: async (detail) => {
      queryClient.setQueryData(portalKeys.thread(threadId), detail);
      setBody('');
      attachments.clear();
      setRound((n) => n + 1);
      await Promise.all([queryClient.invalidateQueries({ queryKey: portalKeys.threads, exact: true }), queryClient.invalidateQueries({ queryKey: portalKeys.documents })]);
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    reply.mutate();
  }
  return (
    <form className="portal-card" onSubmit={submit} noValidate aria-label="Reply">
      <h2>Reply</h2>
      {reply.error !== null && <ErrorMessage error={reply.error} title="Your reply was not sent" />}
      <TextArea rows={6} label="Your reply" required maxLength={20000} value={body} onChange={(e) => setBody(e.target.value)} error={fieldError(reply.error, 'body.body')} />
      <UploadControl key={round} matterId={matterId} label="Attach files (optional)" onUploaded={attachments.add} />
      <AttachedList docs={attachments.docs} onRemove={attachments.remove} />
      {fieldError(reply.error, 'body.attachmentIds') && <p className="field-error">{fieldError(reply.error, 'body.attachmentIds')}</p>}
      <Button type="submit" busy={reply.isPending}>
        Send reply
      </Button>
    </form>
  );
}

export function ThreadPage() {
  const { threadId = '' } = useParams();
  const queryClient = useQueryClient();
  const thread = useQuery({
    queryKey: portalKeys.thread(threadId),
    queryFn: async () => {
      const detail = await portalApi.thread(threadId);
      // Opening the thread records the read: the list's unread counts and the home's change.
      void queryClient.invalidateQueries({ queryKey: portalKeys.threads, exact: true });
      void queryClient.invalidateQueries({ queryKey: portalKeys.home });
      return detail;
    },
  });
  if (thread.isPending) return <Loading />;
  if (thread.error)
    return (
      <div className="portal">
        <p>
          <Link to="/portal/messages">Back to messages</Link>
        </p>
        <ErrorMessage error={thread.error} title="This conversation could not be loaded" />
      </div>
    );
  const { thread: t, messages, can } = thread.data;
  return (
    <div className="portal">
      <p>
        <Link to="/portal/messages">Back to messages</Link>
      </p>
      <PageTitle>{t.subject}</PageTitle>
      <p className="portal-meta">About {matterName(t.matter)}</p>
      {messages.length === 0 ? (
        <Empty>No messages in this conversation yet.</Empty>
      ) : (
        <ol className="portal-messages">
          {messages.map((m) => (
            <li key={m.id}>
              <MessageView message={m} />
            </li>
          ))}
        </ol>
      )}
      {can.reply ? <ReplyForm threadId={t.id} matterId={t.matter.id} /> : <p>You can no longer reply to this conversation.</p>}
    </div>
  );
}
