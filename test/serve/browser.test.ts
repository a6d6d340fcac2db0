// The dashboard in Debian's headless Chromium (playwright-core, no downloaded browser), over a
// generated store on loopback: the overview loads with no console error and no request off the
// machine, the heatmap has one row per device on the page, a filter narrows the list, a device page
// shows a finding's evidence, the drift view shows both sweeps, hostile device strings stay text.
import { afterAll, beforeAll, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { describeWithDaemon, findBinary } from "../helpers/daemons.js";
import type { RunningServer } from "../../src/serve/server.js";
import { HOSTILE_HOST } from "../../scripts/serve-bench/fleet-store.js";
import { makeStore, serveStore, type TestStore } from "./helpers.js";

const CHROMIUM = findBinary("/usr/bin/chromium", "/usr/bin/chromium-browser");

describeWithDaemon("otaudit serve in headless Chromium", !!CHROMIUM, "Debian chromium not installed (apt-get install chromium)", () => {
  let browser: Browser;
  let store: TestStore;
  let server: RunningServer;
  const origin = () => server.url.replace(/\/$/, "");

  beforeAll(async () => {
    store = makeStore(36, 2);
    server = await serveStore(store.file);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // playwright gives the browser a fresh temporary profile of its own (it refuses --user-data-dir)
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    store?.cleanup();
  });

  interface Opened {
    page: Page;
    context: BrowserContext;
    consoleErrors: string[];
    requests: string[];
  }

  async function open(path: string): Promise<Opened> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
    page.on("pageerror", (e) => consoleErrors.push(e.message));
    // every request is recorded; one that would leave this server is refused before it goes out
    await context.route("**/*", (route) => {
      requests.push(route.request().url());
      return route
        .request()
        .url()
        .startsWith(origin() + "/")
        ? route.continue()
        : route.abort();
    });
    await page.goto(origin() + path, { waitUntil: "load" });
    return { page, context, consoleErrors, requests };
  }

  it("overview: loads with no console error, asks nothing off this server, one heatmap row per device on the page", async () => {
    const o = await open("/");
    await o.page.locator("table.heatmap tbody tr").first().waitFor();
    await o.page.locator("#verdict-chart canvas").first().waitFor();
    const text = await o.page.locator("main").innerText();
    expect(text).toContain("Fleet overview");
    expect(text).toContain("Compensating-control gaps per zone");
    const pager = await o.page.locator("nav.pager").first().innerText();
    const m = /page 1 of (\d+) · (\d+) of (\d+) devices/.exec(pager);
    expect(m).not.toBeNull();
    const rows = await o.page.locator("table.heatmap tbody tr").count();
    expect(rows).toBe(Math.min(50, Number(m![2])));
    // 12 element cells per row
    expect(await o.page.locator("table.heatmap tbody tr").first().locator("td.hm").count()).toBe(12);
    // the chart library drew on its canvas
    expect(await o.page.locator("#verdict-chart canvas").count()).toBeGreaterThan(0);
    expect(o.consoleErrors).toEqual([]);
    expect(o.requests.length).toBeGreaterThan(3);
    expect(o.requests.filter((u) => !u.startsWith(origin() + "/"))).toEqual([]);
    await o.context.close();
  });

  it("a filter narrows the list and the URL holds it (shareable)", async () => {
    const o = await open("/");
    await o.page.locator("table.heatmap tbody tr").first().waitFor();
    const before = await o.page.locator("nav.pager").first().innerText();
    const total = Number(/· (\d+) of/.exec(before)![1]);
    await o.page.locator('form.filters select[name="zone"]').selectOption("dmz");
    await o.page.waitForURL(/zone=dmz/);
    await o.page
      .locator("nav.pager", { hasText: /· \d+ of/ })
      .first()
      .waitFor();
    await expect.poll(async () => Number(/· (\d+) of/.exec(await o.page.locator("nav.pager").first().innerText())![1])).toBeLessThan(total);
    const zones = await o.page.locator("table.heatmap tbody tr td:nth-of-type(1)").allInnerTexts();
    expect(zones.length).toBeGreaterThan(0);
    expect(new Set(zones)).toEqual(new Set(["dmz"]));
    // CSV export of this view: every row in the filtered zone, formulas neutralised by the server
    const [download] = await Promise.all([o.page.waitForEvent("download"), o.page.locator("button.csv").click()]);
    const csv = readFileSync((await download.path())!, "utf8")
      .trim()
      .split("\r\n");
    expect(csv[0]).toMatch(/^host,name,zone,/);
    expect(csv.length - 1).toBe(Number(/· (\d+) of/.exec(await o.page.locator("nav.pager").first().innerText())![1]));
    expect(csv.slice(1).every((l) => l.split(",")[2] === "dmz")).toBe(true);
    // the same URL opened afresh shows the same view
    const shared = await open(new URL(o.page.url()).pathname + new URL(o.page.url()).search);
    await shared.page.locator("table.heatmap tbody tr").first().waitFor();
    expect(await shared.page.locator("table.heatmap tbody tr").count()).toBe(zones.length);
    expect(o.consoleErrors).toEqual([]);
    await o.context.close();
    await shared.context.close();
  });

  it("a device page shows a finding's evidence as a key/value table", async () => {
    const o = await open(`/device?host=${store.info.hosts[0]}`);
    const failing = o.page.locator("article.finding.fail").first();
    await failing.waitFor();
    expect(await failing.locator("table.kv tr").count()).toBeGreaterThan(0);
    const text = await o.page.locator("main").innerText();
    expect(text).toContain("Identity");
    expect(text).toContain("Remediation:");
    expect(text).toMatch(/CR \d+\.\d+/);
    expect(o.consoleErrors).toEqual([]);
    await o.context.close();
  });

  it("the drift view shows both sweeps and what changed between them", async () => {
    const o = await open("/drift");
    await o.page.locator("table.sweeps tbody tr").first().waitFor();
    expect(await o.page.locator("table.sweeps tbody tr").count()).toBe(2);
    const text = await o.page.locator("main").innerText();
    expect(text).toContain("sweep-01");
    expect(text).toContain("sweep-02");
    expect(text).toMatch(/What changed from sweep-01 to sweep-02/);
    expect(await o.page.locator("table.changed tbody tr").count()).toBeGreaterThan(0);
    await o.page.locator("#timeline-chart canvas").first().waitFor();
    expect(o.consoleErrors).toEqual([]);
    await o.context.close();
  });

  it("hostile device strings are shown as escaped text, never as markup", async () => {
    const o = await open(`/device?host=${HOSTILE_HOST}`);
    await o.page.locator("h1").waitFor();
    const h1 = await o.page.locator("h1").innerText();
    expect(h1).toContain("\\x1b[2J\\x07Corp\\u202e<img src=x onerror=alert(1)>");
    expect(h1).not.toMatch(/[\u001b\u0007\u202e]/);
    expect(await o.page.locator("main img").count()).toBe(0);
    expect(o.consoleErrors).toEqual([]);
    await o.context.close();
  });

  it("control: Trusted Types refuses an HTML string, and a request off this server is refused and seen", async () => {
    const o = await open("/");
    await o.page.locator("table.heatmap tbody tr").first().waitFor();
    // (a string: the page's own DOM, not this file's types)
    const sink = await o.page.evaluate(`(() => { try { document.body.innerHTML = "<b>x</b>"; return "assigned"; } catch (e) { return e.name; } })()`);
    expect(sink).toBe("TypeError");
    await o.page.evaluate(() => fetch("http://192.0.2.1/x").catch(() => undefined));
    await expect.poll(() => o.consoleErrors.length).toBeGreaterThan(0);
    await o.context.close();
  });
});
