// Review regressions for the SSH probe (safety, honesty, secrets), asserted from the simulator's
// counters: (1) the bench password is sent once, never again as a keyboard-interactive answer (a
// second failed attempt counts towards lockout; after a partial success the prompt is the second
// factor); (2) an unusable private key (wrong passphrase) is a config error, not a publickey
// "failure" the server never decided, and the passphrase appears nowhere; (3) a default-credential
// budget cut short is never a pass (an error when the device misbehaved, else undetermined).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import ssh2 from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/plugin.js";
import { SshSimProfile } from "../../probes/ssh/profile.js";
import { startSshSimulator, type SshSimulatorStats } from "../../probes/ssh/simulator.js";
import { defaultCredentialsRule } from "../../probes/ssh/rules.js";
import type { SshFacts, SshService } from "../../probes/ssh/facts.js";
import { auditSsh, finding, hardenedProfile, LEGACY_PROFILE, tempStateDir } from "../ssh/helpers.js";

const HOST = "127.0.0.1";
const portOf = (s: RunningSimulator) => Number(s.urls[0]!.split(":").pop());
const stats = (s: RunningSimulator) => s.stats!() as SshSimulatorStats;
const stateDir = tempStateDir();
const PASSWORD = "canary-review-ssh-Pw-91c2";
const PASSPHRASE = "canary-review-ssh-passphrase-3d7a";
const WRONG_PASSPHRASE = "canary-review-ssh-wrong-passphrase-8e0f";

let otpDevice: RunningSimulator;
let keyDevice: RunningSimulator;
const key = ssh2.utils.generateKeyPairSync("ed25519", { passphrase: PASSPHRASE, cipher: "aes256-ctr", rounds: 4 });
const keyFile = join(stateDir, "bench_ed25519");
writeFileSync(keyFile, key.private, { mode: 0o600 });

beforeAll(async () => {
  otpDevice = await startSshSimulator(
    SshSimProfile.parse({
      ...LEGACY_PROFILE,
      auth: { chains: [["password", "keyboard-interactive"]], accounts: [{ username: "ops", password: PASSWORD, otp: "492817" }] },
    }),
    { host: HOST, stateDir },
  );
  keyDevice = await startSshSimulator(hardenedProfile(key.public, PASSWORD), { host: HOST, stateDir });
});
afterAll(async () => {
  await Promise.all([otpDevice?.stop(), keyDevice?.stop()]);
});

describe("review: SSH bench password sent once", () => {
  it("password then OTP: MFA observed, and the password never answers the OTP prompt", async () => {
    const before = stats(otpDevice);
    const lines: string[] = [];
    const d = await auditSsh(HOST, portOf(otpDevice), { credentials: [{ protocol: "ssh", username: "ops", password: PASSWORD }], logLines: lines });
    const after = stats(otpDevice);
    expect(after.authAttempts.password - before.authAttempts.password).toBe(1);
    expect(after.authAttempts["keyboard-interactive"] - before.authAttempts["keyboard-interactive"]).toBe(0);
    expect(finding(d, "ssh.auth.mfa").status).toBe("pass");
    expect(finding(d, "ssh.auth.password-single-factor").status).toBe("pass");
    expect(JSON.stringify(d) + lines.join("")).not.toContain(PASSWORD);
  });
});

describe("review: SSH unusable private key", () => {
  it("wrong passphrase: config error, no invented publickey step, no secret in facts or logs", async () => {
    // in-process, as the core hands entries to probes (passphraseEnv resolved into passphrase); the
    // CLI refuses such a key before any network work (test/unit/credentials.test.ts)
    const before = stats(keyDevice);
    const lines: string[] = [];
    const d = await auditSsh(HOST, portOf(keyDevice), {
      credentials: [{ protocol: "ssh", username: "operator", password: PASSWORD, privateKey: keyFile, passphrase: WRONG_PASSPHRASE }],
      logLines: lines,
    });
    const c = (d.facts.ssh!.data as SshFacts).services[0]!.credentialed!;
    expect(c.error?.code).toBe("config");
    expect(c.factorsGiven).toEqual(["password"]);
    expect(c.steps.some((s) => s.method === "publickey")).toBe(false);
    expect(stats(keyDevice).authAttempts.publickey - before.authAttempts.publickey).toBe(0);
    expect(finding(d, "ssh.auth.mfa").status).toBe("error");
    const text = JSON.stringify(d) + lines.join("");
    for (const secret of [PASSWORD, PASSPHRASE, WRONG_PASSPHRASE]) expect(text).not.toContain(secret);
  });
});

describe("review: SSH default-credential budget cut short", () => {
  const service = (defaultCredentials: SshService["defaultCredentials"]): SshFacts => ({
    services: [
      {
        port: 22,
        url: "ssh://192.0.2.1:22",
        banner: { raw: "SSH-2.0-X", protocolVersion: "2.0", software: "X", preBannerLines: [] },
        hostKeys: [],
        auth: { username: "otaudit", methods: ["password"] },
        defaultCredentials,
      },
    ],
  });
  const check = (f: SshFacts) =>
    defaultCredentialsRule.check({ facts: f, envelope: {} as never, host: "192.0.2.1", intrusive: true, credentialed: false }) as { status: string }[];
  it("one rejected, then the device stopped answering -> error", () => {
    const f = service({
      planned: ["a", "b", "c"],
      budget: 3,
      delayMs: 0,
      knownEntries: 10,
      attempts: [
        { id: "a", username: "admin", result: "rejected" },
        { id: "b", username: "root", result: "error", error: "no answer" },
      ],
      error: { code: "timeout", message: "no answer" },
    });
    expect(check(f)[0]!.status).toBe("error");
  });
  // changed on purpose (issue 12 vocabulary): cut short without a device error is undetermined
  // (incomplete), never a pass; a device error stays an error
  it("run aborted after one rejection -> undetermined (incomplete); all planned rejected -> pass", () => {
    expect(
      check(service({ planned: ["a", "b", "c"], budget: 3, delayMs: 0, knownEntries: 10, attempts: [{ id: "a", username: "admin", result: "rejected" }] }))[0],
    ).toMatchObject({ status: "undetermined", reason: "incomplete" });
    const all = ["a", "b", "c"].map((id) => ({ id, username: "u", result: "rejected" as const }));
    expect(check(service({ planned: ["a", "b", "c"], budget: 3, delayMs: 0, knownEntries: 10, attempts: all }))[0]!.status).toBe("pass");
  });
});
