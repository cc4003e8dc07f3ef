/**
 * incidents (issue #20): report, the response workflow with its timeline, containment from the
 * incident, the scope from the audit log, notification deadlines from rule files (regimes/*.json)
 * with reminders, and the post-incident review's corrective actions. docs/incidents.md.
 *
 * - `reportIncident`, `findIncidents`, `getIncident` (incident.report; the compliance officer sees
 *   all, others their own): throw ACCESS_DENIED, VALIDATION_FAILED, NOT_FOUND (audited).
 * - `advanceIncident`, `addIncidentNote`, `setIncidentRegimes`, `assessScope`, `containIncident`,
 *   `reverseContainment`, `addCorrectiveAction`, `completeCorrectiveAction` (incident.manage):
 *   throw ACCESS_DENIED, VALIDATION_FAILED, NOT_FOUND, INCIDENT_STATE.
 * - `loadRegimes()`: throws RegimeFileError naming the file and field (the module's start fails).
 * - `remindIncidentDeadlines(services)`: the hourly job; throws when a mail could not be sent.
 */
import type { ConfidantModule } from '../../platform/module.js';
import { incidentsRoutes } from './incidents.routes.js';
import { loadRegimes } from './regimes.js';
import { remindIncidentDeadlines } from './reminders.js';

export { reportIncident, openIncidentFromAlert, findIncidents, getIncident, advanceIncident, addIncidentNote, setIncidentRegimes, containIncident, reverseContainment, addCorrectiveAction, completeCorrectiveAction, type IncidentView, type IncidentSummaryView } from './incidents.service.js';
export { assessScope, ipPrefixOf } from './scope.service.js';
export { draftNotification, editNotification, approveNotification, sendNotification, findIncidentNotifications, notificationPdf, renderLetter, type NotificationView } from './notifications.service.js';
export { loadRegimes, parseRegimes, clocksOf, RegimeFileError, type Regime, type Clock } from './regimes.js';
export { remindIncidentDeadlines } from './reminders.js';

export const JOB_INCIDENT_DEADLINES = 'incidents.deadlines.remind';

export const incidentsModule: ConfidantModule = {
  name: 'incidents',
  routes: async (app) => incidentsRoutes(app),
  start: async (services) => {
    // The rule files are checked before anything runs: a bad one stops the start with its name.
    loadRegimes();
    services.jobs.register(JOB_INCIDENT_DEADLINES, async () => void (await remindIncidentDeadlines(services)), { retryLimit: 2 });
    services.jobs.schedule(JOB_INCIDENT_DEADLINES, 3_600_000);
  },
};
