// Fleet rules read typed signals (issue 12 §3). Remote-access auth factors from each plugin's
// facts: OPC UA password-only access is single-factor (a rule-id pattern used to count it as MFA),
// MFA is verified only by a partial success the bench login observed, anything else is unknown;
// an unknown factor never counts as MFA and never as a pass.
import { describe, expect, it } from "vitest";
import { PLUGINS } from "../../probes/registry.js";
import { evaluateFleet } from "../../src/fleet/index.js";
import { deviceSignals } from "../../src/fleet/signals.js";
import type { FactsEnvelope } from "../../src/model/facts.js";
import type { DeviceResult } from "../../src/model/result.js";
import type { SshFacts, SshService } from "../../probes/ssh/facts.js";
import type { OpcuaFacts } from "../../probes/opcua/facts.js";
import type { ModbusFacts } from "../../probes/modbus/facts.js";

const env = (protocol: string, data: unknown): FactsEnvelope => ({ protocol, status: "ok", endpoints: [], startedAt: "2026-01-01T00:00:00.000Z", durationMs: 1, probeVersion: "1.0.0", data });
const device = (host: string, facts: Record<string, FactsEnvelope>) => ({ host, facts }) as unknown as DeviceResult;

const ssh = (extra: Partial<SshService>): SshFacts => ({ services: [{ port: 22, url: "ssh://h:22", hostKeys: [], ...extra }] });
const sshAuth = (methods: string[]) => ({ auth: { username: "otaudit-probe", methods } });
const mfaLogin = { username: "ops", factorsGiven: ["password", "publickey"] as ("password" | "publickey")[], steps: [{ method: "publickey", result: "partial" as const, next: ["password"] }, { method: "password", result: "success" as const }], authenticated: true, mfaObserved: true };

function opcua(tokens: string[], mode: "None" | "SignAndEncrypt" = "SignAndEncrypt"): OpcuaFacts {
  return {
    discoveryUrl: "opc.tcp://h:4840",
    transport: { protocolVersion: 0, receiveBufferSize: 65535, sendBufferSize: 65535, maxMessageSize: 0, maxChunkCount: 0 },
    endpoints: [
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
    expect(factorsOf({ ssh: env("ssh", ssh({ ...sshAuth(["publickey"]), credentialed: { ...mfaLogin, mfaObserved: false, steps: [{ method: "publickey", result: "success" }] } })) })).toEqual(["ssh:single-factor"]);
    expect(factorsOf({ ssh: env("ssh", ssh(sshAuth(["publickey"]))) })).toEqual(["ssh:unknown"]);
    expect(factorsOf({ ssh: env("ssh", ssh({})) })).toEqual(["ssh:unknown"]);
  });

  it("OPC UA: a UserName token (password only) is single-factor, Anonymous is none, other tokens unknown", () => {
    expect(factorsOf({ opcua: env("opcua", opcua(["UserName"])) })).toEqual(["opcua:single-factor"]);
    expect(factorsOf({ opcua: env("opcua", opcua(["UserName", "Anonymous"])) })).toEqual(["opcua:none"]);
    expect(factorsOf({ opcua: env("opcua", opcua(["IssuedToken"])) })).toEqual(["opcua:unknown"]);
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
    const unknown = remoteRule([device("10.0.0.1", { ssh: env("ssh", ssh({ ...sshAuth(["publickey"]), credentialed: mfaLogin })) }), device("10.0.0.2", { ssh: env("ssh", ssh(sshAuth(["publickey"]))) })]);
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
      plain: [{ port: 502, url: "modbus://h:502", role: "target", reachability: "open", answersUnauthenticated: true, unitsTried: [1], fullSweep: false, units: [], exchanges: [], functionCodesSent: [43] }],
      secure: [],
      writeTest: { status: "not_requested", functionCodes: [] },
    };
    expect(deviceSignals({ facts: { modbus: env("modbus", modbus) } }, PLUGINS).cleartext).toMatchObject([{ protocol: "modbus", port: 502, carries: "control" }]);
    const shared = evaluateFleet([device("a", { opcua: env("opcua", { ...opcua(["UserName"]), certificates: [] }) }), device("b", { opcua: env("opcua", opcua(["UserName"])) })]).findings.find((f) => f.ruleId === "fleet.certificate.shared")!;
    expect(shared).toMatchObject({ status: "fail", devices: ["a", "b"] });
  });
});
