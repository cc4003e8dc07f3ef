import { useState, type FormEvent, type ReactNode } from "react";
import { ApiError } from "../api/client";
import { Button, TextField } from "./form";
import { fieldError } from "./form-errors";

/** How an archive handed out is protected: a passphrase (age's scrypt recipient) or age public keys. */
export type ArchiveProtection =
  { passphrase: string } | { recipients: string[] };

const MIN_PASSPHRASE = 12;

export interface ArchiveProtectionFormProps {
  /** The form's accessible name, e.g. "Export this client". */
  label: string;
  submitLabel: string;
  busy: boolean;
  /** The server's refusal: field errors (`body.passphrase`, `body.recipients…`) show next to their field. */
  error: unknown;
  onSubmit(protection: ArchiveProtection): void;
  children?: ReactNode;
}

/** Whether `error` names one of this form's fields (then it is shown there, not again below). */
export function isProtectionFieldError(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    error.fields.some(
      (f) =>
        f.path.startsWith("body.passphrase") ||
        f.path.startsWith("body.recipients"),
    )
  );
}

/**
 * The choice every encrypted archive asks for (client exports, disclosure packages): a passphrase
 * by default — typed twice, at least 12 characters, told to the recipient by another channel — or,
 * the expert option, an age public key. Checked here first; the server checks again.
 */
export function ArchiveProtectionForm({
  label,
  submitLabel,
  busy,
  error,
  onSubmit,
  children,
}: ArchiveProtectionFormProps) {
  const [mode, setMode] = useState<"passphrase" | "recipient">("passphrase");
  const [passphrase, setPassphrase] = useState("");
  const [confirmation, setConfirmation] = useState("");
  const [recipient, setRecipient] = useState("");
  const [localError, setLocalError] = useState<{
    field: "passphrase" | "confirmation" | "recipient";
    message: string;
  } | null>(null);

  // A field's own complaint goes once its value changes (it is checked again on submit).
  const clear = (field: 'passphrase' | 'confirmation' | 'recipient') => setLocalError((current) => (current?.field === field ? null : current));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setLocalError(null);
    if (mode === "passphrase") {
      if (passphrase.length < MIN_PASSPHRASE)
        return setLocalError({
          field: "passphrase",
          message: `Use at least ${MIN_PASSPHRASE} characters.`,
        });
      if (passphrase !== confirmation)
        return setLocalError({
          field: "confirmation",
          message: "The two passphrases differ.",
        });
      onSubmit({ passphrase });
      setPassphrase("");
      setConfirmation("");
      return;
    }
    if (!/^age1[02-9ac-hj-np-z]{20,}$/.test(recipient.trim()))
      return setLocalError({
        field: "recipient",
        message: "An age public key starts with age1 (from age-keygen).",
      });
    onSubmit({ recipients: [recipient.trim()] });
  };

  const errorFor = (field: "passphrase" | "confirmation" | "recipient") =>
    localError?.field === field
      ? localError.message
      : field === "passphrase"
        ? fieldError(error, "body.passphrase")
        : field === "recipient"
          ? (fieldError(error, "body.recipients") ??
            fieldError(error, "body.recipients.0"))
          : null;

  return (
    <form onSubmit={submit} aria-label={label} noValidate>
      {children}
      <fieldset className="vault-choice">
        <legend>Protect the archive with</legend>
        <label>
          <input
            type="radio"
            name={`${label}-mode`}
            checked={mode === "passphrase"}
            onChange={() => setMode("passphrase")}
          />{" "}
          a passphrase (recommended)
        </label>
        <label>
          <input
            type="radio"
            name={`${label}-mode`}
            checked={mode === "recipient"}
            onChange={() => setMode("recipient")}
          />{" "}
          an age public key (expert)
        </label>
      </fieldset>
      {mode === "passphrase" ? (
        <>
          <TextField
            label="Passphrase"
            type="password"
            autoComplete="new-password"
            required
            value={passphrase}
            onChange={(e) => (setPassphrase(e.target.value), clear('passphrase'))}
            hint={`At least ${MIN_PASSPHRASE} characters. Give it to the recipient by another channel (phone, in person) — never with the file.`}
            error={errorFor("passphrase")}
          />
          <TextField
            label="Repeat the passphrase"
            type="password"
            autoComplete="new-password"
            required
            value={confirmation}
            onChange={(e) => (setConfirmation(e.target.value), clear('confirmation'))}
            error={errorFor("confirmation")}
          />
          <p className="field-hint">
            To open it: <code>age -d file.tar.age | tar x</code> (age asks for
            the passphrase).
          </p>
        </>
      ) : (
        <>
          <TextField
            label="Recipient (age public key)"
            placeholder="age1…"
            value={recipient}
            onChange={(e) => (setRecipient(e.target.value), clear('recipient'))}
            error={errorFor("recipient")}
          />
          <p className="field-hint">
            To open it: <code>age -d -i key.txt file.tar.age | tar x</code>.
          </p>
        </>
      )}
      <Button type="submit" busy={busy}>
        {submitLabel}
      </Button>
    </form>
  );
}
