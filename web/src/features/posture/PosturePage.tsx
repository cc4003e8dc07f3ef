import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { ApiError } from "../../api/client";
import { ErrorMessage, Loading, NotFound, PageTitle } from "../../components";
import { postureApi, postureKeys, type Finding } from "./api";
import { RoleChart, TrendChart } from "./charts";

const TREND_DAYS = 90;
const SEVERITY_LABELS: Record<Finding["severity"], string> = {
  critical: "Critical",
  high: "High",
  medium: "Medium",
  low: "Low",
};

/** The score in words: what a reader takes from the number. */
function scoreWords(score: number): {
  label: string;
  tone: "good" | "fair" | "poor";
} {
  if (score >= 85) return { label: "Good", tone: "good" };
  if (score >= 60) return { label: "Needs attention", tone: "fair" };
  return { label: "At risk", tone: "poor" };
}

/** The firm's security and compliance posture: the score, what to fix first, the trend, accounts by role. No client data. */
export function PosturePage() {
  const now = useQuery({ queryKey: postureKeys.now, queryFn: postureApi.now });
  // After the dashboard answered: it takes today's snapshot when none exists, so the trend includes today.
  const trend = useQuery({
    queryKey: postureKeys.trend(TREND_DAYS),
    queryFn: () => postureApi.trend(TREND_DAYS),
    enabled: now.isSuccess,
  });

  if (now.error instanceof ApiError && now.error.status === 404)
    return <NotFound />;
  const posture = now.data;
  const failing = posture?.findings.filter((f) => !f.ok) ?? [];
  const passing = posture?.findings.filter((f) => f.ok) ?? [];
  const words = posture ? scoreWords(posture.score) : null;
  return (
    <section aria-labelledby="page-title" className="pst">
      <PageTitle>Posture</PageTitle>
      <p className="pst-lead">
        How well the firm’s accounts, backups, audit log and compliance program
        are kept, with what to fix first. Counts only: the pages linked below
        show the people.
      </p>
      {now.error !== null && (
        <ErrorMessage error={now.error} title="The posture cannot be shown" />
      )}
      {now.isPending && <Loading />}
      {posture && words && (
        <>
          <div className="pst-head">
            <div
              className={`pst-score pst-${words.tone}`}
              role="group"
              aria-label={`Score ${posture.score} out of 100: ${words.label}`}
            >
              <span className="pst-score-number">{posture.score}</span>
              <span className="pst-score-of">/ 100</span>
              <span className="pst-score-words">{words.label}</span>
            </div>
            <p className="pst-counts">
              {failing.length === 0
                ? "Nothing to fix."
                : `${failing.length} of ${posture.findings.length} checks need attention.`}
              <br />
              <span className="pst-muted">
                As of {new Date(posture.generatedAt).toLocaleString()}
              </span>
            </p>
          </div>

          <h2>To fix</h2>
          {failing.length === 0 ? (
            <p className="pst-muted">Every check passes.</p>
          ) : (
            <FindingList findings={failing} />
          )}

          <div className="pst-charts">
            {trend.error !== null && (
              <ErrorMessage
                error={trend.error}
                title="The trend cannot be shown"
              />
            )}
            {trend.data && (
              <TrendChart points={trend.data.points} days={TREND_DAYS} />
            )}
            <RoleChart byRole={posture.byRole} />
          </div>

          <details className="pst-passing">
            <summary>Passing checks ({passing.length})</summary>
            <FindingList findings={passing} />
          </details>
        </>
      )}
    </section>
  );
}

function FindingList({ findings }: { findings: Finding[] }) {
  return (
    <ul className="pst-findings">
      {findings.map((f) => (
        <li
          key={f.key}
          className={`pst-finding pst-${f.ok ? "ok" : f.severity}`}
        >
          <div className="pst-finding-head">
            <span className="pst-badge">
              {f.ok ? "Passing" : SEVERITY_LABELS[f.severity]}
            </span>
            <h3>{f.title}</h3>
          </div>
          <p>{f.summary}</p>
          {!f.ok && (
            <p className="pst-fix">
              <strong>Fix: </strong>
              {f.fix.text}
              {f.fix.path && (
                <>
                  {" "}
                  <Link to={f.fix.path}>{f.fix.label ?? "Open"}</Link>
                </>
              )}
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}
