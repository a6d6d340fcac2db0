// The HTML report and comparison opened in Debian's headless Chromium (no downloaded browser):
// all 12 element names render, no console errors, and the page requests nothing but itself.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { chromium, type Browser } from "playwright-core";
import { ELEMENTS } from "../../src/catalog/elements.js";
import { DEFAULT_POLICY } from "../../src/evidence/policy.js";
import { renderHtml } from "../../src/report/html.js";
import { buildCompare, renderCompareHtml } from "../../src/report/compare.js";
import { describeWithDaemon, findBinary } from "../helpers/daemons.js";
import { syntheticResult } from "./helpers.js";

const CHROMIUM = findBinary("/usr/bin/chromium", "/usr/bin/chromium-browser");

describeWithDaemon("HTML reports in headless Chromium", !!CHROMIUM, "Debian chromium not installed (apt-get install chromium)", () => {
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), "otaudit-html-"));

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // playwright gives the browser a fresh temporary profile of its own (no --user-data-dir)
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(file: string): Promise<{ text: string; unfolded: string; consoleErrors: string[]; requests: string[]; printable: boolean }> {
    const context = await browser.newContext({ offline: true });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
    page.on("pageerror", (e) => consoleErrors.push(e.message));
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
    const text = await page.locator("body").innerText();
    // a reader unfolds the folded groups (passed, skipped, not applicable) by clicking them
    for (const summary of await page.locator("details > summary").all()) await summary.click();
    const unfolded = await page.locator("body").innerText();
    await page.emulateMedia({ media: "print" });
    const pdf = await page.pdf({ format: "A4" });
    await context.close();
    return { text, unfolded, consoleErrors, requests, printable: pdf.length > 1000 };
  }

  it("report.html: 12 element names, no console errors, no network requests, prints", async () => {
    const file = join(dir, "report.html");
    writeFileSync(file, renderHtml(syntheticResult()));
    const r = await open(file);
    for (const el of ELEMENTS) expect(r.text).toContain(el.name);
    expect(r.text).toContain("Executive summary");
    // status first; passed checks folded until the reader opens them, then shown as text, not run
    expect(r.text).toMatch(/FAIL\s+No weak SSH key exchange algorithms/);
    expect(r.text).toMatch(/Passed \(\d+\)/);
    expect(r.text).not.toContain("<script>alert('x')</script>");
    expect(r.unfolded).toContain("<script>alert('x')</script>");
    // a passed check reads as what was verified, the rule title as the check's name
    expect(r.unfolded).toMatch(/PASS\s+None of 40 variables is writable anonymously[\s\S]{0,80}check: OPC UA variables writable by anonymous users/);
    expect(r.consoleErrors).toEqual([]);
    expect(r.requests).toEqual([pathToFileURL(file).href]);
    expect(r.printable).toBe(true);
  });

  it("compare.html: 12 element names, no console errors, no network requests", async () => {
    const file = join(dir, "compare.html");
    writeFileSync(file, renderCompareHtml(buildCompare([{ source: "synthetic.json", doc: syntheticResult() }], DEFAULT_POLICY)));
    const r = await open(file);
    for (const el of ELEMENTS) expect(r.text).toContain(el.name);
    expect(r.consoleErrors).toEqual([]);
    expect(r.requests).toEqual([pathToFileURL(file).href]);
  });

  it("control: the detectors see a page that tries to load from the network", async () => {
    const file = join(dir, "control.html");
    writeFileSync(file, renderHtml(syntheticResult()).replace("</body>", '<img src="http://127.0.0.1:9/x.png"></body>'));
    const r = await open(file);
    expect(r.consoleErrors.length + r.requests.length).toBeGreaterThan(1);
  });
});
