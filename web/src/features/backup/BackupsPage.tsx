import { useQuery } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { ApiError } from '../../api/client';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, Loading, NotFound, PageTitle } from '../../components';
import { formatBytes, formatTime } from '../../lib/format';
import { backupApi, type BackupRun, type BackupStatus, type RunKind } from './api';
import { drillScheduleInWords, errorInWords, figure, formatDuration, formatRelative, KIND_LABELS, runFigures, scheduleInWords, type ScheduleWords } from './labels';
import { useRequesterName } from './names';

const STATUS_KEY = ['backup', 'status'];
/** After "run now": ask again every 2 s, for up to a minute, until the new run is recorded. */
const POLL_MS = 2000;
const POLL_FOR_MS = 60_000;

interface Waiting {
  kind: RunKind;
  known: Set<string>;
  until: number;
}

/** Backups and drills of the instance: where they go, the last good ones, "run now", the recent runs. No client data. */
export function BackupsPage() {
  const [waiting, setWaiting] = useState<Waiting | null>(null);
  const status = useQuery({ queryKey: STATUS_KEY, queryFn: backupApi.status, refetchInterval: waiting ? POLL_MS : false });
  const data = status.data;

  if (status.error instanceof ApiError && status.error.status === 404) return <NotFound />;
  return (
    <section className="bk-page">
      <PageTitle>Backups</PageTitle>
      <p className="bk-lead">Encrypted copies of the firm's database and stored documents, and the drills that prove they restore. This page shows dates, counts and sizes only — never client data.</p>
      {status.error !== null && <ErrorMessage error={status.error} title="The backup status could not be read" />}
      {data === undefined ? (
        status.error === null && <Loading />
      ) : (
        <>
          <Summary settings={data.settings} />
          <div className="bk-cards">
            <BackupCard status={data} />
            <DrillCard status={data} />
          </div>
          <RunNow status={data} waiting={waiting} setWaiting={setWaiting} />
          <RecentRuns runs={data.runs} />
        </>
      )}
    </section>
  );
}

function Summary({ settings }: { settings: BackupStatus['settings'] }) {
  return (
    <section className="bk-summary" aria-labelledby="bk-summary-title">
      <h2 id="bk-summary-title">Settings</h2>
      <dl>
        <div>
          <dt>Backups go to</dt>
          <dd>{settings.target ? <code className="bk-target">{settings.target}</code> : <>nowhere yet <span className="bk-hint">— <code>BACKUP_TO</code> is not set</span></>}</dd>
        </div>
        <div>
          <dt>Encrypted to</dt>
          <dd>{settings.recipients === 0 ? <>no recipients <span className="bk-hint">— <code>BACKUP_RECIPIENTS</code> is not set</span></> : settings.recipients === 1 ? '1 recipient (an age key)' : `${settings.recipients} recipients (age keys)`}</dd>
        </div>
        <div>
          <dt>Backups run</dt>
          <dd>
            <Schedule words={scheduleInWords(settings.intervalHours)} />
          </dd>
        </div>
        <div>
          <dt>Drills run</dt>
          <dd>
            <Schedule words={drillScheduleInWords(settings.drillsScheduled, settings.drillIntervalDays)} />
          </dd>
        </div>
      </dl>
    </section>
  );
}

function Schedule({ words }: { words: ScheduleWords }) {
  return (
    <>
      {words.value}
      {words.hint && <span className="bk-hint"> — {words.hint}</span>}
    </>
  );
}

/** "5 minutes ago (04/12/2026, 18:20:11)", with the exact moment in a <time>. */
function When({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={formatTime(Date.parse(iso))}>
      {formatRelative(iso)} <span className="bk-detail">({formatTime(Date.parse(iso))})</span>
    </time>
  );
}

function Card({ title, id, tone, children }: { title: string; id: string; tone: 'ok' | 'warning' | 'empty'; children: ReactNode }) {
  return (
    <section className={`bk-card bk-card-${tone}`} aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/** A clear warning when the newest run of a kind failed. */
function FailedLast({ run, what }: { run: BackupRun | null; what: string }) {
  if (!run || run.ok) return null;
  return (
    <div className="bk-warning" role="alert">
      <p className="bk-warning-title">
        <span aria-hidden="true">⚠ </span>The last {what} failed
      </p>
      <p>
        <When iso={run.finishedAt} />: {errorInWords(run.errorCode)}.
      </p>
    </div>
  );
}

function BackupCard({ status }: { status: BackupStatus }) {
  const good = status.lastSuccessfulBackup;
  const failed = status.lastBackup !== null && !status.lastBackup.ok;
  const configured = status.settings.target !== null && status.settings.recipients > 0;
  const n = (key: string) => (good ? figure(good, key) : null);
  return (
    <Card title="Last successful backup" id="bk-backup-title" tone={failed ? 'warning' : good ? 'ok' : 'empty'}>
      <FailedLast run={status.lastBackup} what="backup" />
      {good ? (
        <dl className="bk-figures">
          <div>
            <dt>When</dt>
            <dd>
              <When iso={good.finishedAt} />
            </dd>
          </div>
          {n('blobs') !== null && (
            <div>
              <dt>Document blobs</dt>
              <dd>
                {n('blobs')!.toLocaleString()}
                {n('copiedBlobs') !== null && ` (${n('copiedBlobs')!.toLocaleString()} new)`}
              </dd>
            </div>
          )}
          {n('copiedBytes') !== null && (
            <div>
              <dt>Copied</dt>
              <dd>{formatBytes(n('copiedBytes')!)}</dd>
            </div>
          )}
          {n('archiveSize') !== null && (
            <div>
              <dt>Database archive</dt>
              <dd>{formatBytes(n('archiveSize')!)}</dd>
            </div>
          )}
        </dl>
      ) : (
        <div className="bk-empty">
          <p>{failed ? 'No backup has succeeded yet.' : 'No backup has been made yet.'}</p>
          {configured ? (
            <p>
              Use <strong>Back up now</strong> below, set <code>BACKUP_INTERVAL_HOURS</code> to schedule them, or run <code>confidant backup create</code> on the server.
            </p>
          ) : (
            <p>
              Set <code>BACKUP_TO</code> (a folder or an s3:// location) and <code>BACKUP_RECIPIENTS</code> (age public keys) on the server, then use <strong>Back up now</strong> — or run <code>confidant backup create</code> on the command line.
            </p>
          )}
        </div>
      )}
    </Card>
  );
}

function DrillCard({ status }: { status: BackupStatus }) {
  const good = status.lastSuccessfulDrill;
  const failed = status.lastDrill !== null && !status.lastDrill.ok;
  const n = (key: string) => (good ? figure(good, key) : null);
  return (
    <Card title="Last successful drill" id="bk-drill-title" tone={failed ? 'warning' : good ? 'ok' : 'empty'}>
      <FailedLast run={status.lastDrill} what="drill" />
      {good ? (
        <dl className="bk-figures">
          <div>
            <dt>When</dt>
            <dd>
              <When iso={good.finishedAt} />
            </dd>
          </div>
          {n('rtoSeconds') !== null && (
            <div>
              <dt>Recovery time</dt>
              <dd>{formatDuration(n('rtoSeconds')!)}</dd>
            </div>
          )}
          {n('documentsChecked') !== null && (
            <div>
              <dt>Documents decrypted</dt>
              <dd>{n('documentsChecked')!.toLocaleString()}</dd>
            </div>
          )}
          {n('auditEvents') !== null && (
            <div>
              <dt>Audit events verified</dt>
              <dd>{n('auditEvents')!.toLocaleString()}</dd>
            </div>
          )}
        </dl>
      ) : (
        <div className="bk-empty">
          <p>{failed ? 'No drill has succeeded yet.' : 'No drill has been run yet.'}</p>
          <p>
            A drill restores the latest backup into a scratch instance, verifies the audit log and decrypts every document.{' '}
            {status.settings.drillsScheduled ? (
              <>
                Use <strong>Run a drill now</strong> below.
              </>
            ) : (
              <>
                Set <code>BACKUP_DRILL_IDENTITY_FILE</code> on the server to schedule them and run them from here, or run <code>confidant backup drill</code> where the backup identity is kept.
              </>
            )}
          </p>
        </div>
      )}
    </Card>
  );
}

/** "Back up now" and "Run a drill now": queued on the server; the page asks again until the run is recorded. */
function RunNow({ status, waiting, setWaiting }: { status: BackupStatus; waiting: Waiting | null; setWaiting: (w: Waiting | null) => void }) {
  const backup = usePageAction(STATUS_KEY);
  const drill = usePageAction(STATUS_KEY);
  const [notice, setNotice] = useState<{ kind: RunKind; text: string } | null>(null);
  const [now, setNow] = useState(() => Date.now());

  // The new run has arrived (or waiting took too long): stop asking and say so.
  const arrived = waiting ? status.runs.find((r) => r.kind === waiting.kind && !waiting.known.has(r.id)) : undefined;
  useEffect(() => {
    if (!waiting) return;
    if (arrived) {
      setWaiting(null);
      setNotice({ kind: waiting.kind, text: arrived.ok ? `The ${waiting.kind} finished: it is in the list of recent runs below.` : `The ${waiting.kind} failed: ${errorInWords(arrived.errorCode)}.` });
    } else if (now > waiting.until) {
      setWaiting(null);
      setNotice({ kind: waiting.kind, text: `The ${waiting.kind} is still running. Reload this page later to see it.` });
    }
  }, [arrived, now, waiting, setWaiting]);
  useEffect(() => {
    if (!waiting) return undefined;
    const timer = setInterval(() => setNow(Date.now()), POLL_MS);
    return () => clearInterval(timer);
  }, [waiting]);

  const start = (kind: RunKind) => {
    const action = kind === 'backup' ? backup : drill;
    (kind === 'backup' ? drill : backup).reset();
    setNotice(null);
    action.mutate(() => backupApi.run(kind), {
      onSuccess: () => {
        setWaiting({ kind, known: new Set(status.runs.map((r) => r.id)), until: Date.now() + POLL_FOR_MS });
        setNotice({ kind, text: kind === 'backup' ? 'Backup queued. It appears below when it finishes.' : 'Drill queued. It appears below when it finishes (a drill decrypts every document: it can take a while).' });
      },
    });
  };

  const busy = backup.isPending || drill.isPending || waiting !== null;
  return (
    <section className="bk-run-now" aria-labelledby="bk-run-title">
      <h2 id="bk-run-title">Run now</h2>
      <div className="bk-actions">
        <RunButton label="Back up now" kind="backup" busy={backup.isPending || waiting?.kind === 'backup'} disabled={busy} error={backup.error} notice={notice?.kind === 'backup' ? notice.text : null} onClick={() => start('backup')} />
        <RunButton label="Run a drill now" kind="drill" variant="secondary" busy={drill.isPending || waiting?.kind === 'drill'} disabled={busy} error={drill.error} notice={notice?.kind === 'drill' ? notice.text : null} onClick={() => start('drill')} />
      </div>
    </section>
  );
}

function RunButton({ label, kind, variant = 'primary', busy, disabled, error, notice, onClick }: { label: string; kind: RunKind; variant?: 'primary' | 'secondary'; busy: boolean; disabled: boolean; error: Error | null; notice: string | null; onClick: () => void }) {
  const id = `bk-run-${kind}-message`;
  const refused = error instanceof ApiError && error.status === 409;
  return (
    <div className="bk-action">
      <Button variant={variant} busy={busy} disabled={disabled} onClick={onClick} aria-describedby={refused || notice ? id : undefined}>
        {label}
      </Button>
      <div className="bk-action-message" id={id} aria-live="polite">
        {refused && (
          <p className="bk-refused" role="alert">
            {error.message}.
          </p>
        )}
        {notice && !error && <p className="bk-notice">{notice}</p>}
      </div>
      {error !== null && !refused && <ErrorMessage error={error} title={`The ${kind} could not be queued`} />}
    </div>
  );
}

function RecentRuns({ runs }: { runs: BackupRun[] }) {
  const name = useRequesterName();
  return (
    <section aria-labelledby="bk-runs-title">
      <h2 id="bk-runs-title">Recent runs</h2>
      {runs.length === 0 ? (
        <p className="bk-empty">No backups, drills or restores recorded yet.</p>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="bk-runs-title">
          <table className="bk-table">
            <thead>
              <tr>
                <th scope="col">What</th>
                <th scope="col">Finished</th>
                <th scope="col">Result</th>
                <th scope="col">Asked by</th>
                <th scope="col">Figures</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => (
                <tr key={run.id}>
                  <td data-label="What">{KIND_LABELS[run.kind]}</td>
                  <td data-label="Finished">
                    <When iso={run.finishedAt} />
                  </td>
                  <td data-label="Result">{run.ok ? <span className="bk-badge bk-badge-ok">Succeeded</span> : <span className="bk-badge bk-badge-failed">Failed: {errorInWords(run.errorCode)}</span>}</td>
                  <td data-label="Asked by">{name(run.requestedBy)}</td>
                  <td data-label="Figures">{runFigures(run).join(' · ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
