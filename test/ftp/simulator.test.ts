// Probe + rules against the FTP simulator on loopback: a legacy device (cleartext logins,
// anonymous, no TLS) and a hardened one (TLS required, AUTH TLS, no anonymous). The simulator's
// counters show a default run sends no real password (only the RFC 1635 anonymous token) and that
// --intrusive sends the default passwords inside TLS when AUTH TLS works; record -> simulate; CLI.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import ftp from "../../probes/ftp/index.js";
import type { FtpFacts } from "../../probes/ftp/facts.js";
import { FtpSimProfile } from "../../probes/ftp/profile.js";
import type { FtpSimulatorStats } from "../../probes/ftp/simulator.js";
import type { RunningSimulator } from "../../src/plugin.js";
import { runOtaudit } from "../helpers/cli.js";
import { auditUrls, finding } from "../vnc/kit.js";

const stateDir = mkdtempSync(join(tmpdir(), "otaudit-ftp-sim-"));
const running: RunningSimulator[] = [];
const start = async (p: unknown) => {
  const sim = await ftp.simulator!.start(FtpSimProfile.parse(p), { host: "127.0.0.1", stateDir });
  running.push(sim);
  return sim;
};
const stats = (s: RunningSimulator) => s.stats!() as FtpSimulatorStats;
let legacy: RunningSimulator;
let hardened: RunningSimulator;

beforeAll(async () => {
  legacy = await start({
    greeting: ["220-Example Automation LX-100", "220 FTP server (firmware 2.4.1) ready."],
    anonymous: true,
    accounts: [{ username: "MELSEC", password: "MELSEC" }],
  });
  hardened = await start({
    greeting: ["220 (vsFTPd 3.0.3)"],
    features: ["AUTH TLS", "PBSZ", "PROT"],
    authTls: {},
    cleartextLogin: "refuse",
    accounts: [{ username: "MELSEC", password: "MELSEC" }],
  });
});
afterAll(() => Promise.all(running.map((s) => s.stop())));

describe("legacy FTP device", () => {
  it("fails cleartext login, AUTH TLS and anonymous access; keeps the multi-line greeting", async () => {
    const d = await auditUrls(ftp, legacy.urls);
    for (const id of ["ftp.cleartext-login", "ftp.auth-tls", "ftp.anonymous"]) expect(finding(d, id).status, id).toBe("fail");
    expect((d.facts.ftp!.data as FtpFacts).services[0]!.greeting!.lines).toEqual(["220-Example Automation LX-100", "220 FTP server (firmware 2.4.1) ready."]);
  });

  it("the device saw no real password: only the anonymous token, and USER otaudit never followed by PASS", () => {
    expect(stats(legacy)).toMatchObject({ nonAnonymousPasswords: 0, anonymousPasswords: 1, connections: 3 });
    expect(stats(legacy).commands).toMatchObject({ FEAT: 1, USER: 2, PASS: 1, AUTH: 1, QUIT: 3 });
  });

  it("--intrusive (no TLS available): the hard-coded account is found, in clear, within the budget", async () => {
    const d = await auditUrls(ftp, legacy.urls, { intrusive: true, options: { "login.delayMs": "0" } });
    expect(finding(d, "ftp.auth.default-credentials")).toMatchObject({ status: "fail", evidence: { account: "MELSEC", entry: "mitsubishi-melsec" } });
    expect(stats(legacy).nonAnonymousPasswords).toBe(2); // admin/admin rejected, MELSEC accepted: stop
  });
});

describe("hardened FTP device", () => {
  it("no failure: TLS required before USER, AUTH TLS with a handshake, anonymous refused", async () => {
    const d = await auditUrls(ftp, hardened.urls);
    expect(d.findings.filter((f) => f.status === "fail")).toEqual([]);
    expect(finding(d, "ftp.auth-tls")).toMatchObject({ status: "pass", evidence: { tls: "TLSv1.3" } });
    expect(stats(hardened).nonAnonymousPasswords).toBe(0);
  });

  it("--intrusive: default passwords go inside TLS", async () => {
    const d = await auditUrls(ftp, hardened.urls, { intrusive: true, options: { "login.delayMs": "0" } });
    expect(finding(d, "ftp.auth.default-credentials").status).toBe("fail");
    expect((d.facts.ftp!.data as FtpFacts).services[0]!.defaultCredentials!.overTls).toBe(true);
    expect(stats(hardened).passwordsOverTls).toBe(stats(hardened).nonAnonymousPasswords);
  });
});

describe("anonymous only inside TLS (vsftpd force_anon_logins_ssl)", () => {
  it("a 530 to USER anonymous in clear is not a pass: the login is tried again after AUTH TLS and fails the rule", async () => {
    const sim = await start({ features: ["AUTH TLS"], authTls: {}, cleartextLogin: "refuse", anonymous: true, anonymousTlsOnly: true });
    const d = await auditUrls(ftp, sim.urls);
    expect(finding(d, "ftp.anonymous")).toMatchObject({ status: "fail", message: expect.stringMatching(/accepted after AUTH TLS/) });
    expect(stats(sim).nonAnonymousPasswords).toBe(0);
    expect(stats(sim).anonymousPasswords).toBe(1);
    const replica = await start(ftp.profileFromFacts!(d.facts.ftp!.data as FtpFacts));
    expect(finding(await auditUrls(ftp, replica.urls), "ftp.anonymous").status).toBe("fail");
  });

  it("refused in clear and inside TLS: a pass that names both answers", async () => {
    const d = await auditUrls(ftp, hardened.urls);
    expect(finding(d, "ftp.anonymous")).toMatchObject({ status: "pass", message: expect.stringMatching(/in clear and after AUTH TLS/) });
  });
});

describe("record -> simulate, and the CLI", () => {
  it("profileFromFacts reproduces the same findings", async () => {
    for (const sim of [legacy, hardened]) {
      const first = await auditUrls(ftp, sim.urls);
      const replica = await start(ftp.profileFromFacts!(first.facts.ftp!.data as FtpFacts));
      const second = await auditUrls(ftp, replica.urls);
      expect(second.findings.map((f) => [f.ruleId, f.status])).toEqual(first.findings.map((f) => [f.ruleId, f.status]));
    }
  });

  it("otaudit scan ftp://... exits 1 and names the anonymous login", async () => {
    const out = join(stateDir, "ftp.json");
    const r = await runOtaudit(["scan", legacy.urls[0]!, "--json", out]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(readFileSync(out, "utf8"));
    expect(doc.devices[0].findings.find((f: { ruleId: string }) => f.ruleId === "ftp.anonymous").status).toBe("fail");
  });
});
