/** The table the posture module owns (migration 2026-12-04T190000_posture_snapshots). */

/** One day's posture: the score, each finding's state and counts by role (JSON). No names, no client data. */
export interface PostureSnapshotsTable {
  id: string;
  /** The UTC day, YYYY-MM-DD: one snapshot per day. */
  day: string;
  taken_at: number;
  score: number;
  failing: number;
  /** JSON: `{ key, ok, severity }[]`. */
  findings: string;
  /** JSON: `RoleCounts[]`. */
  by_role: string;
}

export interface PostureTables {
  posture_snapshots: PostureSnapshotsTable;
}
