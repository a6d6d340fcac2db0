// `npm run screenshots`: Chromium screenshots of the HTML report and the comparison for the docs
// (docs/images/), taken from the demo data: `otaudit demo` audits the bundled simulated devices on
// loopback, `otaudit report` and `otaudit compare` render its result. Debian's /usr/bin/chromium,
// headless, no sandbox, background networking off, an offline browser context; nothing is
// downloaded. Run it on purpose after a report change, then look at the pictures before committing.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium, type Page } from "playwright-core";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "src", "bin", "otaudit.js");
const OUT = join(ROOT, "docs", "images");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

function otaudit(args: string[], cwd: string): void {
  execFileSync(process.execPath, [BIN, "-q", ...args], { cwd, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, NO_COLOR: "1" } });
}

async function shoot(
  page: Page,
  file: string,
  name: string,
  prepare?: (page: Page) => Promise<{ x: number; y: number; width: number; height: number } | undefined>,
): Promise<void> {
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  const box = await prepare?.(page);
  // boundingBox() is relative to the viewport; a full-page clip wants page coordinates
  const scrollY = box ? ((await page.evaluate("window.scrollY")) as number) : 0;
  const clip = box ? { ...box, y: box.y + scrollY } : undefined;
  const path = join(OUT, name);
  await page.screenshot({ path, ...(clip ? { clip, fullPage: true } : {}) });
  process.stdout.write(`wrote ${path}\n`);
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "otaudit-screenshots-"));
  try {
    process.stdout.write("running the demo (simulated devices on loopback)...\n");
    otaudit(["demo", "--out", "demo"], work);
    const result = join(work, "demo", "result.json");
    otaudit(["report", result, "--format", "html", "--out", "report"], work);
    otaudit(["compare", result, "--format", "html", "--out", "compare"], work);
    mkdirSync(OUT, { recursive: true });
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    try {
      const context = await browser.newContext({ offline: true, viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1 });
      const page = await context.newPage();
      const report = join(work, "report", "report.html");
      // 1. the top: executive summary and the 12-element scorecard
      await shoot(page, report, "report-summary.png");
      // 2. a device: element grid, then findings status first, evidence as key/value tables
      await shoot(page, report, "report-findings.png", async (p) => {
        const box = await p.locator("section.device").first().boundingBox();
        return box ? { x: 0, y: box.y - 8, width: 1200, height: 1100 } : undefined;
      });
      // 3. the passed checks, unfolded: each reads as what was verified
      await shoot(page, report, "report-passed.png", async (p) => {
        const passed = p.locator("section.device").nth(1).locator("details.group", { hasText: "Passed" });
        await passed.locator("summary").click();
        const box = await passed.boundingBox();
        return box ? { x: 0, y: box.y - 8, width: 1200, height: Math.min(box.height + 16, 900) } : undefined;
      });
      // 4. the comparison matrix
      await shoot(page, join(work, "compare", "compare.html"), "compare.png", async (p) => {
        const box = await p.locator("h2", { hasText: "Matrix" }).boundingBox();
        return box ? { x: 0, y: box.y - 8, width: 1200, height: 900 } : undefined;
      });
      await context.close();
    } finally {
      await browser.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
