// The posture's two charts, drawn by Chart.js (a maintained library) into a canvas. Each canvas is
// an image with a short label; the figures are in a visually hidden table beside it for screen
// readers. No animation: the page is read, not watched (and reduced motion needs nothing more).
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from "chart.js";
import { useEffect, useMemo, useRef } from "react";
import type { RoleCounts, TrendPoint } from "./api";

Chart.register(
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  CategoryScale,
  BarController,
  BarElement,
  Tooltip,
  Legend,
);

export const ROLE_LABELS: Record<RoleCounts["role"], string> = {
  firm_admin: "Firm administrators",
  compliance_officer: "Compliance officers",
  attorney: "Attorneys",
  paralegal: "Paralegals",
  staff: "Staff",
};

const INK = "#1b1f24";
const GRID = "#e3e7ec";

function useChart(config: ChartConfiguration) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, config);
    return () => chart.destroy();
  }, [config]);
  return canvas;
}

const shortDay = (day: string) =>
  new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, {
    day: "numeric",
    month: "short",
    timeZone: "UTC",
  });

/** The score over time, one point per daily snapshot. */
export function TrendChart({
  points,
  days,
}: {
  points: TrendPoint[];
  days: number;
}) {
  const config = useMemo<ChartConfiguration>(
    () => ({
      type: "line",
      data: {
        labels: points.map((p) => shortDay(p.day)),
        datasets: [
          {
            label: "Score",
            data: points.map((p) => p.score),
            borderColor: "#1d4ed8",
            backgroundColor: "#1d4ed8",
            pointRadius: points.length > 40 ? 0 : 3,
            tension: 0.2,
          },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          y: {
            min: 0,
            max: 100,
            ticks: { color: INK, stepSize: 25 },
            grid: { color: GRID },
          },
          x: {
            offset: true, ticks: { color: INK, maxTicksLimit: 8, autoSkip: true },
            grid: { display: false },
          },
        },
        plugins: { legend: { display: false } },
      },
    }),
    [points],
  );
  const canvas = useChart(config);
  const first = points[0];
  const last = points.at(-1);
  const label =
    first && last
      ? `Score over the last ${days} days: from ${first.score} on ${first.day} to ${last.score} on ${last.day}. The table below lists every day.`
      : "No snapshot yet.";
  return (
    <figure className="pst-chart">
      <figcaption>Score over the last {days} days</figcaption>
      <div className="pst-canvas">
        <canvas ref={canvas} role="img" aria-label={label} />
      </div>
      <div className="visually-hidden">
        <table>
          <caption>Posture score by day</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Score</th>
              <th scope="col">Failing findings</th>
            </tr>
          </thead>
          <tbody>
            {points.map((p) => (
              <tr key={p.day}>
                <th scope="row">{p.day}</th>
                <td>{p.score}</td>
                <td>{p.failing}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

const SERIES: {
  key: keyof Omit<RoleCounts, "role">;
  label: string;
  color: string;
}[] = [
  { key: "active", label: "Active accounts", color: "#94a3b8" },
  {
    key: "withoutSecondFactor",
    label: "Without a second factor",
    color: "#b42318",
  },
  { key: "stale", label: "Not signed in lately", color: "#b45309" },
  { key: "leaving", label: "Leaving", color: "#1d4ed8" },
];

/** Active accounts per firm role, and of those: without a second factor, stale, leaving ("by department": there is no department field). */
export function RoleChart({ byRole }: { byRole: RoleCounts[] }) {
  const config = useMemo<ChartConfiguration>(
    () => ({
      type: "bar",
      data: {
        labels: byRole.map((r) => ROLE_LABELS[r.role]),
        datasets: SERIES.map((s) => ({
          label: s.label,
          data: byRole.map((r) => r[s.key]),
          backgroundColor: s.color,
        })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          y: {
            beginAtZero: true,
            ticks: { color: INK, precision: 0 },
            grid: { color: GRID },
          },
          x: { ticks: { color: INK }, grid: { display: false } },
        },
        plugins: {
          legend: { position: "bottom", labels: { color: INK, boxWidth: 12 } },
        },
      },
    }),
    [byRole],
  );
  const canvas = useChart(config);
  const label = `People by role: ${byRole.map((r) => `${ROLE_LABELS[r.role]} ${r.active} active, ${r.withoutSecondFactor} without a second factor`).join("; ")}. The table below has every figure.`;
  return (
    <figure className="pst-chart">
      <figcaption>Accounts by role</figcaption>
      <div className="pst-canvas">
        <canvas ref={canvas} role="img" aria-label={label} />
      </div>
      <div className="visually-hidden">
        <table>
          <caption>Accounts by role</caption>
          <thead>
            <tr>
              <th scope="col">Role</th>
              {SERIES.map((s) => (
                <th key={s.key} scope="col">
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {byRole.map((r) => (
              <tr key={r.role}>
                <th scope="row">{ROLE_LABELS[r.role]}</th>
                {SERIES.map((s) => (
                  <td key={s.key}>{r[s.key]}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
