// The posture API as the web app sees it: calls through the generated client, shapes from the
// generated schema (server/modules/posture/posture.schemas.ts is the source of both).
import { api, data } from "../../api/client";
import type { ResponseBody } from "../../api/types";

export type Posture = ResponseBody<"/api/v1/compliance/posture", "get">;
export type Finding = Posture["findings"][number];
export type RoleCounts = Posture["byRole"][number];
export type Trend = ResponseBody<"/api/v1/compliance/posture/trend", "get">;
export type TrendPoint = Trend["points"][number];

export const postureKeys = {
  all: ["posture"] as const,
  now: ["posture", "now"] as const,
  trend: (days: number) => ["posture", "trend", days] as const,
};

export const postureApi = {
  now: () => data(api.GET("/api/v1/compliance/posture")),
  trend: (days: number) =>
    data(
      api.GET("/api/v1/compliance/posture/trend", {
        params: { query: { days } },
      }),
    ),
};
