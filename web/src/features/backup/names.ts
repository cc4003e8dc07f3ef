// Who asked for a run, by name: the signed-in person themselves; for an administrator, the
// accounts list; for a compliance officer (who may not list accounts), the names the audit log
// gives with that person's `backup.request` event. Never an id on the page.
import { useQueries, useQuery } from '@tanstack/react-query';
import { useSession } from '../identity';
import { backupApi } from './api';

export const SCHEDULE_OR_CLI = 'Schedule / command line';

/** `name(requestedBy)`: a person's name, "Schedule / command line" for null, "Unknown person" when no name is known. */
export function useRequesterNames(requesters: (string | null)[]): (id: string | null) => string {
  const { state } = useSession();
  const me = state?.user;
  const others = [...new Set(requesters.filter((id): id is string => id !== null && id !== me?.id))];
  const isAdmin = me?.role === 'firm_admin';
  const isOfficer = me?.role === 'compliance_officer';
  const accounts = useQuery({ queryKey: ['backup', 'accounts'], queryFn: backupApi.accounts, enabled: isAdmin && others.length > 0 });
  const events = useQueries({ queries: others.map((id) => ({ queryKey: ['backup', 'requester', id], queryFn: () => backupApi.requestEvent(id), enabled: isOfficer })) });
  const names = new Map<string, string>();
  for (const user of accounts.data?.users ?? []) names.set(user.id, user.name);
  for (const event of events) for (const user of event.data?.names.users ?? []) names.set(user.id, user.name);
  return (id) => {
    if (id === null) return SCHEDULE_OR_CLI;
    if (me && id === me.id) return `${me.name} (you)`;
    return names.get(id) ?? 'Unknown person';
  };
}
