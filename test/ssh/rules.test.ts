// SSH rules on hand-written facts (no network): edge cases the live tests do not reach.
import { describe, expect, it } from "vitest";
import type { RuleContext, RuleOutcome } from "../../src/plugin.js";
import type { SshFacts, SshService } from "../../probes/ssh/facts.js";
import { profileFromFacts, SshSimProfile } from "../../probes/ssh/profile.js";
import {
  compressionRule,
  defaultCredentialsRule,
  emptyPasswordRule,
  gexModulusRule,
  hostKeySizeRule,
  kexRule,
  macRule,
  mfaRule,
  protocolVersionRule,
  singleFactorRule,
  SSH_RULES,
  terrapinRule,
} from "../../probes/ssh/rules.js";

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

function run(
  rule: { check(ctx: RuleContext<SshFacts>): RuleOutcome | RuleOutcome[] | null },
  s: SshService,
  extra: Partial<RuleContext<SshFacts>> = {},
): RuleOutcome[] {
  const facts: SshFacts = { services: [s] };
  const r = rule.check({ facts, envelope: {} as never, host: "10.0.0.5", intrusive: false, credentialed: false, ...extra });
  return r === null ? [] : Array.isArray(r) ? r : [r];
}

describe("SSH rules", () => {
  it("SSH-1: 1.99 and 1.5 fail; SSH-1-only services are not_applicable for SSH-2 algorithm rules", () => {
    expect(
      run(protocolVersionRule, service({ banner: { raw: "SSH-1.99-Cisco-1.25", protocolVersion: "1.99", software: "Cisco-1.25", preBannerLines: [] } }))[0]!
        .status,
    ).toBe("fail");
    const ssh1 = service({
      banner: { raw: "SSH-1.5-Old", protocolVersion: "1.5", software: "Old", preBannerLines: [] },
      algorithms: undefined,
      auth: undefined,
      hostKeys: [],
    });
    expect(run(protocolVersionRule, ssh1)[0]).toMatchObject({ status: "fail", message: expect.stringMatching(/SSH-1 only/) });
    expect(run(terrapinRule, ssh1)[0]!.status).toBe("not_applicable");
    expect(run(mfaRule, ssh1)[0]!.status).toBe("not_applicable");
  });

  it("Terrapin: chacha20 or ETM without strict kex fails; strict kex passes", () => {
    const exposed = { ...ALGS, strictKex: false, cipherServerToClient: ["chacha20-poly1305@openssh.com"] };
    expect(run(terrapinRule, service({ algorithms: exposed }))[0]).toMatchObject({
      status: "fail",
      evidence: { chacha20Poly1305: ["chacha20-poly1305@openssh.com"] },
    });
    expect(run(terrapinRule, service({ algorithms: { ...exposed, strictKex: true } }))[0]!.status).toBe("pass");
    expect(run(terrapinRule, service({ algorithms: { ...ALGS, strictKex: false, macClientToServer: ["hmac-sha2-256-etm@openssh.com"] } }))[0]!.status).toBe(
      "fail",
    );
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
    const out = run(
      hostKeySizeRule,
      service({
        hostKeys: [
          { keyType: "x-unknown@example.com", algorithms: ["x-unknown@example.com"], status: "unsupported" },
          { keyType: "ssh-rsa", algorithms: ["rsa-sha2-512"], status: "error", error: { code: "timeout", message: "no answer" } },
        ],
      }),
    );
    expect(out.map((o) => [o.status, o.reason])).toEqual([
      ["undetermined", "not-attempted"],
      ["error", undefined],
    ]);
    expect(
      run(hostKeySizeRule, service({ hostKeys: [{ keyType: "ssh-rsa", algorithms: ["rsa-sha2-256"], status: "collected", bits: 2047 }] }))[0]!.status,
    ).toBe("fail");
  });

  it("auth: `none` accepted is critical; keyboard-interactive first is a password-like factor", () => {
    expect(run(singleFactorRule, service({ auth: { username: "otaudit", methods: [], noneAccepted: true } }))[0]).toMatchObject({
      status: "fail",
      severity: "critical",
    });
    expect(run(singleFactorRule, service({ auth: { username: "otaudit", methods: ["keyboard-interactive"] } }))[0]).toMatchObject({
      status: "fail",
      severity: "medium",
    });
    expect(run(singleFactorRule, service({ auth: { username: "otaudit", error: { code: "timeout", message: "x" } } }))[0]!.status).toBe("error");
  });

  it("MFA: skipped without credentials, pass when a second factor is demanded even if not completed", () => {
    expect(run(mfaRule, service())[0]).toMatchObject({ status: "skipped", message: "unverified: no bench credentials" });
    const partialOnly = service({
      credentialed: {
        username: "ops",
        factorsGiven: ["password"],
        steps: [
          { method: "password", result: "partial", next: ["keyboard-interactive"] },
          { method: "keyboard-interactive", result: "failure", next: ["keyboard-interactive"] },
        ],
        authenticated: false,
        mfaObserved: true,
        passwordAloneAccepted: false,
      },
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
    expect(
      run(defaultCredentialsRule, service({ defaultCredentials: { ...base, notTried: "no password-based method offered (publickey)" } }))[0],
    ).toMatchObject({ status: "undetermined", reason: "not-attempted" });
    expect(
      run(
        defaultCredentialsRule,
        service({
          auth: { username: "otaudit", error: { code: "x", message: "y" } },
          defaultCredentials: { ...base, notTried: "login budget is 0 (--login-budget)" },
        }),
      )[0],
    ).toMatchObject({ status: "undetermined", reason: "not-attempted" });
  });

  it("a service the probe could not audit is an error for every rule", () => {
    const broken: SshService = { port: 2222, url: "ssh://10.0.0.5:2222", hostKeys: [], error: { code: "timeout", message: "no KEXINIT" } };
    for (const rule of [protocolVersionRule, terrapinRule, mfaRule]) expect(run(rule, broken)[0]).toMatchObject({ status: "error", port: 2222 });
  });

  it("Terrapin by name: chacha20-poly1305 variants fail, CBC with EtM fails, EtM with CTR only is low, strict kex mitigates", () => {
    const t = (over: Partial<SshService["algorithms"] & object>) => run(terrapinRule, service({ algorithms: { ...ALGS, strictKex: false, ...over } }))[0]!;
    expect(t({ cipherServerToClient: ["chacha20-poly1305"] })).toMatchObject({ status: "fail", evidence: { chacha20Poly1305: ["chacha20-poly1305"] } });
    const cbcEtm = t({ cipherServerToClient: ["aes192-cbc"], macServerToClient: ["umac-256-etm@openssh.com"] });
    expect([cbcEtm.status, cbcEtm.severity]).toEqual(["fail", undefined]);
    expect(t({ macServerToClient: ["hmac-sha2-256-etm@openssh.com"] })).toMatchObject({ status: "fail", severity: "low" });
    expect(t({ kex: ["curve25519-sha256", "kex-strict-s-v00@openssh.com"], cipherServerToClient: ["chacha20-poly1305@openssh.com"] })).toMatchObject({
      status: "pass",
    });
    expect(t({ cipherServerToClient: ["zz-ctr@example.com"] })).toMatchObject({ status: "undetermined", reason: "unknown-value" });
  });

  it("name-lists the parser cut are never a pass (incomplete); empty lists are undetermined (no-answer)", () => {
    const cut = {
      ...ALGS,
      irregularities: [{ list: "kex_algorithms", total: 50_000, kept: 128, truncated: true, duplicates: 0, empty: 0, overlong: 0, nonPrintable: 0 }],
    };
    expect(run(kexRule, service({ algorithms: cut }))[0]).toMatchObject({ status: "undetermined", reason: "incomplete" });
    expect(run(kexRule, service({ algorithms: { ...ALGS, kex: [] } }))[0]).toMatchObject({ status: "undetermined", reason: "no-answer" });
  });

  it("DH group exchange: not applicable without it; small moduli fail; unanswered requests are undetermined; refusals are not failures", () => {
    const gexAlgs = { ...ALGS, kex: ["diffie-hellman-group-exchange-sha256"] };
    const req = (label: "small" | "default" | "large", over: object) => ({ label, min: 1024, n: 2048, max: 8192, ...over });
    const g = (requests: object[]) =>
      run(
        gexModulusRule,
        service({ algorithms: gexAlgs, groupExchange: { algorithm: "diffie-hellman-group-exchange-sha256", requests: requests as never } }),
      )[0]!;
    expect(run(gexModulusRule, service())[0]!.status).toBe("not_applicable");
    expect(run(gexModulusRule, service({ algorithms: gexAlgs }))[0]).toMatchObject({ status: "undetermined", reason: "not-attempted" });
    expect(g([req("small", { bits: 1536 }), req("default", { bits: 2048 }), req("large", { bits: 8192 })])).toMatchObject({ status: "fail", severity: "high" });
    expect(g([req("small", { refused: "DISCONNECT" }), req("default", { bits: 2048 }), req("large", { bits: 8192 })])).toMatchObject({ status: "pass" });
    expect(g([req("small", { bits: 2048 }), req("default", { error: { code: "timeout", message: "no answer" } }), req("large", { bits: 8192 })])).toMatchObject(
      { status: "undetermined", reason: "no-answer" },
    );
    expect(g([req("small", { refused: "x" }), req("default", { refused: "x" }), req("large", { refused: "x" })])).toMatchObject({ status: "undetermined" });
  });

  it("empty password / none: unobservable by default, fails on any observed no-secret login, passes only on what was tried", () => {
    expect(run(emptyPasswordRule, service())[0]).toMatchObject({ status: "undetermined", reason: "unobservable" });
    expect(run(emptyPasswordRule, service({ auth: { username: "otaudit", methods: [], noneAccepted: true } }))[0]!.status).toBe("fail");
    const d = (attempts: object[], extra: object = {}) =>
      service({
        defaultCredentials: { planned: ["a", "b", "c"], budget: 3, delayMs: 0, knownEntries: 11, attempts: attempts as never, complete: true, ...extra },
      });
    const rootEmpty = { id: "a", username: "root", emptyPassword: true, methodsOffered: ["publickey", "password"], method: "password", result: "rejected" };
    const adminEmpty = { ...rootEmpty, id: "b", username: "admin" };
    const pass = run(
      emptyPasswordRule,
      d([rootEmpty, adminEmpty, { id: "c", username: "admin", methodsOffered: ["password"], method: "password", result: "rejected" }]),
    )[0]!;
    expect(pass).toMatchObject({ status: "pass", evidence: { noneRefusedFor: ["root", "admin"], emptyPasswordRejectedFor: ["root", "admin"] } });
    expect(run(emptyPasswordRule, d([rootEmpty, { ...adminEmpty, result: "error", error: "reset" }], { complete: false }))[0]).toMatchObject({
      status: "undetermined",
      reason: "incomplete",
    });
    expect(run(emptyPasswordRule, d([], { planned: [], notTried: "login budget is 0" }))[0]).toMatchObject({ status: "undetermined", reason: "not-attempted" });
    expect(
      run(
        emptyPasswordRule,
        d([{ ...rootEmpty, result: "accepted", acceptedBy: "none" }], {
          accepted: { id: "a", username: "root", source: "s", method: "none", emptyPassword: true },
        }),
      )[0],
    ).toMatchObject({ status: "fail" });
  });

  it("default credentials: cut short by an error is an error, by the time budget undetermined (incomplete)", () => {
    const base = { planned: ["a", "b", "c"], budget: 3, delayMs: 0, knownEntries: 11, complete: false };
    const rejected = { id: "a", username: "root", result: "rejected" as const };
    expect(
      run(
        defaultCredentialsRule,
        service({ defaultCredentials: { ...base, attempts: [rejected, { id: "b", username: "admin", result: "error", error: "reset" }] } }),
      )[0]!.status,
    ).toBe("error");
    expect(
      run(
        defaultCredentialsRule,
        service({
          defaultCredentials: {
            ...base,
            attempts: [rejected],
            notAttempted: [
              { id: "b", why: "time budget" },
              { id: "c", why: "time budget" },
            ],
          },
        }),
      )[0],
    ).toMatchObject({ status: "undetermined", reason: "incomplete" });
  });

  it("invariant: with the evidence-bearing facts replaced by unknown values, no SSH rule passes", () => {
    const unknown = service({
      banner: { raw: "SSH-2.0-?", protocolVersion: "2.0", software: "?", preBannerLines: [] },
      algorithms: {
        kex: ["?k"],
        hostKey: ["?h"],
        cipherClientToServer: ["?c"],
        cipherServerToClient: ["?c"],
        macClientToServer: ["?m"],
        macServerToClient: ["?m"],
        compressionClientToServer: ["?z"],
        compressionServerToClient: ["?z"],
        strictKex: false,
      },
      hostKeys: [{ keyType: "?h", algorithms: ["?h"], status: "collected", unknownType: true }],
      auth: { username: "otaudit", methods: ["?method"] },
    });
    for (const rule of SSH_RULES) {
      if (rule.meta.id === "ssh.protocol.ssh1") continue; // "2.0" in the banner is the evidence itself
      for (const o of run(rule, unknown, { intrusive: true })) expect(o.status, `${rule.meta.id}: ${o.message}`).not.toBe("pass");
    }
  });
});

describe("auth factors for fleet signals (auth-summary.ts)", () => {
  it("none, single-factor, mfa-verified and unknown from the facts", async () => {
    const { sshAuthFactors } = await import("../../probes/ssh/auth-summary.js");
    expect(sshAuthFactors(service({ auth: { username: "otaudit", methods: [], noneAccepted: true } })).factors).toBe("none");
    expect(sshAuthFactors(service()).factors).toBe("unknown");
    const dc = { planned: ["a"], budget: 3, delayMs: 0, knownEntries: 1, attempts: [], complete: true };
    expect(sshAuthFactors(service({ defaultCredentials: { ...dc, accepted: { id: "a", username: "admin", source: "s", method: "password" } } })).factors).toBe(
      "single-factor",
    );
    expect(
      sshAuthFactors(service({ defaultCredentials: { ...dc, accepted: { id: "a", username: "root", source: "s", method: "password", emptyPassword: true } } }))
        .factors,
    ).toBe("none");
    const mfa = {
      username: "ops",
      factorsGiven: ["password" as const],
      steps: [{ method: "password", result: "partial" as const, next: ["keyboard-interactive"] }],
      authenticated: false,
      mfaObserved: true,
    };
    expect(sshAuthFactors(service({ credentialed: mfa })).factors).toBe("mfa-verified");
  });
});
