// SSH rules on hand-written facts (no network): edge cases the live tests do not reach.
import { describe, expect, it } from "vitest";
import type { RuleContext, RuleOutcome } from "../../src/plugin.js";
import type { SshFacts, SshService } from "../../probes/ssh/facts.js";
import { profileFromFacts, SshSimProfile } from "../../probes/ssh/profile.js";
import { compressionRule, defaultCredentialsRule, hostKeySizeRule, macRule, mfaRule, protocolVersionRule, singleFactorRule, terrapinRule } from "../../probes/ssh/rules.js";

const ALGS = {
  kex: ["curve25519-sha256"],
  hostKey: ["ssh-ed25519"],
  cipherClientToServer: ["aes128-ctr"],
  cipherServerToClient: ["aes128-ctr"],
  macClientToServer: ["hmac-sha2-256"],
  macServerToClient: ["hmac-sha2-256"],
  compressionClientToServer: ["none"],
  compressionServerToClient: ["none"],
  strictKex: true,
};

function service(over: Partial<SshService> = {}): SshService {
  return {
    port: 22,
    url: "ssh://10.0.0.5:22",
    banner: { raw: "SSH-2.0-OpenSSH_9.6", protocolVersion: "2.0", software: "OpenSSH_9.6", preBannerLines: [] },
    algorithms: ALGS,
    hostKeys: [{ keyType: "ssh-ed25519", algorithms: ["ssh-ed25519"], status: "collected", bits: 256, fingerprintSha256: "SHA256:x" }],
    auth: { username: "otaudit", methods: ["publickey"], noneAccepted: false },
    ...over,
  };
}

function run(rule: { check(ctx: RuleContext<SshFacts>): RuleOutcome | RuleOutcome[] | null }, s: SshService, extra: Partial<RuleContext<SshFacts>> = {}): RuleOutcome[] {
  const facts: SshFacts = { services: [s] };
  const r = rule.check({ facts, envelope: {} as never, host: "10.0.0.5", intrusive: false, credentialed: false, ...extra });
  return r === null ? [] : Array.isArray(r) ? r : [r];
}

describe("SSH rules", () => {
  it("SSH-1: 1.99 and 1.5 fail; SSH-1-only services are not_applicable for SSH-2 algorithm rules", () => {
    expect(run(protocolVersionRule, service({ banner: { raw: "SSH-1.99-Cisco-1.25", protocolVersion: "1.99", software: "Cisco-1.25", preBannerLines: [] } }))[0]!.status).toBe("fail");
    const ssh1 = service({ banner: { raw: "SSH-1.5-Old", protocolVersion: "1.5", software: "Old", preBannerLines: [] }, algorithms: undefined, auth: undefined, hostKeys: [] });
    expect(run(protocolVersionRule, ssh1)[0]).toMatchObject({ status: "fail", message: expect.stringMatching(/SSH-1 only/) });
    expect(run(terrapinRule, ssh1)[0]!.status).toBe("not_applicable");
    expect(run(mfaRule, ssh1)[0]!.status).toBe("not_applicable");
  });

  it("Terrapin: chacha20 or ETM without strict kex fails; strict kex passes", () => {
    const exposed = { ...ALGS, strictKex: false, cipherServerToClient: ["chacha20-poly1305@openssh.com"] };
    expect(run(terrapinRule, service({ algorithms: exposed }))[0]).toMatchObject({ status: "fail", evidence: { chacha20Poly1305: ["chacha20-poly1305@openssh.com"] } });
    expect(run(terrapinRule, service({ algorithms: { ...exposed, strictKex: true } }))[0]!.status).toBe("pass");
    expect(run(terrapinRule, service({ algorithms: { ...ALGS, strictKex: false, macClientToServer: ["hmac-sha2-256-etm@openssh.com"] } }))[0]!.status).toBe("fail");
  });

  it("encrypt-and-MAC fails only where CBC ciphers are offered too", () => {
    expect(run(macRule, service())[0]!.status).toBe("pass");
    const withCbc = run(macRule, service({ algorithms: { ...ALGS, cipherServerToClient: ["aes256-cbc"] } }))[0]!;
    expect(withCbc).toMatchObject({ status: "fail", severity: "low", evidence: { weak: ["hmac-sha2-256"] } });
  });

  // changed on purpose (issue 12): an unknown name is undetermined, never a pass "with a note"
  it("unknown algorithms are undetermined (unknown-value), never passed and never failed", () => {
    const o = run(compressionRule, service({ algorithms: { ...ALGS, compressionServerToClient: ["none", "lz4@example.com"] } }))[0]!;
    expect(o).toMatchObject({ status: "undetermined", reason: "unknown-value", evidence: { unknown: ["lz4@example.com"] } });
  });

  it("host keys: keys not read are undetermined or errors, never passes", () => {
    const out = run(hostKeySizeRule, service({ hostKeys: [{ keyType: "x-unknown@example.com", algorithms: ["x-unknown@example.com"], status: "unsupported" }, { keyType: "ssh-rsa", algorithms: ["rsa-sha2-512"], status: "error", error: { code: "timeout", message: "no answer" } }] }));
    expect(out.map((o) => [o.status, o.reason])).toEqual([["undetermined", "not-attempted"], ["error", undefined]]);
    expect(run(hostKeySizeRule, service({ hostKeys: [{ keyType: "ssh-rsa", algorithms: ["rsa-sha2-256"], status: "collected", bits: 2047 }] }))[0]!.status).toBe("fail");
  });

  it("auth: `none` accepted is critical; keyboard-interactive first is a password-like factor", () => {
    expect(run(singleFactorRule, service({ auth: { username: "otaudit", methods: [], noneAccepted: true } }))[0]).toMatchObject({ status: "fail", severity: "critical" });
    expect(run(singleFactorRule, service({ auth: { username: "otaudit", methods: ["keyboard-interactive"] } }))[0]).toMatchObject({ status: "fail", severity: "medium" });
    expect(run(singleFactorRule, service({ auth: { username: "otaudit", error: { code: "timeout", message: "x" } } }))[0]!.status).toBe("error");
  });

  it("MFA: skipped without credentials, pass when a second factor is demanded even if not completed", () => {
    expect(run(mfaRule, service())[0]).toMatchObject({ status: "skipped", message: "unverified: no bench credentials" });
    const partialOnly = service({
      credentialed: { username: "ops", factorsGiven: ["password"], steps: [{ method: "password", result: "partial", next: ["keyboard-interactive"] }, { method: "keyboard-interactive", result: "failure", next: ["keyboard-interactive"] }], authenticated: false, mfaObserved: true, passwordAloneAccepted: false },
    });
    expect(run(mfaRule, partialOnly, { credentialed: true })[0]).toMatchObject({ status: "pass", message: expect.stringMatching(/MFA observed/) });
    expect(run(singleFactorRule, partialOnly)[0]!.status).toBe("pass");
    // and the recording replays as a two-step chain
    const profile = SshSimProfile.parse({ ...profileFromFacts({ services: [partialOnly] }) });
    expect(profile.auth.chains[0]).toEqual(["password", "keyboard-interactive"]);
  });

  // changed on purpose (issue 12): "nothing could be tried" was a pass; it is undetermined now
  it("default credentials: nothing tried is undetermined (not-attempted), whatever the methods", () => {
    const base = { planned: [], budget: 3, delayMs: 1000, knownEntries: 9, attempts: [] };
    expect(run(defaultCredentialsRule, service({ defaultCredentials: { ...base, notTried: "no password-based method offered (publickey)" } }))[0]).toMatchObject({ status: "undetermined", reason: "not-attempted" });
    expect(run(defaultCredentialsRule, service({ auth: { username: "otaudit", error: { code: "x", message: "y" } }, defaultCredentials: { ...base, notTried: "login budget is 0 (--login-budget)" } }))[0]).toMatchObject({ status: "undetermined", reason: "not-attempted" });
  });

  it("a service the probe could not audit is an error for every rule", () => {
    const broken: SshService = { port: 2222, url: "ssh://10.0.0.5:2222", hostKeys: [], error: { code: "timeout", message: "no KEXINIT" } };
    for (const rule of [protocolVersionRule, terrapinRule, mfaRule]) expect(run(rule, broken)[0]).toMatchObject({ status: "error", port: 2222 });
  });
});
