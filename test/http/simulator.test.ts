// The http simulator from the device's side: a default run sends GET requests only (no
// Authorization header, no form post, no credential of any kind); --intrusive tries the cited
// defaults within the login budget against Basic, Digest (RFC 7616) and a login form with a CSRF
// token, and the device confirms exactly the accepted one. A hardened profile (redirect to HTTPS,
// HSTS, framing header) gives no http failure.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import httpPlugin from "../../probes/http/index.js";
import type { HttpSimStats } from "../../probes/http/simulator.js";
import { audit } from "../tls/helpers.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function withSim<T>(profile: unknown, fn: (urls: string[], stats: () => HttpSimStats) => Promise<T>): Promise<T> {
  const stateDir = mkdtempSync(join(tmpdir(), "otaudit-http-sim-"));
  dirs.push(stateDir);
  const sim = await httpPlugin.simulator!.start(httpPlugin.simulator!.profileSchema.parse(profile), { host: "127.0.0.1", stateDir });
  try {
    return await fn(sim.urls, () => sim.stats!() as unknown as HttpSimStats);
  } finally {
    await sim.stop();
  }
}

describe("http simulator", () => {
  for (const kind of ["basic", "digest", "form"] as const) {
    it(`${kind} login: a default run sends no credential; --intrusive finds the default within the budget`, async () => {
      const profile = { auth: { kind, accounts: [{ username: "root", password: "root" }] } };
      await withSim(profile, async (urls, stats) => {
        const r = await audit(urls, { plugins: [httpPlugin] });
        expect(stats()).toMatchObject({ authorizationHeaders: 0, formPosts: 0, credentialsReceived: 0 });
        expect(Object.keys(stats().byMethod)).toEqual(["GET"]);
        expect(r.statuses("http.auth.cleartext")).toEqual(["fail"]);
      });
      await withSim(profile, async (urls, stats) => {
        const r = await audit(urls, { plugins: [httpPlugin], intrusive: true, options: { "login.delayMs": "0" } });
        const f = r.findings("http.credentials.default");
        // :80 finds it; :443 had only the rest of the device's budget: never a pass from a cut check
        expect(f.map((x) => x.status)).toEqual(["fail", "undetermined"]);
        expect(f[0]!.message).toMatch(/'root'.*conel-router-root/);
        expect(stats().credentialsReceived).toBeLessThanOrEqual(3); // the device's login budget, across both ports
        expect(stats().loginsAccepted).toBe(1);
      });
    });
  }

  it("a hardened profile (redirect to HTTPS, HSTS, X-Frame-Options): no http failure", async () => {
    await withSim({ http: { redirectToHttps: true }, https: { hsts: "max-age=63072000; includeSubDomains" }, page: { frameOptions: "DENY" } }, async (urls) => {
      const r = await audit(urls, { plugins: [httpPlugin] });
      expect(r.result.findings.filter((f) => !["pass", "not_applicable", "skipped"].includes(f.status)).map((f) => `${f.ruleId}: ${f.message}`)).toEqual([]);
    });
  });
});
