import { useQuery } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { ApiError } from "../../api/client";
import { usePageAction } from "../../api/query";
import {
  Button,
  ErrorMessage,
  fieldError,
  Loading,
  MatterPicker,
  TextField,
  type PickerOption,
} from "../../components";
import { formatTime } from "../../lib/format";
import {
  matterName,
  nameOf,
  portalKeys,
  portalStaffApi,
  type Invitation,
  type InvitationInput,
  type PortalContact,
} from "./api";
import { ExportRequestsPanel } from "./ExportRequestsPanel";
import { Confirmation } from "./parts";

const STATUS_LABELS: Record<PortalContact["status"], string> = {
  invited: "Invited, not signed in yet",
  active: "Active",
  disabled: "Disabled",
};
const REQUEST_LABELS: Record<string, string> = {
  pending: "waiting for their answer",
  given: "given",
  declined: "declined",
};

/**
 * The client's portal contacts (who may sign in to the client portal, for which matters, and what
 * consents they were asked for), with disabling and the invitation form. The client page's Portal tab.
 */
export function ClientPortalPanel({
  clientId,
  clientName,
}: {
  clientId: string;
  clientName?: string;
}) {
  const contacts = useQuery({
    queryKey: portalKeys.contacts(clientId),
    queryFn: () => portalStaffApi.contacts(clientId),
  });
  const [inviting, setInviting] = useState(false);
  const [invited, setInvited] = useState<Invitation | null>(null);
  return (
    <>
      <section className="ps-panel" aria-labelledby="portal-contacts-title">
        <h2 id="portal-contacts-title">
          Client portal{clientName ? ` of ${clientName}` : ""}
        </h2>
        <p className="ps-muted">
          The people of this client who may sign in to the portal: they see
          their matters’ messages, file requests and the documents shared with
          them.
        </p>
        {contacts.error !== null && (
          <ErrorMessage
            error={contacts.error}
            title="The portal contacts cannot be shown"
          />
        )}
        {contacts.data === undefined ? (
          !contacts.error && <Loading />
        ) : contacts.data.items.length === 0 ? (
          <p>No one of this client has been invited to the portal yet.</p>
        ) : (
          <div className="table-scroll" tabIndex={0}>
            <table className="ps-table">
              <caption className="visually-hidden">Portal contacts</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">E-mail</th>
                  <th scope="col">Status</th>
                  <th scope="col">Matters</th>
                  <th scope="col">Invited</th>
                  <th scope="col">Consent requests</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                {contacts.data.items.map((contact) => (
                  <ContactRow
                    key={contact.id}
                    contact={contact}
                    clientId={clientId}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
        {invited && (
          <p role="status" className="vault-notice">
            {nameOf(invited.contact.name, "The contact")} was invited.{" "}
            {invited.delivered === "smtp"
              ? "The invitation was e-mailed to them."
              : "The invitation is waiting in the outbox (mail is not sent from this server)."}
          </p>
        )}
        {inviting ? (
          <InviteForm
            clientId={clientId}
            onDone={(invitation) => {
              setInvited(invitation);
              setInviting(false);
            }}
            onCancel={() => setInviting(false)}
          />
        ) : (
          <Button
            onClick={() => {
              setInvited(null);
              setInviting(true);
            }}
          >
            Invite a contact
          </Button>
        )}
      </section>
      <ExportRequestsPanel clientId={clientId} />
    </>
  );
}

function ContactRow({
  contact,
  clientId,
}: {
  contact: PortalContact;
  clientId: string;
}) {
  const action = usePageAction(portalKeys.contacts(clientId));
  const [confirming, setConfirming] = useState(false);
  const [changing, setChanging] = useState(false);
  const name = nameOf(contact.name, "Contact (name not available)");
  return (
    <tr>
      <td>{name}</td>
      <td className="ps-muted">{contact.email ?? "—"}</td>
      <td>
        <span className={`ps-status ps-status-${contact.status}`}>
          {STATUS_LABELS[contact.status]}
        </span>
        {contact.status === "active" && contact.activatedAt !== null && (
          <div className="ps-muted">
            since {formatTime(contact.activatedAt)}
          </div>
        )}
        {contact.status === "disabled" && contact.disabledAt !== null && (
          <div className="ps-muted">{formatTime(contact.disabledAt)}</div>
        )}
      </td>
      <td>
        {contact.matterScope === "all"
          ? "All matters"
          : contact.matters.length === 0
            ? "None"
            : contact.matters.map((m) => <div key={m.id}>{matterName(m)}</div>)}
        {contact.status !== "disabled" &&
          (changing ? (
            <ContactMattersForm
              contact={contact}
              clientId={clientId}
              onDone={() => setChanging(false)}
              onCancel={() => setChanging(false)}
            />
          ) : (
            <Button
              variant="secondary"
              aria-label={`Change the matters ${name} sees`}
              onClick={() => setChanging(true)}
            >
              Change
            </Button>
          ))}
      </td>
      <td>
        {nameOf(contact.invitedByName)}
        <div className="ps-muted">{formatTime(contact.invitedAt)}</div>
      </td>
      <td>
        {contact.consentRequests.length === 0
          ? "None"
          : contact.consentRequests.map((r, i) => (
              <div key={r.id}>
                Request {i + 1}: {REQUEST_LABELS[r.status] ?? r.status}
                {r.decidedAt !== null && (
                  <span className="ps-muted"> ({formatTime(r.decidedAt)})</span>
                )}
              </div>
            ))}
      </td>
      <td>
        {contact.status !== "active" ? (
          "—"
        ) : confirming ? (
          <Confirmation
            title={`Disable ${name}?`}
            confirmLabel="Disable now"
            busy={action.isPending}
            onConfirm={() =>
              action.mutate(() => portalStaffApi.disable(contact.id))
            }
            onCancel={() => setConfirming(false)}
          >
            <p>
              Their sessions end at once and they can no longer sign in to the
              portal.
            </p>
          </Confirmation>
        ) : (
          <Button
            variant="danger"
            aria-label={`Disable ${name}`}
            onClick={() => setConfirming(true)}
          >
            Disable
          </Button>
        )}
        {action.error !== null && (
          <ErrorMessage error={action.error} title="Not disabled" />
        )}
      </td>
    </tr>
  );
}

const FIELDS = [
  "body.name",
  "body.email",
  "body.matterScope",
  "body.matterIds",
];
const CLIENT_WIDE_MESSAGE =
  "Inviting for all matters needs access to the whole client; choose the matters instead.";

function InviteForm({
  clientId,
  onDone,
  onCancel,
}: {
  clientId: string;
  onDone: (invitation: Invitation) => void;
  onCancel: () => void;
}) {
  const action = usePageAction(portalKeys.contacts(clientId));
  const error = action.error;
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [scope, setScope] = useState<"all" | "listed">("all");
  const [listed, setListed] = useState<PickerOption[]>([]);
  const [tried, setTried] = useState(false);

  const gapsNow = (): Record<string, string> => {
    const gaps: Record<string, string> = {};
    if (!name.trim()) gaps["body.name"] = "Give the contact’s name.";
    if (!email.trim())
      gaps["body.email"] = "Give the e-mail address the invitation goes to.";
    if (scope === "listed" && listed.length === 0)
      gaps["body.matterIds"] = "Choose at least one matter.";
    return gaps;
  };
  const missing = tried ? gapsNow() : {};
  const err = (path: string) => missing[path] ?? fieldError(error, path);
  const clientWide =
    error instanceof ApiError && error.code === "CLIENT_WIDE_ACCESS_REQUIRED";
  const scopeError = clientWide
    ? CLIENT_WIDE_MESSAGE
    : fieldError(error, "body.matterScope");
  const matterIdsError =
    err("body.matterIds") ??
    (error instanceof ApiError
      ? (error.fields.find((f) => f.path.startsWith("body.matterIds."))
          ?.message ?? null)
      : null);
  const onField =
    clientWide ||
    Object.keys(missing).length > 0 ||
    FIELDS.some((p) => fieldError(error, p)) ||
    matterIdsError !== null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (Object.keys(gapsNow()).length > 0) return;
    const body: InvitationInput = {
      name: name.trim(),
      email: email.trim(),
      matterScope: scope,
      ...(scope === "listed" ? { matterIds: listed.map((m) => m.id) } : {}),
    };
    action.mutate(async () =>
      onDone(await portalStaffApi.invite(clientId, body)),
    );
  };

  return (
    <form
      onSubmit={submit}
      aria-label="Invite a contact"
      className="ps-form"
      noValidate
    >
      <h3>Invite a contact</h3>
      <p className="ps-muted">
        They get an e-mail with a link to set up their portal sign-in. Consents
        are recorded on the Consents tab.
      </p>
      <TextField
        label="Name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        required
        maxLength={200}
        autoComplete="off"
        error={err("body.name")}
      />
      <TextField
        label="E-mail"
        type="email"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        required
        maxLength={320}
        autoComplete="off"
        error={err("body.email")}
      />
      <MatterScopeFields
        clientId={clientId}
        scope={scope}
        onScope={setScope}
        listed={listed}
        onListed={setListed}
        scopeError={scopeError}
        matterIdsError={matterIdsError}
      />
      {error !== null && !onField && (
        <ErrorMessage error={error} title="The contact was not invited" />
      )}
      <div className="ps-actions">
        <Button type="submit" busy={action.isPending}>
          Send the invitation
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

/** Which matters a contact sees: all, or the ones chosen with the matter picker (this client's). */
function MatterScopeFields({
  clientId,
  scope,
  onScope,
  listed,
  onListed,
  scopeError,
  matterIdsError,
}: {
  clientId: string;
  scope: "all" | "listed";
  onScope: (scope: "all" | "listed") => void;
  listed: PickerOption[];
  onListed: (listed: PickerOption[]) => void;
  scopeError: string | null;
  matterIdsError: string | null;
}) {
  const id = useId();
  const setScope = onScope;
  const setListed = onListed;
  return (
    <>
      <fieldset
        className={`ps-choice${scopeError ? " field-invalid" : ""}`}
        aria-describedby={scopeError ? `${id}-scope-error` : undefined}
      >
        <legend>Matters they see</legend>
        <label>
          <input
            type="radio"
            name={`${id}-scope`}
            value="all"
            checked={scope === "all"}
            onChange={() => setScope("all")}
          />{" "}
          All matters
        </label>
        <label>
          <input
            type="radio"
            name={`${id}-scope`}
            value="listed"
            checked={scope === "listed"}
            onChange={() => setScope("listed")}
          />{" "}
          Only some matters
        </label>
        {scopeError && (
          <p className="field-error" id={`${id}-scope-error`}>
            {scopeError}
          </p>
        )}
      </fieldset>
      {scope === "listed" && (
        <>
          <MatterPicker
            label="Add a matter"
            value={null}
            clientId={clientId}
            exclude={new Set(listed.map((m) => m.id))}
            onChange={(m) => m && setListed([...listed, m])}
            hint="Type its number or title; repeat for each matter."
            error={matterIdsError}
          />
          {listed.length > 0 && (
            <ul className="ps-chosen" aria-label="Matters they see">
              {listed.map((m) => (
                <li key={m.id}>
                  <span>{m.label}</span>
                  <Button
                    variant="secondary"
                    aria-label={`Remove ${m.label}`}
                    onClick={() =>
                      setListed(listed.filter((x) => x.id !== m.id))
                    }
                  >
                    Remove
                  </Button>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </>
  );
}

/** Changes which matters a contact sees, in the contacts table (effective on their next request). */
function ContactMattersForm({
  contact,
  clientId,
  onDone,
  onCancel,
}: {
  contact: PortalContact;
  clientId: string;
  onDone: () => void;
  onCancel: () => void;
}) {
  const action = usePageAction(portalKeys.contacts(clientId));
  const error = action.error;
  const [scope, setScope] = useState<"all" | "listed">(contact.matterScope);
  const [listed, setListed] = useState<PickerOption[]>(
    contact.matters.map((m) => ({ id: m.id, label: matterName(m) })),
  );
  const clientWide =
    error instanceof ApiError && error.code === "CLIENT_WIDE_ACCESS_REQUIRED";
  const scopeError = clientWide
    ? "All matters needs access to the whole client; choose the matters instead."
    : fieldError(error, "body.matterScope");
  const matterIdsError =
    scope === "listed" && listed.length === 0
      ? "Choose at least one matter."
      : fieldError(error, "body.matterIds");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (scope === "listed" && listed.length === 0) return;
    action.mutate(async () => {
      await portalStaffApi.setMatters(contact.id, {
        matterScope: scope,
        ...(scope === "listed" ? { matterIds: listed.map((m) => m.id) } : {}),
      });
      onDone();
    });
  };
  return (
    <form
      onSubmit={submit}
      aria-label={`Matters ${nameOf(contact.name, "this contact")} sees`}
      className="ps-form"
      noValidate
    >
      <MatterScopeFields
        clientId={clientId}
        scope={scope}
        onScope={setScope}
        listed={listed}
        onListed={setListed}
        scopeError={scopeError}
        matterIdsError={matterIdsError}
      />
      <p className="ps-muted">
        A matter taken away is closed to them on their next request.
      </p>
      <div className="ps-actions">
        <Button type="submit" busy={action.isPending}>
          Save matters
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
      {error !== null &&
        !clientWide &&
        !fieldError(error, "body.matterIds") && (
          <ErrorMessage error={error} title="The matters were not changed" />
        )}
    </form>
  );
}
