/**
 * Delivery as an age package (issue 15, point 4): an executed age-package disclosure becomes one
 * age-encrypted tar that `age -d` (passphrase) or `age -d -i` (the recipient's key) and `tar` open,
 * holding exactly the released items with their SHA-256 — and, from the attacker's side, no package
 * for a secure-link disclosure, before execution, after revocation, after the consent is withdrawn,
 * without a fresh second factor, or for a walled or non-team user (404); each refusal audited.
 */
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ageChecker } from "../../test-support/age-check.js";
import { DIALECTS } from "../../test-support/dialects.js";
import {
  buildConsent,
  buildDisclosure,
  buildDocument,
  buildSession,
  buildUser,
  buildWall,
  type BuiltConsent,
  type BuiltUser,
} from "../../test-support/factories.js";
import {
  createTestInstance,
  type TestInstance,
} from "../../test-support/test-instance.js";

const work = mkdtempSync(join(tmpdir(), "confidant-package-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const age = ageChecker();
const PASSPHRASE = "a passphrase told by phone 7";

/** Unpacks a decrypted tar as the recipient would; returns the folder. */
function untar(tar: Buffer): string {
  const out = join(work, randomBytes(4).toString("hex"));
  mkdirSync(out);
  writeFileSync(join(out, "package.tar"), tar);
  execFileSync("tar", ["-xf", "package.tar"], { cwd: out });
  return out;
}

const sha256 = (bytes: Buffer) =>
  createHash("sha256").update(bytes).digest("hex");

describe.each(DIALECTS)("disclosure packages on %s", (dialect) => {
  let instance: TestInstance;
  let consent: BuiltConsent;

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    consent = await buildConsent(instance, {
      input: { channels: ["secure_link", "age_package"] },
    });
  });
  afterAll(async () => instance?.close());

  const post = (
    url: string,
    headers: Record<string, string>,
    payload?: unknown,
  ) =>
    instance.app.inject({
      method: "POST",
      url: `/api/v1${url}`,
      headers,
      ...(payload !== undefined ? { payload: payload as string } : {}),
    });
  const lastEvent = async (action: string) =>
    instance.services.database.db
      .selectFrom("audit_event")
      .select(["action", "outcome", "reason", "other_id"])
      .where("action", "=", action)
      .orderBy("seq", "desc")
      .limit(1)
      .executeTakeFirst();

  /** An executed age-package disclosure of one document (random bytes) and one note. */
  async function executedPackage(by: BuiltUser = consent.by) {
    const bytes = randomBytes(70_000);
    const document = await buildDocument(instance, {
      matter: consent.matter,
      name: "Statement of account.pdf",
      content: bytes,
    });
    const note = (
      await post(`/matters/${consent.matter.id}/notes`, by.headers, {
        title: "Call with the bank",
        body: "Agreed figures.",
      })
    ).json();
    const disclosure = await buildDisclosure(instance, {
      consent,
      input: {
        channel: "age_package",
        items: [
          { type: "document", id: document.id },
          { type: "note", id: note.id },
        ],
      },
    });
    const executed = await post(
      `/disclosures/${disclosure.id}/execute`,
      by.headers,
      {},
    );
    expect(executed.statusCode, executed.body).toBe(200);
    expect(executed.json()).toMatchObject({
      status: "executed",
      channel: "age_package",
      link: null,
      share: null,
    });
    return {
      id: disclosure.id,
      bytes,
      documentId: document.id as string,
      released: executed.json().released as { id: string; sha256: string }[],
    };
  }

  it("makes a passphrase-protected package that age and tar open: the released bytes, each with the SHA-256 of the register", async () => {
    const disclosure = await executedPackage();
    const session = await buildSession(instance, consent.by);
    const response = await post(
      `/disclosures/${disclosure.id}/package`,
      session.headers,
      { passphrase: PASSPHRASE },
    );
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers["content-disposition"]).toBe(
      `attachment; filename="disclosure-${disclosure.id}.tar.age"`,
    );
    expect(response.rawPayload.subarray(0, 40).toString("latin1")).toMatch(
      /^age-encryption\.org\/v1\n-> scrypt /,
    );
    await expect(
      age.decryptWithPassphrase(
        response.rawPayload,
        "not the passphrase we gave",
      ),
    ).rejects.toThrow();
    const out = untar(
      await age.decryptWithPassphrase(response.rawPayload, PASSPHRASE),
    );
    const manifest = JSON.parse(
      readFileSync(join(out, "manifest.json"), "utf8"),
    );
    expect(manifest).toMatchObject({
      format: "confidant-disclosure-package/v1",
      disclosureId: disclosure.id,
    });
    expect(manifest.items.map((i: { path: string }) => i.path).sort()).toEqual([
      "documents/Statement of account.pdf",
      "notes/Call with the bank.txt",
    ]);
    const pdf = readFileSync(join(out, "documents/Statement of account.pdf"));
    expect(pdf.equals(disclosure.bytes)).toBe(true);
    // Every file's SHA-256 is the one the register recorded on execution.
    expect(
      manifest.items
        .map((i: { path: string }) => sha256(readFileSync(join(out, i.path))))
        .sort(),
    ).toEqual(disclosure.released.map((r) => r.sha256).sort());
    expect(
      readFileSync(join(out, "notes/Call with the bank.txt"), "utf8"),
    ).toContain("Agreed figures.");
    // Audited, without the passphrase.
    expect(await lastEvent("disclosure.package")).toMatchObject({
      outcome: "allowed",
      reason: "AGE_PASSPHRASE",
      other_id: disclosure.id,
    });
    const logged = JSON.stringify(
      await instance.services.database.db
        .selectFrom("audit_event")
        .selectAll()
        .where("other_id", "=", disclosure.id)
        .execute(),
      (_k, v: unknown) => (v instanceof Uint8Array ? "" : v),
    );
    expect(logged).not.toContain(PASSPHRASE);
    expect(logged).not.toMatch(/Statement of account|Call with the bank/);
  });

  it("makes a package for the recipient's age public key (age -d -i), and refuses a key that is not one, naming the field", async () => {
    const disclosure = await executedPackage();
    const session = await buildSession(instance, consent.by);
    const identity = await age.generateIdentity();
    const response = await post(
      `/disclosures/${disclosure.id}/package`,
      session.headers,
      { recipients: [identity.recipient] },
    );
    expect(response.statusCode, response.body).toBe(200);
    const out = untar(await age.decrypt(response.rawPayload, identity));
    expect(
      readFileSync(join(out, "documents/Statement of account.pdf")).equals(
        disclosure.bytes,
      ),
    ).toBe(true);
    const short = await post(
      `/disclosures/${disclosure.id}/package`,
      session.headers,
      { passphrase: "short" },
    );
    expect(short.statusCode).toBe(400);
    expect(short.json().error.fields[0].path).toBe("body.passphrase");
    const none = await post(
      `/disclosures/${disclosure.id}/package`,
      session.headers,
      {},
    );
    expect(none.statusCode).toBe(400);
    expect(none.json().error.fields[0].path).toBe("body.passphrase");
    const both = await post(
      `/disclosures/${disclosure.id}/package`,
      session.headers,
      { passphrase: PASSPHRASE, recipients: [identity.recipient] },
    );
    expect(both.json().error.fields[0].path).toBe("body.recipients");
  });

  it("refuses without a fresh second factor, and for a disclosure by secure link or not yet executed", async () => {
    const disclosure = await executedPackage();
    // An API token never satisfies step-up.
    const token = await post(
      `/disclosures/${disclosure.id}/package`,
      consent.by.headers,
      { passphrase: PASSPHRASE },
    );
    expect(token.statusCode).toBe(401);
    expect(token.json().error.code).toBe("STEP_UP_REQUIRED");
    const session = await buildSession(instance, consent.by);
    const link = await buildDisclosure(instance, { consent });
    await post(`/disclosures/${link.id}/execute`, consent.by.headers, {});
    const byLink = await post(
      `/disclosures/${link.id}/package`,
      session.headers,
      { passphrase: PASSPHRASE },
    );
    expect(byLink.statusCode).toBe(409);
    const ready = await buildDisclosure(instance, {
      consent,
      input: { channel: "age_package" },
    });
    const notExecuted = await post(
      `/disclosures/${ready.id}/package`,
      session.headers,
      { passphrase: PASSPHRASE },
    );
    expect(notExecuted.statusCode).toBe(409);
    expect(notExecuted.json().error.message).toContain("ready");
  });

  it("stops once the disclosure is revoked or its consent withdrawn (audited)", async () => {
    const session = await buildSession(instance, consent.by);
    const revoked = await executedPackage();
    expect(
      (await post(`/disclosures/${revoked.id}/revoke`, consent.by.headers))
        .statusCode,
    ).toBe(200);
    const afterRevoke = await post(
      `/disclosures/${revoked.id}/package`,
      session.headers,
      { passphrase: PASSPHRASE },
    );
    expect(afterRevoke.statusCode).toBe(409);
    expect(afterRevoke.json().error.message).toContain("revoked");

    const own = await buildConsent(instance, {
      matter: consent.matter,
      input: { channels: ["age_package"] },
    });
    const document = await buildDocument(instance, { matter: consent.matter });
    const disclosure = await buildDisclosure(instance, {
      consent: own,
      input: {
        channel: "age_package",
        items: [{ type: "document", id: document.id }],
      },
    });
    expect(
      (
        await post(
          `/disclosures/${disclosure.id}/execute`,
          consent.by.headers,
          {},
        )
      ).statusCode,
    ).toBe(200);
    expect(
      (
        await post(`/consents/${own.id}/withdraw`, consent.by.headers, {
          reason: "The client changed their mind",
        })
      ).statusCode,
    ).toBe(200);
    const afterWithdrawal = await post(
      `/disclosures/${disclosure.id}/package`,
      session.headers,
      { passphrase: PASSPHRASE },
    );
    expect(afterWithdrawal.statusCode, afterWithdrawal.body).toBe(409);
    expect(afterWithdrawal.json().error.code).toBe("CONSENT_WITHDRAWN");
    expect(await lastEvent("disclosure.package")).toMatchObject({
      outcome: "denied",
      reason: "CONSENT_WITHDRAWN",
      other_id: disclosure.id,
    });
  });

  it("answers 404 to a walled or non-team user, like a disclosure that does not exist, audited", async () => {
    const disclosure = await executedPackage();
    const outsider = await buildUser(instance, { role: "attorney" });
    const screened = await buildUser(instance, { role: "attorney" });
    await instance.app.inject({
      method: "PUT",
      url: `/api/v1/matters/${consent.matter.id}/team/${screened.id}`,
      headers: consent.by.headers,
      payload: { role: "attorney" },
    });
    await buildWall(instance, { matter: consent.matter, members: [screened] });
    for (const user of [outsider, screened]) {
      const session = await buildSession(instance, user);
      const response = await post(
        `/disclosures/${disclosure.id}/package`,
        session.headers,
        { passphrase: PASSPHRASE },
      );
      expect(response.statusCode).toBe(404);
      const missing = await post(
        "/disclosures/01900000-0000-7000-8000-000000000000/package",
        session.headers,
        { passphrase: PASSPHRASE },
      );
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error.code).toBe(response.json().error.code);
    }
    const denied = await instance.services.database.db
      .selectFrom("audit_event")
      .select(["outcome", "actor_id", "action", "reason", "other_id"])
      .where("outcome", "=", "denied")
      .where("actor_id", "in", [outsider.id, screened.id])
      .execute();
    expect(denied).toContainEqual(
      expect.objectContaining({
        actor_id: outsider.id,
        action: "disclosure.request",
        reason: "NOT_ON_TEAM",
        other_id: disclosure.id,
      }),
    );
    expect(denied).toContainEqual(
      expect.objectContaining({
        actor_id: screened.id,
        action: "disclosure.request",
        reason: "WALL",
      }),
    );
    expect(
      (
        await post(
          `/disclosures/${disclosure.id}/package`,
          {},
          { passphrase: PASSPHRASE },
        )
      ).statusCode,
    ).toBe(401);
  });
});
