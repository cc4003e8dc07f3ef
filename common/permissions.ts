/**
 * Every permission the access choke point decides on. Names are `<resource>.<verb>`; audit
 * events for allowed and denied decisions use the same names as their action.
 */
export const PERMISSIONS = [
  'client.create',
  'client.read',
  'client.update',
  'client.export',
  'matter.create',
  'matter.read',
  'matter.update',
  'matter.team.manage',
  'document.read',
  'document.write',
  'document.classify',
  'note.read',
  'note.write',
  'record.read',
  'record.write',
  'wall.manage',
  'conflict.review',
  'access.request.decide',
  'access.report.read',
  'audit.read',
  'audit.status.read',
  'alert.manage',
  'user.manage',
  'key.manage',
  'settings.manage',
  'notice.read',
  'notice.manage',
  'consent.read',
  'consent.write',
  'disclosure.request',
  'disclosure.read',
  'disclosure.approve',
  'disclosure.oversee',
  'privilege_log.read',
  // Client portal (portal module): staff invite and manage a client's contacts, and message the
  // client on a matter; the client's own contacts read and write through portal.read/portal.write.
  'portal.manage',
  'message.read',
  'message.write',
  'portal.read',
  'portal.write',
  // Retention (retention module): the compliance officer runs schedules, holds and disposition
  // (also on any client or matter, as oversight); the matter team sees its matter's holds; the
  // lead attorney places holds on their matters and approves their matters' disposition.
  'retention.manage',
  'hold.read',
  'hold.manage',
  'disposition.approve',
  // Compliance program (compliance module): the compliance officer and the firm administrator run
  // policies, agreements and training (firm records, no client data); every staff member reads and
  // acknowledges their own; the compliance officer runs access reviews, and each matter's lead
  // attorney certifies the items of the matters they lead.
  'compliance.manage',
  'compliance.self',
  'access_review.manage',
  'access_review.certify',
  // Incidents (incidents module): every staff member reports one (and follows their own report);
  // the compliance officer runs the response — triage, containment, scope, notifications, review.
  'incident.report',
  'incident.manage',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

/**
 * The permissions whose allowed use is a real read or write of client data. Reports of who
 * accessed what count only these (a decision query, a request to join or an acknowledgement is
 * not an access).
 */
export const DATA_PERMISSIONS: readonly Permission[] = [
  'client.read',
  'client.update',
  'client.export',
  'matter.read',
  'matter.update',
  'document.read',
  'document.write',
  'document.classify',
  'note.read',
  'note.write',
  'record.read',
  'record.write',
];
