// FTP rules on facts: each verdict names its proof (331 to USER before TLS, 230 for anonymous, 234 +
// handshake for AUTH TLS); silence, closed connections and odd codes stay undetermined; every pass
// carries evidence; signals and identity.
import { describe, expect, it } from "vitest";
import ftp from "../../probes/ftp/index.js";
import type { FtpFacts, FtpService } from "../../probes/ftp/facts.js";
import { hasEvidence } from "../../src/rule-kit.js";
import { runRules } from "../vnc/kit.js";

const reply = (code: number, ...text: string[]) => ({
  code,
  lines: text.length ? text.map((t, i) => (i === text.length - 1 ? `${code} ${t}` : i === 0 ? `${code}-${t}` : ` ${t}`)) : [`${code} `],
});
const tlsSession = {
  protocol: "TLSv1.3",
  cipher: "TLS_AES_256_GCM_SHA384",
  chainLength: 1,
  verified: false,
  certificate: {
    subject: "CN=ftp",
    issuer: "CN=ftp",
    serialNumber: "01",
    notBefore: "2024-01-01T00:00:00.000Z",
    notAfter: "2099-01-01T00:00:00.000Z",
    selfSigned: true,
    keyType: "rsa",
    keyBits: 2048,
    signatureAlgorithm: "RSASSA-PKCS1-v1_5 with SHA-256",
    sha256: "cd".repeat(32),
    subjectAltNames: [],
  },
};
const legacy: FtpService = {
  port: 21,
  url: "ftp://192.0.2.1:21",
  greeting: reply(220, "(vsFTPd 3.0.3)"),
  features: { reply: reply(211, "Features:", "PASV", "End"), list: ["PASV"] },
  cleartextUser: { username: "otaudit", reply: reply(331, "Please specify the password.") },
  authTls: { reply: reply(530, "Please login with USER and PASS.") },
  anonymous: { userReply: reply(331, "Please specify the password."), passReply: reply(230, "Login successful."), accepted: true },
};
const hardened: FtpService = {
  ...legacy,
  features: { reply: reply(211, "Features:", "AUTH TLS", "End"), list: ["AUTH TLS"] },
  cleartextUser: { username: "otaudit", reply: reply(530, "Non-anonymous sessions must use encryption.") },
  authTls: { reply: reply(234, "Proceed with negotiation."), tlsSession },
  anonymous: {
    userReply: reply(530, "Non-anonymous sessions must use encryption."),
    accepted: false,
    afterTls: { userReply: reply(530, "This FTP server does not allow anonymous logins."), accepted: false },
  },
};
const statuses = (s: FtpService) => Object.fromEntries(runRules(ftp, { services: [s] }).map((o) => [o.ruleId, o.status]));

describe("FTP rules", () => {
  it("legacy server: cleartext login, no AUTH TLS and anonymous access fail, each naming its reply", () => {
    const out = runRules(ftp, { services: [legacy] });
    expect(statuses(legacy)).toMatchObject({ "ftp.cleartext-login": "fail", "ftp.auth-tls": "fail", "ftp.tls": "not_applicable", "ftp.anonymous": "fail" });
    expect(out.find((o) => o.ruleId === "ftp.cleartext-login")!.message).toMatch(/331 Please specify the password/);
    expect(out.find((o) => o.ruleId === "ftp.anonymous")!.message).toMatch(/230 Login successful/);
  });

  it("hardened server: TLS required, AUTH TLS with TLS 1.3, anonymous refused: no failure", () => {
    expect(statuses(hardened)).toMatchObject({ "ftp.cleartext-login": "pass", "ftp.auth-tls": "pass", "ftp.tls": "pass", "ftp.anonymous": "pass" });
  });

  it("anonymous refused in clear: the answer inside TLS decides (accepted fails, unclear is undetermined)", () => {
    const refused = { userReply: reply(530, "Anonymous sessions must use encryption.") };
    expect(
      statuses({
        ...hardened,
        anonymous: { ...refused, afterTls: { userReply: reply(331, "x"), passReply: reply(230, "Login successful."), accepted: true }, accepted: false },
      })["ftp.anonymous"],
    ).toBe("fail");
    expect(
      statuses({ ...hardened, anonymous: { ...refused, accepted: false, afterTls: { error: { code: "timeout", message: "no reply" } } } })["ftp.anonymous"],
    ).toBe("undetermined");
    expect(
      statuses({ ...hardened, anonymous: { ...refused, accepted: false, afterTls: { userReply: reply(530, "no"), accepted: false } } })["ftp.anonymous"],
    ).toBe("pass");
    // AUTH TLS completed but the login inside TLS was not tried (facts of an older probe): never a pass
    expect(statuses({ ...hardened, anonymous: { ...refused, accepted: false } })["ftp.anonymous"]).toBe("undetermined");
  });

  it("USER alone logging in: critical", () => {
    const [o] = runRules(ftp, { services: [{ ...legacy, cleartextUser: { username: "otaudit", reply: reply(230, "Login successful.") } }] }).filter(
      (x) => x.ruleId === "ftp.cleartext-login",
    );
    expect(o).toMatchObject({ status: "fail", severity: "critical" });
  });

  it("no reply, odd codes, a refused greeting: undetermined, never pass", () => {
    expect(statuses({ ...legacy, cleartextUser: { username: "otaudit", error: { code: "timeout", message: "no reply" } } })["ftp.cleartext-login"]).toBe(
      "undetermined",
    );
    expect(statuses({ ...legacy, cleartextUser: { username: "otaudit", reply: reply(421, "Timeout.") } })["ftp.cleartext-login"]).toBe("undetermined");
    expect(statuses({ ...legacy, anonymous: { userReply: reply(331, "x"), passReply: reply(421, "bye") } })["ftp.anonymous"]).toBe("undetermined");
    expect(statuses({ ...hardened, authTls: { reply: reply(234, "go"), error: { code: "tls", message: "handshake failed" } } })["ftp.auth-tls"]).toBe(
      "undetermined",
    );
    const busy = statuses({ port: 21, url: "ftp://192.0.2.1:21", greeting: reply(421, "Too many users") });
    expect(Object.values(busy).every((s) => s === "undetermined")).toBe(true);
    expect(Object.values(statuses({ port: 21, url: "ftp://192.0.2.1:21", error: { code: "timeout", message: "x" } })).every((s) => s === "error")).toBe(true);
  });

  it("every pass carries evidence", () => {
    for (const o of runRules(ftp, { services: [legacy, hardened] })) if (o.status === "pass") expect(hasEvidence(o.evidence), o.ruleId).toBe(true);
  });
});

describe("identity and signals", () => {
  it("the greeting names vsftpd 3.0.3 for advisories", () => {
    expect(ftp.identify!({ services: [legacy] })).toEqual([
      { vendor: "Chris Evans", product: "vsftpd", version: "3.0.3", source: "ftp greeting", raw: "220 (vsFTPd 3.0.3)", port: 21 },
    ]);
  });
  it("signals: a cleartext channel carrying credentials and anonymous remote access", () => {
    const s = ftp.signals!({ services: [legacy] } as FtpFacts, []);
    expect(s.cleartext![0]).toMatchObject({ scheme: "ftp", carries: "credentials" });
    expect(s.remoteAccess![0]!.factors).toBe("none");
    expect(ftp.signals!({ services: [hardened] }, []).keys![0]).toMatchObject({ kind: "x509-certificate", fingerprint: `sha256:${"cd".repeat(32)}` });
  });
});
