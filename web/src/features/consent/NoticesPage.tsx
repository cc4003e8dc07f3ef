import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, fieldError, Loading, NotFound, PageTitle, TextArea, TextField } from '../../components';
import { formatTime } from '../../lib/format';
import { useSession } from '../identity';
import { consentApi, type Notice, type NoticeContent } from './api';
import { NOTICE_SECTIONS, personLabel, shortSha } from './labels';
import { Confirmation, StatusBadge } from './parts';

const EMPTY: NoticeContent = { collected: '', purposes: '', recipients: '', protection: '', retention: '', rights: '' };

/** Notices: every version of the data-handling notice clients are shown, drafts and published. */
export function NoticesPage() {
  const { state } = useSession();
  const canManage = state?.user.role === 'compliance_officer';
  const { data, error } = useQuery({ queryKey: ['consent', 'notices'], queryFn: consentApi.notices });
  return (
    <section>
      <PageTitle>Data-handling notices</PageTitle>
      <p>
        The notice a client reads before consenting: what is collected, why, who sees it, how it is protected, how long it is kept and the client’s rights. A published version never changes and is named by
        its SHA-256; each consent records the version the client was shown.
      </p>
      {canManage && (
        <p>
          <Link to="/notices/new" className="button button-primary">
            Write a new version
          </Link>
        </p>
      )}
      {error !== null && <ErrorMessage error={error} />}
      {data === undefined ? (
        !error && <Loading />
      ) : data.items.length === 0 ? (
        <p>No notice yet.{canManage ? ' Write the first version, then publish it so attorneys can record consents against it.' : ' The compliance officer writes and publishes it.'}</p>
      ) : (
        <div className="table-scroll" tabIndex={0}>
          <table className="consent-table">
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Title</th>
                <th scope="col">Status</th>
                <th scope="col">SHA-256</th>
                <th scope="col">Published</th>
                <th scope="col">Written</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((notice) => (
                <tr key={notice.id}>
                  <td>
                    <Link to={`/notices/${notice.id}`}>Version {notice.version}</Link>
                  </td>
                  <td>{notice.title}</td>
                  <td>
                    <StatusBadge status={notice.status} label={notice.status === 'published' ? 'Published' : 'Draft'} />
                  </td>
                  <td>{notice.sha256 ? <code title={notice.sha256}>{shortSha(notice.sha256)}</code> : '—'}</td>
                  <td>
                    {formatTime(notice.publishedAt)}
                    {notice.publishedAt !== null && <div className="consent-detail">by {personLabel(notice.publishedByName)}</div>}
                  </td>
                  <td>
                    {formatTime(notice.updatedAt)}
                    <div className="consent-detail">by {personLabel(notice.createdByName)}</div>
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

/** One version: read (published), or edit and publish (a draft, for the compliance officer). `/notices/new` starts from the latest version's text. */
export function NoticePage() {
  const { noticeId = 'new' } = useParams();
  const isNew = noticeId === 'new';
  const { state } = useSession();
  const canManage = state?.user.role === 'compliance_officer';
  const notices = useQuery({ queryKey: ['consent', 'notices'], queryFn: consentApi.notices, enabled: isNew });
  const notice = useQuery({ queryKey: ['consent', 'notice', noticeId], queryFn: () => consentApi.notice(noticeId), enabled: !isNew });
  if (!isNew && notice.error instanceof ApiError && notice.error.status === 404) return <NotFound />;
  const loadError = isNew ? notices.error : notice.error;
  const start = isNew ? (notices.data ? (notices.data.items[0] ?? null) : undefined) : notice.data;
  return (
    <section>
      <PageTitle>{isNew ? 'New notice version' : notice.data ? `Notice version ${notice.data.version}` : 'Notice'}</PageTitle>
      <p>
        <Link to="/notices">All versions</Link>
      </p>
      {loadError !== null && <ErrorMessage error={loadError} />}
      {start === undefined ? (
        !loadError && <Loading />
      ) : isNew || (start && start.status === 'draft' && canManage) ? (
        canManage ? (
          <NoticeEditor key={noticeId} notice={isNew ? null : start} startFrom={start} />
        ) : (
          <p>Only the compliance officer writes notices.</p>
        )
      ) : (
        start && <NoticeView notice={start} />
      )}
    </section>
  );
}

function NoticeView({ notice }: { notice: Notice }) {
  return (
    <>
      <dl className="consent-facts">
        <dt>Title</dt>
        <dd>{notice.title}</dd>
        <dt>Status</dt>
        <dd>{notice.status === 'published' ? 'Published — frozen' : 'Draft'}</dd>
        {notice.sha256 && (
          <>
            <dt>SHA-256</dt>
            <dd>
              <code className="consent-sha">{notice.sha256}</code>
            </dd>
          </>
        )}
        <dt>Published</dt>
        <dd>{notice.publishedAt !== null ? `${formatTime(notice.publishedAt)} by ${personLabel(notice.publishedByName)}` : 'Not yet'}</dd>
      </dl>
      {NOTICE_SECTIONS.map((section) => (
        <section key={section.key} className="consent-notice-section">
          <h2>{section.label}</h2>
          <p className="consent-pre">{notice.content[section.key]}</p>
        </section>
      ))}
    </>
  );
}

/** The draft editor: title and the six sections; save (create or update), then publish after a confirmation. */
function NoticeEditor({ notice, startFrom }: { notice: Notice | null; startFrom: Notice | null }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const action = usePageAction(['consent']);
  const error = action.error;
  const [title, setTitle] = useState(startFrom?.title ?? 'Data-handling notice');
  const [content, setContent] = useState<NoticeContent>(startFrom ? { ...startFrom.content } : EMPTY);
  const [saved, setSaved] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [tried, setTried] = useState(false);
  useEffect(() => setSaved(false), [title, content]);

  const gaps = () => [...(title.trim() ? [] : ['title']), ...NOTICE_SECTIONS.filter((s) => !content[s.key].trim()).map((s) => s.key)];
  // Once a save was tried, what is still empty is said live, and each message goes as soon as it is written.
  const missing = tried ? gaps() : [];
  const save = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    const empty = gaps();
    if (empty.length > 0) return;
    action.mutate(async () => {
      const body = { title: title.trim(), content };
      if (notice) await consentApi.updateNotice(notice.id, body);
      else {
        const created = await consentApi.createNotice(body);
        await navigate(`/notices/${created.id}`, { replace: true });
      }
      setSaved(true);
    });
  };
  // Publishes what is on the screen: the edits are saved first, so the frozen text is the one read.
  const publish = () => {
    setTried(true);
    const empty = gaps();
    if (empty.length > 0 || !notice) return setConfirming(false);
    action.mutate(async () => {
      await consentApi.updateNotice(notice.id, { title: title.trim(), content });
      const published = await consentApi.publishNotice(notice.id);
      queryClient.setQueryData(['consent', 'notice', notice.id], published);
      setConfirming(false);
    });
  };
  const sectionError = (key: string) => (missing.includes(key) ? 'Write this section.' : fieldError(error, `body.content.${key}`));
  const onField = missing.length > 0 || ['body.title', ...NOTICE_SECTIONS.map((s) => `body.content.${s.key}`)].some((path) => fieldError(error, path));

  return (
    <>
      {notice ? <p>Draft version {notice.version}: edit it as often as needed; publishing freezes it.</p> : <p>A new draft{startFrom ? `, starting from version ${startFrom.version}` : ''}. Nothing is shown to clients until it is published.</p>}
      <form onSubmit={save} aria-label="Notice text" noValidate>
        <TextField label="Title" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} error={missing.includes('title') ? 'Give the notice a title.' : fieldError(error, 'body.title')} />
        {NOTICE_SECTIONS.map((section) => (
          <TextArea
            key={section.key}
            label={section.label}
            value={content[section.key]}
            onChange={(e) => setContent({ ...content, [section.key]: e.target.value })}
            required
            rows={5}
            maxLength={10000}
            error={sectionError(section.key)}
          />
        ))}
        {error !== null && !onField && <ErrorMessage error={error} title={error instanceof ApiError && error.code === 'NOTICE_PUBLISHED' ? 'This version is already published; write a new version instead' : 'Could not save or publish'} />}
        <div className="consent-actions">
          <Button type="submit" busy={action.isPending && !confirming}>
            {notice ? 'Save draft' : 'Create draft'}
          </Button>
          {notice && !confirming && (
            <Button variant="secondary" disabled={action.isPending} onClick={() => setConfirming(true)}>
              Publish…
            </Button>
          )}
        </div>
        {saved && <p role="status">Draft saved.</p>}
      </form>
      {notice && confirming && (
        <Confirmation title={`Publish version ${notice.version}?`} confirmLabel="Publish — it becomes immutable" variant="primary" busy={action.isPending} onConfirm={publish} onCancel={() => setConfirming(false)}>
          <p>
            Once published, this version <strong>can never be changed</strong>: it is identified by the SHA-256 of its text, and every consent recorded against it keeps that fingerprint as what the client was
            shown. The text on this page is saved and published as it stands. To change the wording later, write a new version.
          </p>
        </Confirmation>
      )}
    </>
  );
}
