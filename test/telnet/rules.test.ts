// Telnet rules on facts: the proof named in each failure (IAC negotiation, text, a prompt), a
// command prompt without login is critical, silence is undetermined, a failed service is an error;
// the default-credential outcome; signals and identity; every pass carries evidence.
import { describe, expect, it } from "vitest";
import telnet from "../../probes/telnet/index.js";
import type { TelnetFacts, TelnetService } from "../../probes/telnet/facts.js";
import { hasEvidence } from "../../src/rule-kit.js";
import { runRules } from "../vnc/kit.js";

const neg = {
  iac: true,
  proposals: [
    { verb: "DO" as const, option: 24, name: "TERMINAL-TYPE" },
    { verb: "WILL" as const, option: 1, name: "ECHO" },
  ],
  proposalsDropped: 0,
  subnegotiations: 0,
  refusals: 2,
};
const svc = (prompt: TelnetService["prompt"], text: string, extra: Partial<TelnetService> = {}): TelnetService => ({
  port: 23,
  url: "telnet://192.0.2.1:23",
  negotiation: neg,
  banner: { text, bytes: text.length, truncated: false, lastLine: text.slice(text.lastIndexOf("\n") + 1) },
  prompt,
  ...extra,
});
const out = (s: TelnetService) => Object.fromEntries(runRules(telnet, { services: [s] }, { intrusive: true }).map((o) => [o.ruleId, o]));

describe("Telnet rules", () => {
  it("a login prompt: cleartext fail naming the negotiation, auth fail naming the prompt", () => {
    const o = out(svc("login", "LX-100\r\nlx100 login: "));
    expect(o["telnet.cleartext"]!.status).toBe("fail");
    expect(o["telnet.cleartext"]!.message).toMatch(/IAC DO TERMINAL-TYPE, IAC WILL ECHO; RFC 854/);
    expect(o["telnet.auth.cleartext"]!.status).toBe("fail");
    expect(o["telnet.auth.cleartext"]!.severity).toBeUndefined();
    expect(o["telnet.auth.cleartext"]!.message).toMatch(/login prompt \("lx100 login: "\)/);
  });

  it("a command prompt without login: critical", () => {
    expect(out(svc("command", "Router>"))["telnet.auth.cleartext"]).toMatchObject({ status: "fail", severity: "critical" });
  });

  it("text without negotiation still proves a cleartext service; no recognisable prompt is undetermined", () => {
    const o = out(svc("none", "Welcome\r\n", { negotiation: { ...neg, iac: false, proposals: [], refusals: 0 } }));
    expect(o["telnet.cleartext"]!.message).toMatch(/sent 9 bytes of text/);
    expect(o["telnet.auth.cleartext"]).toMatchObject({ status: "undetermined", reason: "unobservable" });
  });

  it("the ENCRYPT option is named as obsolete, and the verdict stands", () => {
    const o = out(svc("login", "login: ", { negotiation: { ...neg, proposals: [{ verb: "WILL", option: 38, name: "ENCRYPT" }] } }));
    expect(o["telnet.cleartext"]!.message).toMatch(/ENCRYPT option, RFC 2946/);
  });

  it("silence after connect: undetermined, never pass; a failed service: error", () => {
    const silent = out({
      port: 23,
      url: "telnet://192.0.2.1:23",
      negotiation: { ...neg, iac: false, proposals: [], refusals: 0 },
      banner: { text: "", bytes: 0, truncated: false, lastLine: "" },
      prompt: "none",
      nudged: true,
    });
    expect(silent["telnet.cleartext"]).toMatchObject({ status: "undetermined", reason: "no-answer" });
    const failed = out({ port: 23, url: "telnet://192.0.2.1:23", error: { code: "timeout", message: "x" } });
    expect(Object.values(failed).every((o) => o.status === "error")).toBe(true);
  });

  it("default credentials: accepted fails naming the account; an unclear answer is undetermined", () => {
    const base = { planned: ["generic-admin-admin"], budget: 1, delayMs: 0, knownEntries: 8 };
    const acc = out(
      svc("login", "login: ", {
        defaultCredentials: {
          ...base,
          attempts: [{ id: "generic-admin-admin", username: "admin", result: "accepted" }],
          accepted: { id: "generic-admin-admin", username: "admin", source: "x" },
          complete: true,
        },
      }),
    );
    expect(acc["telnet.auth.default-credentials"]).toMatchObject({ status: "fail", evidence: { account: "admin" } });
    const unclear = out(
      svc("login", "login: ", {
        defaultCredentials: {
          ...base,
          attempts: [{ id: "generic-admin-admin", username: "admin", result: "error", detail: "asked for another password" }],
          complete: false,
        },
      }),
    );
    expect(unclear["telnet.auth.default-credentials"]).toMatchObject({ status: "undetermined", reason: "incomplete" });
  });

  it("every pass carries evidence", () => {
    const base = { planned: ["a"], budget: 1, delayMs: 0, knownEntries: 1 };
    const s = svc("login", "login: ", { defaultCredentials: { ...base, attempts: [{ id: "a", username: "admin", result: "rejected" }], complete: true } });
    for (const o of runRules(telnet, { services: [s] }, { intrusive: true })) if (o.status === "pass") expect(hasEvidence(o.evidence)).toBe(true);
  });
});

describe("identity and signals", () => {
  it("the banner before the prompt is free text for advisories", () => {
    expect(telnet.identify!({ services: [svc("login", "\r\nExample Automation LX-100 fw 2.4.1\r\n\r\nlogin: ")] })).toEqual([
      { text: "Example Automation LX-100 fw 2.4.1", source: "telnet banner", raw: "\r\nExample Automation LX-100 fw 2.4.1\r\n\r\nlogin: ", port: 23 },
    ]);
  });
  it("signals: a cleartext channel carrying credentials, single-factor remote access; a command prompt is none", () => {
    const s = telnet.signals!({ services: [svc("login", "login: ")] } as TelnetFacts, []);
    expect(s.cleartext![0]).toMatchObject({ scheme: "telnet", carries: "credentials" });
    expect(s.remoteAccess![0]!.factors).toBe("single-factor");
    expect(telnet.signals!({ services: [svc("command", "# ")] }, []).remoteAccess![0]!.factors).toBe("none");
  });
});
