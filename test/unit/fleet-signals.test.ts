// Fleet rules read typed signals (issue 12 §3). Remote-access auth factors from each plugin's
// facts: OPC UA password-only access is single-factor (a rule-id pattern used to count it as MFA),
// MFA is verified only by a partial success the bench login observed, anything else is unknown;
// an unknown factor never counts as MFA and never as a pass. The OPC UA facts here carry what the
// probe records per user token (authFactors, passwordExposure: probes/opcua/security.ts); the
// signals of every plugin are also checked on real recorded facts (fixtures/real, fixtures/library).
import { describe, expect, it } from "vitest";
import { PLUGINS } from "../../probes/registry.js";
import { evaluateFleet } from "../../src/fleet/index.js";
import { deviceSignals } from "../../src/fleet/signals.js";
import type { FactsEnvelope } from "../../src/model/facts.js";
import type { DeviceResult } from "../../src/model/result.js";
import type { SshFacts, SshService } from "../../probes/ssh/facts.js";
import type { OpcuaFacts } from "../../probes/opcua/facts.js";
import type { ModbusFacts } from "../../probes/modbus/facts.js";
import type { HttpFacts, HttpService } from "../../probes/http/facts.js";
import { annotateEndpoints } from "../../probes/opcua/security.js";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../src/version.js";

const env = (protocol: string, data: unknown): FactsEnvelope => ({
  protocol,
  status: "ok",
  endpoints: [],
  startedAt: "2026-01-01T00:00:00.000Z",
  durationMs: 1,
  probeVersion: "1.0.0",
  data,
});
const device = (host: string, facts: Record<string, FactsEnvelope>) => ({ host, facts }) as unknown as DeviceResult;

const ssh = (extra: Partial<SshService>): SshFacts => ({ services: [{ port: 22, url: "ssh://h:22", hostKeys: [], ...extra }] });
const sshAuth = (methods: string[]) => ({ auth: { username: "otaudit-probe", methods } });
const mfaLogin = {
  username: "ops",
  factorsGiven: ["password", "publickey"] as ("password" | "publickey")[],
  steps: [
    { method: "publickey", result: "partial" as const, next: ["password"] },
    { method: "password", result: "success" as const },
  ],
  authenticated: true,
  mfaObserved: true,
};

/** OPC UA facts as the probe records them: each user token annotated by the probe's own decisions (security.ts). */
function opcua(tokens: string[], mode: "None" | "SignAndEncrypt" = "SignAndEncrypt"): OpcuaFacts {
  return {
    discoveryUrl: "opc.tcp://h:4840",
    transport: { protocolVersion: 0, receiveBufferSize: 65535, sendBufferSize: 65535, maxMessageSize: 0, maxChunkCount: 0 },
    endpoints: annotateEndpoints(
      [
        {
          endpointUrl: "opc.tcp://h:4840",
          securityPolicyUri: mode === "None" ? "http://opcfoundation.org/UA/SecurityPolicy#None" : "http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256",
          securityMode: mode,
          securityLevel: 1,
          transportProfileUri: "",
          userTokens: tokens.map((t, i) => ({ policyId: `p${i}`, tokenType: t as "UserName", securityPolicyUri: null })),
          certificateSha256: mode === "None" ? null : "ab".repeat(32),
          applicationUri: "urn:x",
          productUri: "urn:x",
          applicationName: "x",
        },
      ],
      [],
    ),
    certificates: [],
    certificateErrors: [],
    anonymousSession: { status: "skipped", message: "" },
    trustTest: { status: "skipped", message: "" },
  };
}

const factorsOf = (facts: Record<string, FactsEnvelope>) => deviceSignals({ facts }, PLUGINS).remoteAccess.map((r) => `${r.protocol}:${r.factors}`);
const remoteRule = (devices: DeviceResult[]) => evaluateFleet(devices).findings.find((f) => f.ruleId === "fleet.remote-access.no-mfa")!;

describe("remote-access auth factors from facts", () => {
  it("SSH: none, single factor, verified MFA, unknown", () => {
    expect(factorsOf({ ssh: env("ssh", ssh({ auth: { username: "u", noneAccepted: true } })) })).toEqual(["ssh:none"]);
    expect(factorsOf({ ssh: env("ssh", ssh(sshAuth(["publickey", "password"]))) })).toEqual(["ssh:single-factor"]);
    expect(factorsOf({ ssh: env("ssh", ssh({ ...sshAuth(["publickey"]), credentialed: mfaLogin })) })).toEqual(["ssh:mfa-verified"]);
    expect(
      factorsOf({
        ssh: env(
          "ssh",
          ssh({ ...sshAuth(["publickey"]), credentialed: { ...mfaLogin, mfaObserved: false, steps: [{ method: "publickey", result: "success" }] } }),
        ),
      }),
    ).toEqual(["ssh:single-factor"]);
    expect(factorsOf({ ssh: env("ssh", ssh(sshAuth(["publickey"]))) })).toEqual(["ssh:unknown"]);
    expect(factorsOf({ ssh: env("ssh", ssh({})) })).toEqual(["ssh:unknown"]);
  });

  it("OPC UA: a UserName token (password only) is single-factor, Anonymous is none, other tokens unknown", () => {
    // what the probe records per token (one source of truth for the signal)
    expect(opcua(["UserName", "Anonymous", "IssuedToken"]).endpoints[0]!.userTokens.map((t) => t.authFactors)).toEqual(["single", "none", "unknown"]);
    expect(opcua(["UserName"], "None").endpoints[0]!.userTokens[0]!.passwordExposure?.status).toBe("cleartext");
    expect(opcua(["UserName"]).endpoints[0]!.userTokens[0]!.passwordExposure).toMatchObject({ status: "protected", by: "channel" });
    expect(factorsOf({ opcua: env("opcua", opcua(["UserName"])) })).toEqual(["opcua:single-factor"]);
    expect(factorsOf({ opcua: env("opcua", opcua(["UserName", "Anonymous"])) })).toEqual(["opcua:none"]);
    expect(factorsOf({ opcua: env("opcua", opcua(["IssuedToken"])) })).toEqual(["opcua:unknown"]);
    // facts of an older probe (no per-token decision recorded) are unknown, never single-factor or MFA
    const old = opcua(["UserName"]);
    old.endpoints[0]!.userTokens = old.endpoints[0]!.userTokens.map(({ authFactors: _a, passwordExposure: _p, ...t }) => t);
    expect(factorsOf({ opcua: env("opcua", old) })).toEqual(["opcua:unknown"]);
  });

  it("a probe that failed gives no signal; a signals() that throws is recorded, never read as none", () => {
    expect(factorsOf({ ssh: { ...env("ssh", undefined), status: "error" } })).toEqual([]);
    const broken = deviceSignals({ facts: { ssh: env("ssh", { services: "not a list" }) } }, PLUGINS);
    expect(broken.errors.map((e) => e.protocol)).toEqual(["ssh"]);
  });
});

describe("fleet rule: remote access without MFA", () => {
  it("OPC UA password-only access fails the rule (not counted as MFA)", () => {
    const f = remoteRule([device("10.0.0.1", { opcua: env("opcua", opcua(["UserName"])) })]);
    expect(f).toMatchObject({ status: "fail", devices: ["10.0.0.1"] });
  });

  it("unknown factors are undetermined, never a pass; only verified MFA everywhere passes", () => {
    const unknown = remoteRule([
      device("10.0.0.1", { ssh: env("ssh", ssh({ ...sshAuth(["publickey"]), credentialed: mfaLogin })) }),
      device("10.0.0.2", { ssh: env("ssh", ssh(sshAuth(["publickey"]))) }),
    ]);
    expect(unknown).toMatchObject({ status: "undetermined", reason: "not-attempted", devices: ["10.0.0.2"] });
    const verified = remoteRule([device("10.0.0.1", { ssh: env("ssh", ssh({ ...sshAuth(["publickey"]), credentialed: mfaLogin })) })]);
    expect(verified.status).toBe("pass");
    expect(verified.evidence).toMatchObject({ remoteAccessDevices: 1 });
  });
});

describe("cleartext and keys signals", () => {
  it("OPC UA None endpoints and clear passwords, Modbus/TCP plain, certificates as keys", () => {
    const s = deviceSignals({ facts: { opcua: env("opcua", opcua(["UserName"], "None")) } }, PLUGINS);
    expect(s.cleartext.map((c) => c.carries)).toEqual(["data", "credentials"]);
    const modbus: ModbusFacts = {
      plain: [
        {
          port: 502,
          url: "modbus://h:502",
          role: "target",
          reachability: "open",
          answersUnauthenticated: true,
          unitsTried: [1],
          fullSweep: false,
          units: [],
          exchanges: [],
          functionCodesSent: [43],
        },
      ],
      secure: [],
      writeTest: { status: "not_requested", functionCodes: [] },
    };
    expect(deviceSignals({ facts: { modbus: env("modbus", modbus) } }, PLUGINS).cleartext).toMatchObject([
      { protocol: "modbus", port: 502, carries: "control" },
    ]);
    const shared = evaluateFleet([
      device("a", { opcua: env("opcua", { ...opcua(["UserName"]), certificates: [] }) }),
      device("b", { opcua: env("opcua", opcua(["UserName"])) }),
    ]).findings.find((f) => f.ruleId === "fleet.certificate.shared")!;
    expect(shared).toMatchObject({ status: "fail", devices: ["a", "b"] });
  });
});

/** The facts of one device of a recording (fixtures/<lib>/<name>/recording.json). */
function recorded(path: string): Record<string, FactsEnvelope> {
  const file = join(PACKAGE_ROOT, "fixtures", path, "recording.json");
  expect(existsSync(file), file).toBe(true);
  return (JSON.parse(readFileSync(file, "utf8")) as { devices: { facts: Record<string, FactsEnvelope> }[] }).devices[0]!.facts;
}
const signalsOf = (path: string) => deviceSignals({ facts: recorded(path) }, PLUGINS);
const brief = (xs: { protocol: string; carries?: string; factors?: string; tried?: number; key?: string }[]) =>
  xs.map((x) => [x.protocol, x.factors ?? x.carries ?? x.tried ?? x.key].join(":"));

describe("default-credential checks count only when every planned attempt got a definite answer", () => {
  it("SSH: a run cut short (an error, the budget) is not 'checked, none accepted'; a complete one is", () => {
    const attempt = { id: "a", username: "admin", method: "password" as const, result: "rejected" as const };
    const dc = (over: object) => ({ planned: ["a", "b"], budget: 3, delayMs: 0, knownEntries: 2, attempts: [attempt], ...over });
    const checks = (over: object) =>
      deviceSignals({ facts: { ssh: env("ssh", ssh({ ...sshAuth(["publickey"]), defaultCredentials: dc(over) })) } }, PLUGINS).defaultCredentialChecks;
    expect(checks({ complete: false, attempts: [attempt, { ...attempt, id: "b", result: "error", error: "reset" }] })).toEqual([]);
    expect(checks({ complete: false, notAttempted: [{ id: "b", why: "time window" }] })).toEqual([]);
    expect(checks({ complete: true, attempts: [attempt, { ...attempt, id: "b" }] })).toMatchObject([{ protocol: "ssh", tried: 2 }]);
  });

  it("OPC UA: a run that stopped on an error is not 'checked'; a complete one is", () => {
    const withDefaults = (status: "ok" | "error", tried: number) => ({
      ...opcua(["UserName"]),
      defaultCredentials: { status, tried, planned: 2, accepted: [], message: "" },
    });
    expect(deviceSignals({ facts: { opcua: env("opcua", withDefaults("error", 1)) } }, PLUGINS).defaultCredentialChecks).toEqual([]);
    expect(deviceSignals({ facts: { opcua: env("opcua", withDefaults("ok", 2)) } }, PLUGINS).defaultCredentialChecks).toMatchObject([
      { protocol: "opcua", tried: 2 },
    ]);
  });

  it("HTTP: a run cut short (an error, the budget) is not 'checked, none accepted'; a complete one is", () => {
    const rejected = { id: "a", username: "admin", result: "rejected" as const, status: 401 };
    const http = (defaultCredentials: object): HttpFacts => ({
      services: [
        {
          port: 8080,
          url: "http://h:8080/",
          scheme: "http",
          serverName: "h",
          exchanges: [{ url: "http://h:8080/", method: "GET", tls: false, status: 401, headers: [], forms: [], challenges: [{ scheme: "Basic" }], hints: [] }],
          defaultCredentials: { mechanism: "basic", url: "http://h:8080/", ...defaultCredentials } as HttpService["defaultCredentials"],
        },
      ],
    });
    const checks = (dc: object) => deviceSignals({ facts: { http: env("http", http(dc)) } }, PLUGINS).defaultCredentialChecks;
    expect(checks({ complete: false, attempts: [rejected, { ...rejected, id: "b", result: "error" }] })).toEqual([]);
    expect(checks({ complete: false, attempts: [rejected], notTried: "the device's login budget is spent" })).toEqual([]);
    expect(checks({ complete: true, attempts: [rejected, { ...rejected, id: "b" }] })).toMatchObject([{ protocol: "http", tried: 2 }]);
  });
});

describe("signals from recorded facts (real daemons and the fixture library)", () => {
  it("SSH: OpenSSH and Dropbear offer a password first (single-factor); publickey-only OpenSSH is unknown, never MFA; host keys (and a host certificate) are keys", () => {
    for (const name of ["real/openssh", "real/dropbear"]) {
      const s = signalsOf(name);
      expect(brief(s.remoteAccess), name).toEqual(["ssh:single-factor"]);
      expect(
        s.keys.map((k) => k.kind),
        name,
      ).toEqual(["host-key", "host-key", "host-key"]);
      expect(new Set(s.keys.map((k) => k.fingerprint)).size, name).toBe(3);
      expect(s.defaultCredentialChecks, `${name}: a default run tries no password`).toEqual([]);
    }
    const hardened = signalsOf("real/openssh-hardened");
    expect(brief(hardened.remoteAccess)).toEqual(["ssh:unknown"]);
    expect(hardened.keys.map((k) => k.label)).toEqual(["ssh-ed25519 host key", "ssh-ed25519-cert-v01@openssh.com host key"]);
  });

  it("SSH and OPC UA defaults accepted by the intrusive legacy-plc recording are default credentials (labels, never passwords); nothing accepted is not 'checked'", () => {
    const s = signalsOf("library/legacy-plc");
    expect(brief(s.defaultCredentials)).toEqual(["ssh:ssh:siemens-scalance-admin", "snmp:snmp:public", "snmp:snmp:private", "opcua:opcua:admin"]);
    expect(s.defaultCredentials.find((c) => c.protocol === "ssh")!.label).toBe(
      "account 'admin' with its default password (Siemens default, entry siemens-scalance-admin)",
    );
    expect(JSON.stringify(s)).not.toMatch(/password["']?\s*[:=]/i);
    expect(s.defaultCredentialChecks).toEqual([]);
    expect(brief(s.remoteAccess)).toEqual(["ssh:single-factor", "opcua:none"]);
  });

  it("SNMP: snmpd answering 'public' is a cleartext channel and a default credential; the v3-only snmpd proves the refusal by its counters (checked, none accepted), and has no cleartext channel", () => {
    const open = signalsOf("real/snmpd");
    expect(brief(open.cleartext)).toEqual(["snmp:credentials"]);
    expect(brief(open.defaultCredentials)).toEqual(["snmp:snmp:public"]);
    expect(open.defaultCredentialChecks).toEqual([]);
    const v3 = signalsOf("real/snmpd-v3only");
    expect(v3.cleartext).toEqual([]);
    expect(v3.defaultCredentials).toEqual([]);
    expect(brief(v3.defaultCredentialChecks)).toEqual(["snmp:1"]);
    // the same facts without the counter proof: silence is not a refusal, so no "checked" signal
    const facts = recorded("real/snmpd-v3only");
    const data = structuredClone(facts.snmp!.data) as { communities: { proof?: unknown } };
    delete data.communities.proof;
    expect(deviceSignals({ facts: { snmp: { ...facts.snmp!, data } } }, PLUGINS).defaultCredentialChecks).toEqual([]);
  });

  it("Modbus: pymodbus answering without authentication is a cleartext control channel; a Modbus/TCP Security certificate is a key", () => {
    expect(brief(signalsOf("real/pymodbus").cleartext)).toEqual(["modbus:control"]);
    expect(signalsOf("real/pymodbus").keys).toEqual([]);
    expect(
      signalsOf("library/hardened-controller")
        .keys.filter((k) => k.protocol === "modbus")
        .map((k) => [k.kind, k.scheme]),
    ).toEqual([["x509-certificate", "modbus+tls"]]);
  });

  it("OPC UA: node-opcua with Anonymous is remote access without authentication; None carries data in clear, but the passwords are protected by their token policies (no credentials signal); UserName-only is single-factor", () => {
    const s = signalsOf("real/node-opcua");
    expect(brief(s.remoteAccess)).toEqual(["opcua:none"]);
    expect(brief(s.cleartext)).toEqual(["opcua:data"]);
    expect(s.keys.map((k) => k.kind)).toEqual(["x509-certificate"]);
    expect(brief(signalsOf("library/hardened-controller").remoteAccess.filter((r) => r.protocol === "opcua"))).toEqual(["opcua:single-factor"]);
  });

  it("fleet rules over the recorded devices: remote access without MFA fails (single-factor and anonymous access seen), default communities and credentials are findings", () => {
    const devices = ["real/openssh", "real/openssh-hardened", "real/node-opcua", "real/snmpd", "real/snmpd-v3only", "real/pymodbus"].map((p, i) =>
      device(`10.0.0.${i + 1}`, recorded(p)),
    );
    const f = evaluateFleet(devices).findings;
    expect(f.find((x) => x.ruleId === "fleet.remote-access.no-mfa")).toMatchObject({ status: "fail", devices: ["10.0.0.1", "10.0.0.3"] });
    expect(f.filter((x) => x.ruleId === "fleet.credential.shared-default").map((x) => [x.status, x.devices])).toEqual([["fail", ["10.0.0.4"]]]);
    expect(f.find((x) => x.ruleId === "fleet.host-key.shared")).toMatchObject({ status: "pass" });
  });
});
