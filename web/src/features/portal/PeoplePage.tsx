import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { Button, ErrorMessage, Loading, PageTitle } from '../../components';
import { formatTime } from '../../lib/format';
import { portalApi, portalKeys, type ActivityEntry, type Person } from './api';
import { actionLabel, matterName, matterNumber, personName, TEAM_ROLE_LABELS } from './labels';
import { Empty } from './parts';
import { verifyInclusionFromLeafHash } from '../audit';

function accessInWords(access: Person['access'][number]): string {
  switch (access.basis) {
    case 'team':
      return `${access.role ? (TEAM_ROLE_LABELS[access.role] ?? access.role) : 'on the team'} on ${matterName(access.matter)}`;
    case 'grant':
      return 'access to all your matters';
    case 'break_glass':
      return `emergency access${access.matter ? ` to ${matterName(access.matter)}` : ''}`;
  }
}

/**
 * Asks the log for its latest signed checkpoint and this entry's proof, and checks both here, in
 * the browser. An entry newer than that checkpoint cannot be proved yet: the firm signs one every
 * few minutes, so it is said plainly rather than asked of the server (which refuses the range).
 */
async function checkEntry(entry: ActivityEntry): Promise<'verified' | 'mismatch' | 'too-new'> {
  const checkpoint = await portalApi.checkpoint();
  if (entry.index >= checkpoint.size) return 'too-new';
  const proof = await portalApi.inclusion(entry.index, checkpoint.size);
  if (proof.leafHash !== entry.leafHash) return 'mismatch';
  if (proof.rootHash !== checkpoint.rootHash) return 'mismatch';
  return (await verifyInclusionFromLeafHash(entry.leafHash, entry.index, checkpoint.size, proof.proof, checkpoint.rootHash)) ? 'verified' : 'mismatch';
}

function CheckButton({ entry, describedBy }: { entry: ActivityEntry; describedBy: string }) {
  const check = useMutation({ mutationFn: () => checkEntry(entry) });
  return (
    <span className="portal-check">
      <Button variant="secondary" busy={check.isPending} aria-describedby={describedBy} onClick={() => check.mutate()}>
        Check
      </Button>
      <span role="status">
        {check.data === 'verified' && <span className="portal-ok">Verified in the log</span>}
        {check.data === 'too-new' && <span>This entry is newer than the firm’s last signed checkpoint of the log. The firm signs one every few minutes: check it again later.</span>}
        {check.data === 'mismatch' && <span className="portal-fail">This entry could not be verified: it does not match the firm’s log. Please tell the firm.</span>}
        {check.error !== null && <span className="portal-fail">The check could not be done now. Please try again later.</span>}
      </span>
    </span>
  );
}

/** One entry: who did what, when, and the button proving it (described by the entry, so each "Check" says which). */
function ActivityItem({ entry }: { entry: ActivityEntry }) {
  const id = useId();
  return (
    <li>
      <span id={id}>
        <strong>{personName(entry.person)}</strong> {actionLabel(entry.action)}
        {entry.document ? ` “${entry.document}”` : ''}
        {entry.matter ? ` (${matterNumber(entry.matter)})` : ''}
      </span>
      <span className="portal-meta">{formatTime(entry.at)}</span>
      <CheckButton entry={entry} describedBy={id} />
    </li>
  );
}

export function PeoplePage() {
  const people = useQuery({ queryKey: portalKeys.people, queryFn: portalApi.people });
  const activity = useInfiniteQuery({
    queryKey: portalKeys.activity,
    queryFn: ({ pageParam }) => portalApi.activity(pageParam),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.next ?? undefined,
  });
  const entries = activity.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="portal">
      <PageTitle>Who handled my data</PageTitle>
      <section aria-labelledby="portal-people">
        <h2 id="portal-people">Who can open your data today</h2>
        {people.isPending ? (
          <Loading />
        ) : people.error ? (
          <ErrorMessage error={people.error} title="The list could not be loaded" />
        ) : people.data.items.length === 0 ? (
          <Empty>No one at the firm can open your data today.</Empty>
        ) : (
          <ul className="portal-list">
            {people.data.items.map((p) => (
              <li key={p.userId}>
                <strong>{personName(p.name)}</strong>
                <span className="portal-meta">{p.access.map(accessInWords).join('; ')}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="portal-activity">
        <h2 id="portal-activity">What was done</h2>
        <p>Every entry comes from the firm’s tamper-evident log. “Check” proves, here in your browser, that the entry is in that log.</p>
        {activity.isPending ? (
          <Loading />
        ) : activity.error ? (
          <ErrorMessage error={activity.error} title="The activity could not be loaded" />
        ) : entries.length === 0 ? (
          <Empty>No one at the firm has done anything with your data yet.</Empty>
        ) : (
          <ul className="portal-list portal-activity">
            {entries.map((e) => (
              <ActivityItem key={e.index} entry={e} />
            ))}
          </ul>
        )}
        {activity.hasNextPage && (
          <Button variant="secondary" busy={activity.isFetchingNextPage} onClick={() => void activity.fetchNextPage()}>
            Load older
          </Button>
        )}
        {activity.isFetchNextPageError && <ErrorMessage error={activity.error} title="Older entries could not be loaded" />}
      </section>
    </div>
  );
}
