// End to end: the built CLI (`node src/bin/otaudit.js scan ssh://...`) against the SSH simulator.
// Assumes dist/ is built (`npm test` runs the build first).
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/plugin.js";
import { ResultDocument } from "../../src/model/result.js";
import { startSshSimulator } from "../../probes/ssh/simulator.js";
import { runOtaudit } from "../helpers/cli.js";
import { LEGACY_PROFILE, tempStateDir } from "./helpers.js";

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSshSimulator(LEGACY_PROFILE, { host: "127.0.0.1", stateDir: tempStateDir() });
});
afterAll(async () => {
  await sim?.stop();
});

describe("otaudit scan ssh://", () => {
  it("writes a result document with the SSH findings and exits 1 on high findings", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "otaudit-ssh-cli-")), "result.json");
    const run = await runOtaudit(["scan", sim.urls[0]!, "--json", out, "--timeout", "3000"]);
    expect(run.code, run.stderr).toBe(1);
    const doc = ResultDocument.parse(JSON.parse(readFileSync(out, "utf8")));
    const device = doc.devices[0]!;
    expect(device.facts.ssh!.status).toBe("ok");
    const kex = device.findings.find((f) => f.ruleId === "ssh.kex.weak")!;
    expect(kex).toMatchObject({ status: "fail", protocol: "ssh", port: Number(sim.urls[0]!.split(":").pop()), elements: [7] });
    expect(kex.evidence.weak).toContain("diffie-hellman-group1-sha1");
    expect(device.findings.find((f) => f.ruleId === "ssh.auth.mfa")).toMatchObject({ status: "skipped", message: "unverified: no bench credentials" });
    expect(device.elements.find((e) => e.id === 7)!.verdict).toBe("fail");
  });

  it("a default scan never loads ssh2: the `none` request rides on a key exchange over otaudit's own transport", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "otaudit-ssh-cli-")), "result.json");
    // NODE_DEBUG=module traces every CommonJS load (ssh2 is CommonJS, required on first use)
    const run = await runOtaudit(["scan", sim.urls[0]!, "--json", out, "--timeout", "3000"], { env: { NODE_DEBUG: "module" } });
    expect(run.code).toBe(1);
    const doc = ResultDocument.parse(JSON.parse(readFileSync(out, "utf8")));
    const auth = (doc.devices[0]!.facts.ssh!.data as { services: { auth?: { transport?: string } }[] }).services[0]!.auth;
    expect(auth).toMatchObject({ transport: "otaudit", methods: expect.arrayContaining(["password"]) });
    expect(run.stderr).not.toMatch(/node_modules\/ssh2\//);
  });
});
