import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { UserId } from '../../common/ids.js';
import { ManualClock } from '../platform/clock.js';
import type { RequestContext } from '../platform/context.js';
import { createLogger } from '../platform/logging/logger.js';
import { closeServices, createServices } from '../platform/services.js';
import { DIALECTS } from '../test-support/dialects.js';
import { createTestInstance, type TestInstance } from '../test-support/test-instance.js';
import { listAlerts } from './alerts.js';
import { readCursor } from './cursors.js';
import { sendAlertDigest } from './digest.js';
import { auditModule, installAuditProvisions, recordEvent } from './index.js';
import { documentsHandedOver, MONITOR_CURSOR, runMonitor } from './monitor.js';
import { auditSettings } from './settings.js';

describe.each(DIALECTS)('audit monitoring rules on %s', (dialect) => {
  let instance: TestInstance;
  const clock = new ManualClock(Date.UTC(2026, 0, 6, 10, 0, 0)); // a Tuesday, 10:00 UTC
  const contained: { userId: string; reason: string }[] = [];
  const leaving = new Set<string>();

  const as = (userId: string): RequestContext => ({
    ...instance.system(),
    actor: { kind: 'user', userId: userId as UserId, role: 'attorney', clientId: null, sessionId: 's', tokenId: null, mfaAt: null },
  });
  const alertsFor = async (userId: string) => (await listAlerts(instance.system(), { limit: 100 })).filter((a) => a.actorId === userId);

  beforeAll(async () => {
    instance = await createTestInstance(dialect, { http: false, clock });
    // Typed settings as loadConfig makes them: the defaults, with the fields this test changes.
    const rules = instance.services.config.alertRules;
    rules.bulk_download = { ...rules.bulk_download, threshold: 5, windowMinutes: 10, contain: true };
    rules.repeated_denials = { ...rules.repeated_denials, threshold: 3, windowMinutes: 10, contain: true };
    rules.many_clients = { ...rules.many_clients, threshold: 4, windowMinutes: 60 };
    rules.out_of_hours = { ...rules.out_of_hours, enabled: true, startHour: 7, endHour: 20 };
    instance.services.config.audit.complianceEmail = 'compliance@firm.example';
  });
  beforeAll(() => {
    // This instance's identity stand-in, installed the way the composition root installs identity's.
    installAuditProvisions(instance.services, [
      {
        identityHooks: () => ({
          isLeaving: async (userId) => leaving.has(userId),
          contain: async (userId, reason) => void contained.push({ userId, reason }),
        }),
      },
    ]);
  });
  afterEach(async () => {
    clock.set(Date.UTC(2026, 0, 6, 10, 0, 0));
  });
  afterAll(async () => {
    await instance?.close();
  });

  it('bulk download: N documents in M minutes raises an alert, contains the user, mails compliance', async () => {
    for (let i = 0; i < 4; i++) await recordEvent(as('u-bulk'), { action: 'document.read', outcome: 'allowed', resources: { documentId: `d-${i}` } });
    await runMonitor(instance.services);
    expect(await alertsFor('u-bulk')).toHaveLength(0);
    await recordEvent(as('u-bulk'), { action: 'document.read', outcome: 'allowed', resources: { documentId: 'd-5' } });
    await runMonitor(instance.services);
    const [alert] = await alertsFor('u-bulk');
    expect(alert).toMatchObject({ rule: 'bulk_download', contained: true, status: 'open', detail: { documents: 5, threshold: 5 } });
    expect(contained).toContainEqual({ userId: 'u-bulk', reason: 'bulk_download' });
    // More downloads in the same window do not raise a second alert.
    await recordEvent(as('u-bulk'), { action: 'document.read', outcome: 'allowed', resources: { documentId: 'd-6' } });
    await runMonitor(instance.services);
    expect(await alertsFor('u-bulk')).toHaveLength(1);
    // The alert and the containment are audited.
    const events = await instance.services.database.db.selectFrom('audit_event').select(['action', 'target_user_id']).where('target_user_id', '=', 'u-bulk').execute();
    expect(events.map((e) => e.action).sort()).toEqual(['alert.raise', 'user.contain']);
    // Compliance hears of it in the burst's digest (sent when the burst's wait ends; here at once).
    expect(await sendAlertDigest(instance.services)).toBeGreaterThanOrEqual(1);
    const outbox = instance.config.mail.outboxDir;
    const mails = existsSync(outbox) ? readdirSync(outbox).map((f) => readFileSync(`${outbox}/${f}`, 'utf8')) : [];
    expect(mails.some((m) => m.includes('compliance@firm.example') && m.includes('bulk_download'))).toBe(true);
  });

  it('bulk download: one whole-client export of more documents than the threshold raises the alert (not "one download")', async () => {
    // The events vault records for one export: the access decision, then the archive with its document count.
    await recordEvent(as('u-export'), { action: 'client.export', outcome: 'allowed', reason: 'TEAM', purpose: 'export', resources: { clientId: 'c-export' } });
    await recordEvent(as('u-export'), { action: 'client.export', outcome: 'allowed', resources: { clientId: 'c-export', other: { type: 'export_documents', id: '6' } } });
    await runMonitor(instance.services);
    const [alert] = await alertsFor('u-export');
    expect(alert).toMatchObject({ rule: 'bulk_download', contained: true });
    expect(Number(alert!.detail.documents)).toBeGreaterThanOrEqual(6);
    // A small export stays below the threshold; denied exports and non-download events count nothing.
    await recordEvent(as('u-small-export'), { action: 'client.export', outcome: 'allowed', resources: { clientId: 'c-small', other: { type: 'export_documents', id: '2' } } });
    await recordEvent(as('u-small-export'), { action: 'client.export', outcome: 'denied', reason: 'NOT_ON_TEAM', resources: { clientId: 'c-other', other: { type: 'export_documents', id: '900' } } });
    await runMonitor(instance.services);
    expect(await alertsFor('u-small-export')).toHaveLength(0);
    expect(documentsHandedOver({ action: 'client.export', outcome: 'allowed', other_type: 'export_documents', other_id: '40' })).toBe(40);
    expect(documentsHandedOver({ action: 'client.export', outcome: 'allowed', other_type: 'export_documents', other_id: 'not-a-count' })).toBe(1);
    expect(documentsHandedOver({ action: 'matter.read', outcome: 'allowed', other_type: null, other_id: null })).toBe(0);
  });

  it('processes events appended after its last run at the next short tick: no long interval to wait for', async () => {
    // The job the module schedules fires every monitorIntervalSeconds: seconds, not the half minute it was.
    expect(auditSettings(instance.services.config).monitorIntervalSeconds).toBeLessThanOrEqual(1);
    await runMonitor(instance.services);
    const before = (await readCursor(instance.services, MONITOR_CURSOR)).position;
    await recordEvent(as('u-late'), { action: 'access.break_glass', outcome: 'allowed', reason: 'BREAK_GLASS', purpose: 'break-glass', resources: { matterId: 'm-9' } });
    // The trigger: one tick of the module's own schedule on a queue of its own (fake interval timer).
    const services = createServices(instance.config, { clock, logger: createLogger({ logLevel: 'silent' }) });
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      await auditModule.start!(services);
      await services.jobs.start();
      vi.advanceTimersByTime(auditSettings(services.config).monitorIntervalSeconds * 1000);
      if (services.jobs.kind === 'in-process') await services.jobs.idle();
      else await runMonitor(services); // pg-boss polls on its own timer: run what it would run
    } finally {
      vi.useRealTimers();
      await auditModule.stop!(services);
      await closeServices(services);
    }
    expect((await readCursor(instance.services, MONITOR_CURSOR)).position).toBeGreaterThan(before);
    expect((await alertsFor('u-late')).map((a) => a.rule)).toEqual(['break_glass']);
  });

  it.skipIf(dialect !== 'postgres')('two nodes running the rules at once raise each alert once', async () => {
    const other = createServices(instance.config, { clock, logger: createLogger({ logLevel: 'silent' }) });
    try {
      for (let i = 0; i < 20; i++) await recordEvent(as(`u-two-${i}`), { action: 'access.break_glass', outcome: 'allowed', reason: 'BREAK_GLASS', purpose: 'break-glass', resources: { matterId: `m-${i}` } });
      await Promise.all([runMonitor(instance.services), runMonitor(other), runMonitor(instance.services), runMonitor(other)]);
      await runMonitor(instance.services);
      for (let i = 0; i < 20; i++) expect((await alertsFor(`u-two-${i}`)).map((a) => a.rule), `u-two-${i}`).toEqual(['break_glass']);
    } finally {
      await closeServices(other);
    }
  });

  it('a single wall-crossing attempt, a break-glass access and an integrity failure each raise an alert at once', async () => {
    await recordEvent(as('u-wall'), { action: 'document.read', outcome: 'denied', reason: 'WALL', resources: { matterId: 'm-walled' } });
    await recordEvent(as('u-glass'), { action: 'access.break_glass', outcome: 'allowed', reason: 'BREAK_GLASS', purpose: 'break-glass', resources: { matterId: 'm-1' } });
    await recordEvent(as('u-integrity'), { action: 'document.integrity_failure', outcome: 'denied', reason: 'INTEGRITY_ERROR', resources: { documentId: 'd-x' } });
    // A denial for another reason is not a wall crossing.
    await recordEvent(as('u-other'), { action: 'document.read', outcome: 'denied', reason: 'NOT_ON_TEAM', resources: { matterId: 'm-2' } });
    await runMonitor(instance.services);
    expect((await alertsFor('u-wall')).map((a) => [a.rule, a.severity])).toEqual([['wall_crossing', 'critical']]);
    expect((await alertsFor('u-glass')).map((a) => [a.rule, a.severity])).toEqual([['break_glass', 'warning']]);
    expect((await alertsFor('u-integrity')).map((a) => [a.rule, a.severity])).toEqual([['integrity_failure', 'critical']]);
    expect(await alertsFor('u-other')).toHaveLength(0);
    // Events already processed raise nothing again.
    await runMonitor(instance.services);
    expect(await alertsFor('u-wall')).toHaveLength(1);
  });

  it('downloads spread beyond the window raise nothing', async () => {
    for (let i = 0; i < 6; i++) {
      await recordEvent(as('u-slow'), { action: 'document.read', outcome: 'allowed', resources: { documentId: `s-${i}` } });
      clock.advance(3 * 60_000);
    }
    await runMonitor(instance.services);
    expect(await alertsFor('u-slow')).toHaveLength(0);
  });

  it('the window slides within one run: old downloads drop out, repeat clients count once', async () => {
    // 4 downloads, 11 minutes later 4 more, all processed in one run: never 5 within 10 minutes.
    for (let i = 0; i < 4; i++) await recordEvent(as('u-slide'), { action: 'document.read', outcome: 'allowed', resources: { documentId: `a-${i}` } });
    clock.advance(11 * 60_000);
    for (let i = 0; i < 4; i++) await recordEvent(as('u-slide'), { action: 'document.read', outcome: 'allowed', resources: { documentId: `b-${i}` } });
    // The same client read ten times is one client, not ten.
    for (let i = 0; i < 10; i++) await recordEvent(as('u-slide'), { action: 'client.read', outcome: 'allowed', resources: { clientId: 'c-same' } });
    await runMonitor(instance.services);
    expect(await alertsFor('u-slide')).toHaveLength(0);
    // One more download in the next run: the window loaded from the log holds the last 4, so 5.
    await recordEvent(as('u-slide'), { action: 'document.read', outcome: 'allowed', resources: { documentId: 'b-5' } });
    await runMonitor(instance.services);
    expect(await alertsFor('u-slide')).toEqual([expect.objectContaining({ rule: 'bulk_download', detail: expect.objectContaining({ documents: 5 }) })]);
  });

  it('repeated denials (wall probes) raise a critical alert and contain', async () => {
    for (let i = 0; i < 3; i++) await recordEvent(as('u-probe'), { action: 'matter.read', outcome: 'denied', reason: 'WALL', resources: { matterId: `m-${i}` } });
    await runMonitor(instance.services);
    const alerts = await alertsFor('u-probe');
    expect(alerts.filter((a) => a.rule === 'repeated_denials')).toEqual([expect.objectContaining({ rule: 'repeated_denials', severity: 'critical', contained: true })]);
    // The first probe of a wall already raised its own alert, once for the whole burst.
    expect(alerts.filter((a) => a.rule === 'wall_crossing')).toHaveLength(1);
  });

  it('many clients in a short time', async () => {
    for (let i = 0; i < 4; i++) await recordEvent(as('u-wide'), { action: 'client.read', outcome: 'allowed', resources: { clientId: `c-${i}` } });
    await runMonitor(instance.services);
    expect(await alertsFor('u-wide')).toEqual([expect.objectContaining({ rule: 'many_clients', contained: false, detail: expect.objectContaining({ clients: 4 }) })]);
  });

  it('access outside working hours', async () => {
    clock.set(Date.UTC(2026, 0, 6, 3, 30, 0));
    await recordEvent(as('u-night'), { action: 'matter.read', outcome: 'allowed', resources: { matterId: 'm-1' } });
    clock.set(Date.UTC(2026, 0, 6, 10, 0, 0));
    await recordEvent(as('u-day'), { action: 'matter.read', outcome: 'allowed', resources: { matterId: 'm-1' } });
    await runMonitor(instance.services);
    expect(await alertsFor('u-night')).toEqual([expect.objectContaining({ rule: 'out_of_hours', detail: expect.objectContaining({ hour: 3 }) })]);
    expect(await alertsFor('u-day')).toHaveLength(0);
  });

  it('activity after an account is marked as leaving contains the user', async () => {
    leaving.add('u-leaver');
    await recordEvent(as('u-leaver'), { action: 'matter.read', outcome: 'allowed', resources: { matterId: 'm-1' } });
    await runMonitor(instance.services);
    expect(await alertsFor('u-leaver')).toEqual([expect.objectContaining({ rule: 'after_leaving', contained: true })]);
    expect(contained).toContainEqual({ userId: 'u-leaver', reason: 'after_leaving' });
  });
});
