// The shared default-credential run (src/knowledge/login-run.ts): facts never keep the tried
// password, even when the device echoes it; only a complete run of rejections passes.
import { describe, expect, it } from "vitest";
import { loginRunFacts, loginRunOutcome, notTriedFacts } from "../../src/knowledge/login-run.js";
import type { DefaultCredentialEntry, DefaultCredentialsFile } from "../../src/knowledge/default-credentials.js";
import type { LoginRun } from "../../src/net/logins.js";

const data: DefaultCredentialsFile = {
  sources: { doc: { title: "vendor manual", url: "https://example.com/manual", licence: "fact cited" } },
  entries: [
    { id: "acme-admin", vendor: "Acme", username: "admin", password: "s3cr3t-pw", source: "doc" },
    { id: "acme-root", username: "root", password: "toor99", source: "doc" },
  ],
};
const [admin, root] = data.entries as [DefaultCredentialEntry, DefaultCredentialEntry];
const pacing = { budget: 2, delayMs: 0 };

describe("loginRunFacts", () => {
  it("masks the tried password in the device's answer and in an unclear-answer error", () => {
    const run: LoginRun<DefaultCredentialEntry> = {
      attempts: [
        { entry: admin, result: { outcome: "rejected" } },
        { entry: root, result: { outcome: "error", error: 'no recognisable answer ("toor99")' } },
      ],
      notTried: [],
      complete: false,
    };
    const facts = loginRunFacts(run, data, pacing, new Map([["acme-admin", 'refused ("s3cr3t-pw\\r\\nLogin incorrect")']]));
    const text = JSON.stringify(facts);
    expect(text).not.toContain("s3cr3t-pw");
    expect(text).not.toContain("toor99");
    expect(facts.attempts[0]!.detail).toBe('refused ("***\\r\\nLogin incorrect")');
    expect(facts.attempts[1]!.detail).toBe('no recognisable answer ("***")');
    expect(JSON.stringify(loginRunOutcome(facts, "Telnet login"))).not.toContain("toor99");
  });

  it("passes only when every planned entry was clearly rejected", () => {
    const all: LoginRun<DefaultCredentialEntry> = {
      attempts: [
        { entry: admin, result: { outcome: "rejected" } },
        { entry: root, result: { outcome: "rejected" } },
      ],
      notTried: [],
      complete: true,
    };
    expect(loginRunOutcome(loginRunFacts(all, data, pacing), "Telnet login").status).toBe("pass");
    const cut = { ...all, attempts: all.attempts.slice(0, 1), complete: false };
    expect(loginRunOutcome(loginRunFacts(cut, data, pacing), "Telnet login")).toMatchObject({ status: "undetermined", reason: "incomplete" });
    expect(loginRunOutcome(notTriedFacts(data, pacing, "no login prompt"), "Telnet login")).toMatchObject({
      status: "undetermined",
      reason: "not-attempted",
    });
    expect(loginRunOutcome(undefined, "Telnet login")).toMatchObject({ status: "undetermined", reason: "not-attempted" });
  });

  it("fails on an accepted entry, naming the account and source but not the password", () => {
    const run: LoginRun<DefaultCredentialEntry> = {
      attempts: [{ entry: admin, result: { outcome: "accepted" } }],
      notTried: [],
      complete: true,
      accepted: admin,
    };
    const o = loginRunOutcome(loginRunFacts(run, data, pacing), "Telnet login");
    expect(o.status).toBe("fail");
    expect(o.evidence).toMatchObject({ account: "admin", entry: "acme-admin", source: "https://example.com/manual" });
    expect(JSON.stringify(o)).not.toContain("s3cr3t-pw");
  });
});
