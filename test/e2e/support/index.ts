/** What browser specs import: a real server, a real browser, an accessibility check, a session. */
export { startServer, REPO_ROOT, type RunningServer, type StartServerOptions } from './server.js';
export { launchBrowser, CHROMIUM_FLAGS, CHROMIUM_PATH, type LaunchedBrowser, type TrackedPage } from './browser.js';
export { checkAccessibility, runAxe, type AxeViolation } from './accessibility.js';
export { isExpectedAuthError, signInAsFirstAdministrator, totpCode, type SignedInAdministrator } from './session.js';
export { createClientAndMatter, createStaffWithCli, runCli, signInWithClientAndMatter, signInWithMfa, type ClientAndMatterOptions, type SignedInWithMatter, type StaffAccount } from './workspace.js';
export { measureWidth, type PageWidth } from './layout.js';
