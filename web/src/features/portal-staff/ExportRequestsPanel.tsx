import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button, ErrorMessage, Loading } from "../../components";
import { formatBytes, formatTime } from "../../lib/format";
import { useStepUp } from "../identity";
import { nameOf, portalKeys, portalStaffApi, type ExportRequest } from "./api";

const STATUS: Record<ExportRequest["status"], string> = {
  pending: "Waiting for your approval",
  ready: "Made: the client can download it",
  declined: "Declined",
  expired: "Expired",
};

/**
 * The client's requests for an export of their data, from the portal. Approving makes the archive
 * at once (age-encrypted under the protection the client chose, only their matters), so it needs
 * client-wide access and a fresh second factor, asked inline.
 */
export function ExportRequestsPanel({ clientId }: { clientId: string }) {
  const requests = useQuery({
    queryKey: portalKeys.exports(clientId),
    queryFn: () => portalStaffApi.exportRequests(clientId),
    retry: false,
  });
  // A person who may not see the contacts (not the lead) sees nothing here either.
  if (requests.error) return null;
  return (
    <section className="ps-panel" aria-labelledby="portal-exports-title">
      <h2 id="portal-exports-title">Export requests</h2>
      <p className="ps-muted">
        A contact may ask for an export of their data. Approving makes it now:
        one file encrypted with their passphrase or key, with only their
        matters, kept for 7 days.
      </p>
      {requests.data === undefined ? (
        <Loading />
      ) : requests.data.items.length === 0 ? (
        <p>No contact has asked for an export.</p>
      ) : (
        <ul className="ps-list">
          {requests.data.items.map((request) => (
            <ExportRequestItem
              key={request.id}
              request={request}
              clientId={clientId}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function ExportRequestItem({
  request,
  clientId,
}: {
  request: ExportRequest;
  clientId: string;
}) {
  const queryClient = useQueryClient();
  const stepUp = useStepUp();
  const [busy, setBusy] = useState<"approve" | "decline" | null>(null);
  const act = (kind: "approve" | "decline") => {
    setBusy(kind);
    void stepUp
      .run(async () => {
        await (kind === "approve"
          ? portalStaffApi.approveExport(request.id)
          : portalStaffApi.declineExport(request.id));
        await queryClient.invalidateQueries({
          queryKey: portalKeys.exports(clientId),
        });
      })
      .finally(() => setBusy(null));
  };
  return (
    <li>
      <p>
        <strong>{nameOf(request.contactName, "A former contact")}</strong> asked
        on {formatTime(request.createdAt)}, protected by{" "}
        {request.protection === "passphrase"
          ? "their passphrase"
          : "their own age key"}
        . <span>{STATUS[request.status]}</span>
        {request.status === "ready" && request.expiresAt !== null && (
          <span>
            {" "}
            ({request.documents ?? 0} documents,{" "}
            {formatBytes(request.size ?? 0)}; approved by{" "}
            {nameOf(request.decidedByName)}; downloaded {request.downloads}{" "}
            {request.downloads === 1 ? "time" : "times"}; until{" "}
            {formatTime(request.expiresAt)})
          </span>
        )}
      </p>
      {request.status === "pending" && (
        <div className="ps-actions">
          <Button
            busy={busy === "approve"}
            disabled={busy !== null}
            onClick={() => act("approve")}
          >
            Approve and make the export
          </Button>
          <Button
            variant="secondary"
            busy={busy === "decline"}
            disabled={busy !== null}
            onClick={() => act("decline")}
          >
            Decline
          </Button>
        </div>
      )}
      {stepUp.prompt}
      {stepUp.error ? (
        <ErrorMessage
          error={stepUp.error}
          title="The export request could not be decided"
        />
      ) : null}
    </li>
  );
}
