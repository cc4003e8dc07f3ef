/// <reference lib="dom" />
/**
 * The Posture page in a real browser against the real built server: the firm administrator opens
 * Posture from the navigation and sees the score, the findings to fix (each with its fix and a
 * link to the page that fixes it), the trend chart and the chart by role drawn on canvases with
 * tables for screen readers; following a fix's link opens that page; the compliance officer sees
 * it too; an attorney has no entry and gets the not-found page at its address. No UUID or person's
 * name on the page; it fits 390 px and passes axe. Screenshots at 1280 and 390 px when
 * E2E_SCREENSHOT_DIR is set.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkAccessibility,
  createStaffWithCli,
  isExpectedAuthError,
  launchBrowser,
  measureWidth,
  signInAsFirstAdministrator,
  signInWithMfa,
  startServer,
  type LaunchedBrowser,
  type RunningServer,
  type TrackedPage,
} from "./support/index.js";

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const SCREENSHOTS = process.env.E2E_SCREENSHOT_DIR;

const mainText = async (page: Page) =>
  (await page.locator("main").innerText()).trim();

/** Both widths: nothing wider than the screen, axe passes; screenshots when asked. */
async function checkWidths(page: Page, name: string): Promise<void> {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
    // Chart.js redraws on resize: let it settle before measuring.
    await page.waitForTimeout(300);
    if (SCREENSHOTS)
      await page.screenshot({
        path: join(SCREENSHOTS, `posture-${name}-${width}.png`),
        fullPage: true,
      });
    expect((await measureWidth(page)).overflowing).toEqual([]);
    await checkAccessibility(page);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

describe("the Posture page in the browser", () => {
  let server: RunningServer;
  let browser: LaunchedBrowser;
  let tab: TrackedPage;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser({ baseURL: server.url });
    tab = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("the firm administrator opens Posture from the navigation: score, findings with fixes, two charts", async () => {
    const { page } = tab;
    await signInAsFirstAdministrator(page, server);
    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Posture" })
      .click();
    await page.getByRole("heading", { name: "Posture", level: 1 }).waitFor();
    const score = page.getByRole("group", { name: /^Score \d+ out of 100/ });
    await score.waitFor();
    const number = Number(await page.locator(".pst-score-number").innerText());
    expect(number).toBeGreaterThan(0);
    expect(number).toBeLessThan(100);

    // A fresh instance: no backup yet, the master key in the data folder.
    await page.getByRole("heading", { name: "To fix", level: 2 }).waitFor();
    const backup = page
      .locator(".pst-finding")
      .filter({
        has: page.getByRole("heading", {
          name: /A successful backup in the last 2 days/,
        }),
      });
    expect(await backup.innerText()).toContain(
      "No successful backup is recorded.",
    );
    expect(await backup.innerText()).toContain("Fix:");
    await backup.getByRole("link", { name: "Open Backups" }).waitFor();
    expect(
      await page
        .locator(".pst-finding")
        .filter({ hasText: "The master key is not stored beside the database" })
        .innerText(),
    ).toContain("MASTER_KEY_FILE");
    // Failing first by severity: the first is critical.
    expect(
      await page
        .locator(".pst-findings")
        .first()
        .locator(".pst-badge")
        .first()
        .innerText(),
    ).toMatch(/critical/i);

    // Charts: two canvases drawn by Chart.js, each with a table for screen readers.
    await page
      .getByRole("img", { name: /^Score over the last 90 days/ })
      .waitFor();
    await page.getByRole("img", { name: /^People by role/ }).waitFor();
    expect(await page.locator("canvas").count()).toBe(2);
    const drawn = await page
      .locator("canvas")
      .evaluateAll((canvases) =>
        canvases.map(
          (c) =>
            (c as HTMLCanvasElement).width > 0 &&
            (c as HTMLCanvasElement).height > 0,
        ),
      );
    expect(drawn).toEqual([true, true]);
    expect(
      await page
        .locator("table caption", { hasText: "Posture score by day" })
        .count(),
    ).toBe(1);
    expect(
      await page
        .locator("table caption", { hasText: "Accounts by role" })
        .count(),
    ).toBe(1);

    const text = await mainText(page);
    expect(text).not.toMatch(UUID);
    expect(text).not.toContain("Ada Admin");
    // The 401 of the signed-out start page before signing in is expected.
    expect(tab.errors().filter((e) => !isExpectedAuthError(e))).toEqual([]);
    await checkWidths(page, "admin");

    // The passing checks are folded away, and open.
    await page.getByText(/^Passing checks \(\d+\)$/).click();
    await page.locator(".pst-passing .pst-finding").first().waitFor();
  });

  it("a fix’s link opens the page that fixes it", async () => {
    const { page } = tab;
    await page
      .locator(".pst-finding")
      .filter({ hasText: "A successful backup in the last 2 days" })
      .getByRole("link", { name: "Open Backups" })
      .click();
    await page.waitForURL(/\/backups$/);
    await page.getByRole("heading", { name: "Backups", level: 1 }).waitFor();
    await page.goBack();
    await page.getByRole("heading", { name: "Posture", level: 1 }).waitFor();
  });

  it("the compliance officer sees it too", async () => {
    const { page } = tab;
    const officer = createStaffWithCli(server, {
      email: "olivia@firm.example",
      name: "Olivia Officer",
      role: "compliance_officer",
      password: "officer passphrase that is long 42",
    });
    await page.goto("/");
    await signInWithMfa(page, officer);
    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Posture" })
      .click();
    await page.getByRole("group", { name: /^Score \d+ out of 100/ }).waitFor();
    expect(await mainText(page)).not.toContain("Olivia Officer");
    await checkWidths(page, "officer");
  });

  it("an attorney has no Posture entry and gets the not-found page at its address", async () => {
    const { page } = tab;
    const attorney = createStaffWithCli(server, {
      email: "alice@firm.example",
      name: "Alice Attorney",
      role: "attorney",
      password: "attorney passphrase that is long 71",
    });
    await page.goto("/");
    await signInWithMfa(page, attorney);
    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "Home" }).waitFor();
    expect(await nav.getByRole("link", { name: "Posture" }).count()).toBe(0);
    await page.goto("/posture");
    await page.getByRole("heading", { name: "Page not found" }).waitFor();
    expect(await mainText(page)).not.toContain("out of 100");
  });
});
