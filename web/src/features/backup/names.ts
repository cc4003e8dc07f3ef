// Who asked for a run, by name (the server names them); never an id on the page.
import { useSession } from '../identity';
import type { BackupRun } from './api';

export const SCHEDULE_OR_CLI = 'Schedule / command line';

/** `name(requestedBy)`: the person's name ("… (you)" for the signed-in person), or "Schedule / command line". */
export function useRequesterName(): (requestedBy: BackupRun['requestedBy']) => string {
  const { state } = useSession();
  const me = state?.user;
  return (requestedBy) => {
    if (requestedBy === null) return SCHEDULE_OR_CLI;
    return me && requestedBy.id === me.id ? `${requestedBy.name} (you)` : requestedBy.name;
  };
}
