import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { PASSWORD } from "./api";
import { REPO_ROOT } from "./stack";

/** Debian's Chromium (`apt-get install chromium`). */
const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((candidate) => existsSync(candidate)) ?? "/usr/bin/chromium";

export async function launchBrowser(): Promise<Browser> {
  // chromium.launch gives every run a fresh, temporary user-data directory.
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** One person's browser: their own cookies, storage and language. */
export async function newPerson(browser: Browser, appUrl: string, options: { locale?: string; tablet?: boolean } = {}) {
  const context: BrowserContext = await browser.newContext({
    baseURL: appUrl,
    locale: options.locale ?? "en-GB",
    timezoneId: "Europe/Brussels",
    viewport: options.tablet ? { width: 1280, height: 800 } : { width: 1200, height: 900 },
  });
  context.setDefaultTimeout(20_000);
  const page: Page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("dialog", (dialog) => void dialog.accept());
  return { context, page, errors };
}

const AXE_SOURCE = readFileSync(path.join(path.dirname(require.resolve("axe-core")), "axe.min.js"), "utf8");

export type AxeViolation = { id: string; impact: string | null; help: string; nodes: Array<{ target: string[]; failureSummary?: string }> };

/** Runs axe-core (its axe.min.js) in the page (all rules but the experimental ones) and returns the violations. */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  const hasAxe = await page.evaluate(() => "axe" in window);
  // Evaluated through the DevTools protocol rather than a <script> tag: the server's CSP forbids
  // inline scripts, and the tests keep that CSP on.
  if (!hasAxe) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
}

export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(" ")}: ${n.failureSummary ?? ""}`).join("\n")}`)
    .join("\n");
}

/** True when the page needs horizontal scrolling (WCAG 1.4.10 reflow, e.g. at 200% zoom). */
export function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);
}

/**
 * Where the browser tests save their screenshots: `.cache/screenshots` (look at them after a run), or
 * the README's `docs/screenshots` when KRING_UPDATE_SCREENSHOTS=1, so that a test run does not
 * rewrite committed pictures by accident.
 */
export const SCREENSHOTS =
  process.env.KRING_UPDATE_SCREENSHOTS === "1" ? path.join(REPO_ROOT, "docs", "screenshots") : path.join(REPO_ROOT, ".cache", "screenshots");

/** Fails with axe-core's findings when the screen has any accessibility violation. */
export async function expectNoAxeViolations(page: Page, screen: string): Promise<void> {
  const violations = await runAxe(page);
  if (violations.length > 0) throw new Error(`axe-core found violations on ${screen}:\n${describeViolations(violations)}`);
}

/** Signs in through the sign-in screen and waits for the circles list. */
export async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("heading", { name: "Your circles" }).waitFor();
}

/**
 * Resolves once the page has dispatched its scroll events: they fire at the next rendering step,
 * not when scrollTop is set. A test that scrolls and at once makes a message arrive (through its own
 * socket, a few milliseconds) would otherwise race the page's scroll listener.
 */
export function afterScrollEvents(page: Page): Promise<void> {
  return page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}
