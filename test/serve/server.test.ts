// otaudit serve, server side (no browser): read-only (405 on anything but GET/HEAD; the store file
// unchanged), the security headers on every answer, the bearer token, loopback Host names only, no
// path traversal, hostile device strings escaped, CSV formulas neutralised, strict parameters,
// server-side pagination, result documents served as sweeps.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLUGINS } from "../../probes/registry.js";
import { safeText } from "../../src/report/safe-text.js";
import { loadResultFromStore } from "../../src/store/store.js";
import { DocumentReader } from "../../src/serve/document-reader.js";
import { startServer, type RunningServer } from "../../src/serve/server.js";
import { HOSTILE, HOSTILE_HOST } from "../../scripts/serve-bench/fleet-store.js";
import { makeStore, rawRequest, serveStore, type TestStore } from "./helpers.js";

const TOKEN = "s3cret-token-0123456789abcdef";
const FORMULA = '=HYPERLINK("http://192.0.2.1/x","open")';
const sha = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

describe("otaudit serve: HTTP", () => {
  let store: TestStore;
  let open: RunningServer;
  let guarded: RunningServer;
  let before: string;
  const get = (s: RunningServer, path: string, headers: Record<string, string> = {}) => fetch(s.url.replace(/\/$/, "") + path, { headers });

  beforeAll(async () => {
    store = makeStore(30, 2);
    // a device whose name a spreadsheet would run as a formula
    const db = new Database(store.file);
    db.prepare("UPDATE devices SET result = json_set(result, '$.name', ?) WHERE host = ?").run(FORMULA, store.info.hosts[1]);
    db.close();
    before = sha(store.file);
    open = await serveStore(store.file);
    guarded = await serveStore(store.file, { token: TOKEN });
  }, 60_000);
  afterAll(async () => {
    await open?.close();
    await guarded?.close();
    store?.cleanup();
  });

  it("GET and HEAD only: every other method is 405 with Allow, on the API and on files", async () => {
    for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
      for (const path of ["/api/devices", "/", "/app.js"]) {
        const r = await rawRequest(open.port, method, path);
        expect(r.status, `${method} ${path}`).toBe(405);
        expect(r.headers.allow).toBe("GET, HEAD");
      }
    }
    const head = await rawRequest(open.port, "HEAD", "/api/meta");
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
  });

  it("security headers on every answer: strict CSP, nosniff, no referrer, no framing", async () => {
    for (const path of ["/", "/app.js", "/api/meta", "/api/devices?verdict=nope", "/nothing-here"]) {
      const r = await get(open, path);
      const csp = r.headers.get("content-security-policy") ?? "";
      expect(csp, path).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("require-trusted-types-for 'script'");
      expect(csp).not.toContain("unsafe");
      expect(r.headers.get("x-content-type-options")).toBe("nosniff");
      expect(r.headers.get("referrer-policy")).toBe("no-referrer");
      expect(r.headers.get("x-frame-options")).toBe("DENY");
    }
    // the page itself has no inline script or style: scripts and styles are files
    const html = await (await get(open, "/")).text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
  });

  it("a token-protected server: the API needs the bearer token, the app's files do not", async () => {
    expect((await get(guarded, "/api/meta")).status).toBe(401);
    expect((await get(guarded, "/api/devices", { Authorization: "Bearer wrong-token-0123456789" })).status).toBe(401);
    expect((await get(guarded, "/api/devices", { Authorization: `Basic ${TOKEN}` })).status).toBe(401);
    const ok = await get(guarded, "/api/meta", { Authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    expect(await ok.text()).not.toContain(TOKEN);
    expect((await get(guarded, "/")).status).toBe(200);
  });

  it("a loopback server answers loopback Host names only (DNS rebinding)", async () => {
    expect((await rawRequest(open.port, "GET", "/api/meta", { Host: "attacker.example" })).status).toBe(421);
    expect((await rawRequest(open.port, "GET", "/api/meta", { Host: `attacker.example:${open.port}` })).status).toBe(421);
    expect((await rawRequest(open.port, "GET", "/api/meta", { Host: `localhost:${open.port}` })).status).toBe(200);
    expect((await rawRequest(open.port, "GET", "/api/meta", { Host: `127.0.0.1:${open.port}` })).status).toBe(200);
  });

  it("no path traversal: only the app's own files are served", async () => {
    const attempts = [
      "/../package.json",
      "/%2e%2e/package.json",
      "/..%2fpackage.json",
      "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
      "/vendor/../../package.json",
      "/vendor/..%2f..%2fpackage.json",
      "//etc/passwd",
      "/app.js/../../package.json",
      "/web/app.js",
      "/node_modules/uplot/package.json",
      "/.%2e/.%2e/etc/passwd",
      "/app.js%00.html",
      "/APP.JS",
    ];
    for (const path of attempts) {
      const r = await rawRequest(open.port, "GET", path);
      expect(r.status, path).toBe(404);
      expect(r.body).not.toContain('"dependencies"');
      expect(r.body).not.toContain("root:");
    }
    expect((await rawRequest(open.port, "GET", "/vendor/uPlot.iife.min.js")).status).toBe(200);
  });

  it("hostile device strings leave the server escaped: no control character, no markup", async () => {
    const r = await get(open, `/api/device?host=${HOSTILE_HOST}`);
    const body = await r.text();
    expect(r.status).toBe(200);
    expect(body).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069<]/);
    // nor may JSON's own escapes bring them back once parsed: every decoded string is clean
    const d = JSON.parse(body) as { name: string; identity: { vendor: string } };
    const strings: string[] = [];
    JSON.parse(body, (_k, v: unknown) => (typeof v === "string" && strings.push(v), v));
    expect(strings.filter((x) => /[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/.test(x))).toEqual([]);
    expect(d.name).toBe(safeText(`gw ${HOSTILE}`));
    expect(d.identity.vendor).toBe(safeText(HOSTILE));
    expect(d.identity.vendor).toContain("\\x1b[2J\\x07Corp\\u202e<img");
    const list = await (await get(open, "/api/devices?q=gw%20Evil")).text();
    expect(list).not.toMatch(/[\u001b\u0007\u202e<]/);
  });

  it("CSV export of the current view: escaped text, formulas neutralised, filters applied", async () => {
    const r = await get(open, "/api/devices.csv?sort=host");
    expect(r.headers.get("content-type")).toMatch(/^text\/csv/);
    const csv = await r.text();
    expect(csv).toContain(`'${FORMULA.replace(/"/g, '""')}`);
    expect(csv).not.toMatch(/(^|,)=HYPERLINK/m);
    expect(csv).not.toMatch(/[\u001b\u0007\u202e]/);
    expect(csv).toContain("\\x1b[2J");
    const dmz = (await (await get(open, "/api/devices.csv?zone=dmz")).text()).trim().split("\r\n");
    expect(dmz.length).toBeGreaterThan(1);
    expect(dmz.slice(1).every((l) => l.split(",")[2] === "dmz")).toBe(true);
    const findings = await (await get(open, `/api/device.csv?host=${store.info.hosts[1]}`)).text();
    expect(findings.split("\r\n")[0]).toMatch(/^device,host,protocol/);
    expect(findings).toContain(`'${FORMULA.replace(/"/g, '""')}`);
  });

  it("bad parameters are refused with one line naming them", async () => {
    const cases: [string, RegExp][] = [
      ["/api/devices?verdict=great", /^verdict: unknown value 'great'/],
      ["/api/devices?element=13", /^element: a whole number from 1 to 12/],
      ["/api/devices?size=500", /^size: a whole number from 1 to 200/],
      ["/api/devices?page=0", /^page:/],
      ["/api/devices?zone=a&zone=b", /^zone: given 2 times/],
      ["/api/devices?colour=red", /^unknown parameter 'colour'/],
      ["/api/device", /^host: required/],
    ];
    for (const [path, message] of cases) {
      const r = await get(open, path);
      expect(r.status, path).toBe(400);
      expect(((await r.json()) as { error: string }).error).toMatch(message);
    }
    expect((await get(open, "/api/device?host=10.99.99.99")).status).toBe(404);
    expect((await get(open, "/api/overview?sweep=nope")).status).toBe(404);
  });

  it("pagination: pages partition the filtered list, worst first", async () => {
    const first = (await (await get(open, "/api/devices?size=7")).json()) as { total: number; pages: number; rows: { host: string; fail: number }[] };
    expect(first.rows).toHaveLength(7);
    expect(first.pages).toBe(Math.ceil(first.total / 7));
    const seen: string[] = [];
    for (let p = 1; p <= first.pages; p++) {
      const page = (await (await get(open, `/api/devices?size=7&page=${p}`)).json()) as { page: number; rows: { host: string }[] };
      expect(page.page).toBe(p);
      seen.push(...page.rows.map((r) => r.host));
    }
    expect(seen).toHaveLength(first.total);
    expect(new Set(seen).size).toBe(first.total);
    // past the end: the last page
    const past = (await (await get(open, `/api/devices?size=7&page=${first.pages + 5}`)).json()) as { page: number };
    expect(past.page).toBe(first.pages);
    // a filter narrows the total; the rows are what it asks for
    const failing = (await (await get(open, "/api/devices?element=2&verdict=fail&size=200")).json()) as { total: number; rows: { verdicts: string[] }[] };
    expect(failing.total).toBeLessThan(first.total);
    expect(failing.rows.every((r) => r.verdicts[1] === "fail")).toBe(true);
  });

  it("every answer carries its server time, and the store file was never changed", async () => {
    const r = await get(open, "/api/overview");
    expect(r.headers.get("server-timing")).toMatch(/^app;dur=\d+(\.\d)?$/);
    expect(sha(store.file)).toBe(before);
  });

  it("result documents are served as sweeps: drift between two of them", async () => {
    const a = join(store.dir, "first.json");
    const b = join(store.dir, "second.json");
    writeFileSync(a, JSON.stringify(loadResultFromStore(store.file, store.info.sweepIds[0])));
    writeFileSync(b, JSON.stringify(loadResultFromStore(store.file, store.info.sweepIds[1])));
    const docs = await startServer({ reader: new DocumentReader([b, a]), plugins: PLUGINS, host: "127.0.0.1", port: 0 });
    try {
      const drift = (await (await get(docs, "/api/drift")).json()) as { sweeps: { id: string; vsPrevious: { changed: number } | null }[] };
      expect(drift.sweeps.map((s) => s.id)).toEqual(["first", "second"]);
      expect(drift.sweeps[1]!.vsPrevious!.changed).toBeGreaterThan(0);
      const overview = (await (await get(docs, "/api/overview")).json()) as { devices: number; zones: { zone: string }[] };
      expect(overview.devices).toBeGreaterThan(30);
      expect(overview.zones.map((z) => z.zone)).toContain("dmz");
    } finally {
      await docs.close();
    }
  });
});
