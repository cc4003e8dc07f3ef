// posture in the web app: the dashboard of the firm administrator and the compliance officer —
// the score, the findings with their fixes, the trend and the counts by role. No client data.
import type { Feature } from "../../app/feature";
import { PosturePage } from "./PosturePage";
import "./posture.css";

export const postureFeature: Feature = {
  name: "posture",
  routes: [{ path: "posture", element: <PosturePage /> }],
  // compliance.manage on the server: the same two roles.
  nav: [
    {
      to: "/posture",
      label: "Posture",
      roles: ["compliance_officer", "firm_admin"],
    },
  ],
};
