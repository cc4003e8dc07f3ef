/**
 * The age package: for a recipient who cannot use a link, an executed disclosure on the
 * `age_package` channel is handed to them as one age-encrypted tar archive (age-encryption.org/v1),
 * protected by a passphrase (`age -d` asks for it; give it by another channel) or the recipient's
 * age public key. It holds exactly what was released: each document at the version pinned on
 * execution, each note as snapshotted then, checked against the SHA-256 in the register while it
 * streams (a mismatch aborts the archive, which age then refuses), and a `manifest.json` listing
 * them with their SHA-256 so the recipient can check them too.
 *
 * A package can be made again while the disclosure stands (a lost file, a second copy for the same
 * recipient): it releases nothing new. Revoking the disclosure or withdrawing its consent stops it.
 * Each package is audited (`disclosure.package`), and the vault audits each document it decrypts.
 */
import { createHash } from "node:crypto";
import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { DocumentId } from "../../../common/ids.js";
import { recordEvent } from "../../audit/index.js";
import {
  safeSegment,
  tarStream,
  uniqueNamer,
  type TarFile,
} from "../../platform/archive/tar.js";
import { createAgeEncryptStreamFor } from "../../platform/crypto/age.js";
import {
  checkedProtection,
  type ArchiveProtection,
} from "../../platform/crypto/archive-protection.js";
import type { RequestContext } from "../../platform/context.js";
import { AppError } from "../../platform/errors.js";
import { openDocumentContent } from "../vault/index.js";
import { RELEASED_TABLE } from "./consent.presenter.js";
import { findReleasedItemRows } from "./consent.repository.js";
import { sealerForRead } from "./consent.sealing.js";
import {
  authorizeDisclosure,
  requireBasisStillLive,
} from "./disclosures.service.js";

export interface DisclosurePackage {
  /** A file name for the download (the disclosure's id; no client content). */
  fileName: string;
  items: number;
  writeTo(output: Writable): Promise<void>;
}

/** Passes the bytes through, and fails at the end when their SHA-256 is not the one recorded. */
async function* checkedAgainst(
  sha256: string,
  stream: AsyncIterable<Buffer>,
): AsyncGenerator<Buffer> {
  const hash = createHash("sha256");
  for await (const chunk of stream) {
    hash.update(chunk);
    yield chunk;
  }
  if (hash.digest("hex") !== sha256)
    throw new AppError(
      "INTEGRITY_ERROR",
      "A released document no longer matches the SHA-256 recorded when it was disclosed",
    );
}

/**
 * Checks everything before the first byte — access (disclosure.request on the matter, with a
 * recent second factor, like a client export), the channel, the state, the basis, the protection —
 * and audits the package; `writeTo` then streams it. Throws ACCESS_DENIED, STEP_UP_REQUIRED,
 * CONFLICT (not an executed age-package disclosure), CONSENT_WITHDRAWN, CONSENT_EXPIRED,
 * VALIDATION_FAILED (passphrase, recipients), KEY_DESTROYED, SEALED, AUDIT_UNAVAILABLE; while
 * streaming, INTEGRITY_ERROR.
 */
export async function prepareDisclosurePackage(
  ctx: RequestContext,
  disclosureId: string,
  protection: ArchiveProtection,
): Promise<DisclosurePackage> {
  const { auth, row } = await authorizeDisclosure(
    ctx,
    "disclosure.request",
    disclosureId,
    { stepUp: true },
  );
  if (row.channel !== "age_package")
    throw new AppError(
      "CONFLICT",
      "This disclosure is delivered by secure link, not as an age package",
    );
  if (row.status !== "executed")
    throw new AppError(
      "CONFLICT",
      `This disclosure is ${row.status.replace("_", " ")}; only an executed disclosure is packaged`,
    );
  await requireBasisStillLive(ctx, auth, row, "disclosure.package");
  const age = checkedProtection(protection);
  const released = await findReleasedItemRows(ctx, [row.id]);
  const unique = uniqueNamer();
  const items = [];
  for (const item of released) {
    const sealer = await sealerForRead(ctx, auth, Number(item.key_version));
    const name = sealer.open(RELEASED_TABLE, item.id, "name", item.name_sealed);
    const folder = item.item_type === "note" ? "notes" : "documents";
    const text =
      item.item_type === "note"
        ? Buffer.from(
            sealer.open(
              RELEASED_TABLE,
              item.id,
              "content",
              item.content_sealed ?? "",
            ),
            "utf8",
          )
        : null;
    items.push({
      item,
      name,
      text,
      path: `${folder}/${unique(folder, safeSegment(name))}`,
    });
  }
  const now = ctx.app.clock.now();
  const manifest = Buffer.from(
    JSON.stringify(
      {
        format: "confidant-disclosure-package/v1",
        disclosureId: row.id,
        from: new URL(ctx.app.config.publicUrl).host,
        disclosedAt: new Date(Number(row.executed_at)).toISOString(),
        packagedAt: new Date(now).toISOString(),
        items: items.map(({ item, name, path }) => ({
          type: item.item_type,
          name,
          path,
          size: Number(item.size),
          contentType: item.content_type,
          sha256: item.sha256,
        })),
      },
      null,
      2,
    ),
    "utf8",
  );
  const files: TarFile[] = [
    {
      path: "manifest.json",
      size: manifest.length,
      mtime: now,
      bytes: () => [manifest],
    },
    ...items.map(({ item, text, path }) => ({
      path,
      size: Number(item.size),
      mtime: Number(row.executed_at),
      bytes: async () => {
        if (text !== null) {
          if (createHash("sha256").update(text).digest("hex") !== item.sha256)
            throw new AppError("INTEGRITY_ERROR");
          return [text];
        }
        // The version pinned on execution, decrypted by the vault (which audits the read).
        const content = await openDocumentContent(
          ctx,
          item.item_id as DocumentId,
          { version: Number(item.version) },
        );
        return checkedAgainst(
          item.sha256,
          content.stream as AsyncIterable<Buffer>,
        );
      },
    })),
  ];
  // Stretching a passphrase takes a second: done now, so a failure can still be answered with a status.
  const encrypt = await createAgeEncryptStreamFor(age);
  await recordEvent(ctx, {
    action: "disclosure.package",
    outcome: "allowed",
    reason: "passphrase" in protection ? "AGE_PASSPHRASE" : "AGE_RECIPIENT",
    resources: {
      clientId: row.client_id,
      matterId: row.matter_id,
      other: { type: "disclosure", id: row.id },
    },
  });
  return {
    fileName: `disclosure-${row.id}.tar.age`,
    items: items.length,
    writeTo: (output) =>
      pipeline(
        Readable.from(tarStream(files), { objectMode: false }),
        encrypt,
        output,
      ),
  };
}
