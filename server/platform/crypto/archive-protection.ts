/**
 * How an archive Confidant hands out is protected: a passphrase (age's scrypt recipient, the
 * default: `age -d` asks for it) or, for experts, age X25519 public keys (`age -d -i key.txt`).
 * One request body, one check, for client exports and disclosure packages alike.
 */
import { Type } from "typebox";
import { AppError } from "../errors.js";
import { parseAgeRecipient, type AgeProtection } from "./age.js";

/** The smallest archive passphrase (the same floor as the master passphrase); age stretches it with scrypt. */
export const ARCHIVE_PASSPHRASE_MIN_LENGTH = 12;

/** A passphrase (the default in the UI and CLI) or age public keys. */
export type ArchiveProtection =
  { passphrase: string } | { recipients: string[] };

/** Checks the protection before anything is gathered. Throws VALIDATION_FAILED naming the field. */
export function checkedProtection(
  protection: ArchiveProtection,
): AgeProtection {
  if ("passphrase" in protection) {
    const { passphrase } = protection;
    if (passphrase.length < ARCHIVE_PASSPHRASE_MIN_LENGTH)
      throw new AppError(
        "VALIDATION_FAILED",
        `The passphrase must be at least ${ARCHIVE_PASSPHRASE_MIN_LENGTH} characters`,
        [
          {
            path: "body.passphrase",
            message: `must be at least ${ARCHIVE_PASSPHRASE_MIN_LENGTH} characters`,
          },
        ],
      );
    if (passphrase.length > 1024 || passphrase.trim() !== passphrase)
      throw new AppError(
        "VALIDATION_FAILED",
        "The passphrase must be at most 1024 characters, without spaces at either end",
        [
          {
            path: "body.passphrase",
            message:
              "at most 1024 characters, without leading or trailing spaces",
          },
        ],
      );
    return { passphrase };
  }
  const { recipients } = protection;
  if (recipients.length === 0)
    throw new AppError(
      "VALIDATION_FAILED",
      "Give at least one age public key (age1…)",
      [{ path: "body.recipients", message: "at least one" }],
    );
  for (const [index, recipient] of recipients.entries()) {
    try {
      parseAgeRecipient(recipient);
    } catch {
      throw new AppError(
        "VALIDATION_FAILED",
        `Recipient ${index + 1} is not an age public key (age1…)`,
        [
          {
            path: `body.recipients.${index}`,
            message: "must be an age1… X25519 public key",
          },
        ],
      );
    }
  }
  return { recipients };
}

/** The request body choosing the protection (exactly one of the two; `protectionOf` checks that). */
export const ArchiveProtectionBody = Type.Object(
  {
    passphrase: Type.Optional(
      Type.String({
        minLength: ARCHIVE_PASSPHRASE_MIN_LENGTH,
        maxLength: 1024,
        description:
          "Protects the archive with age's scrypt recipient: `age -d` asks for it (the default)",
      }),
    ),
    recipients: Type.Optional(
      Type.Array(
        Type.String({
          minLength: 10,
          maxLength: 200,
          pattern: "^age1[02-9ac-hj-np-z]+$",
        }),
        {
          minItems: 1,
          maxItems: 10,
          description:
            "Instead of a passphrase: age X25519 public keys (`age -d -i key.txt`)",
        },
      ),
    ),
  },
  { additionalProperties: false },
);

/** Exactly one of passphrase and recipients. Throws VALIDATION_FAILED naming the field. */
export function protectionOf(body: {
  passphrase?: string | undefined;
  recipients?: string[] | undefined;
}): ArchiveProtection {
  if (body.passphrase !== undefined && body.recipients !== undefined)
    throw new AppError(
      "VALIDATION_FAILED",
      "Give a passphrase or recipients, not both",
      [
        {
          path: "body.recipients",
          message: "leave out when a passphrase is given",
        },
      ],
    );
  if (body.passphrase !== undefined) return { passphrase: body.passphrase };
  if (body.recipients !== undefined) return { recipients: body.recipients };
  throw new AppError(
    "VALIDATION_FAILED",
    "Choose a passphrase for the archive",
    [
      {
        path: "body.passphrase",
        message: "is required (or give recipients: age public keys)",
      },
    ],
  );
}
