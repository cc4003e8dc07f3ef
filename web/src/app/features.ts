// Every feature the shell mounts. Each feature folder exports one `Feature`.
import type { Feature } from './feature';
import { accessFeature } from '../features/access';
import { auditFeature } from '../features/audit';
import { backupFeature } from '../features/backup';
import { complianceFeature } from '../features/compliance';
import { consentFeature } from '../features/consent';
import { evidenceFeature } from '../features/evidence';
import { holdsFeature } from '../features/holds';
import { homeFeature } from '../features/home';
import { identityFeature } from '../features/identity';
import { incidentsFeature } from '../features/incidents';
import { portalFeature } from '../features/portal';
import { postureFeature } from '../features/posture';
import { retentionFeature } from '../features/retention';
import { vaultFeature } from '../features/vault';

export const FEATURES: Feature[] = [homeFeature, identityFeature, auditFeature, vaultFeature, accessFeature, backupFeature, consentFeature, holdsFeature, retentionFeature, complianceFeature, postureFeature, evidenceFeature, incidentsFeature, portalFeature];
