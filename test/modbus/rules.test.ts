// Modbus rules on hand-made facts (no network) and profileFromFacts: recorded facts -> a simulator
// profile that the simulator accepts. (The TLS knowledge file's invariants: knowledge.test.ts.)
import { describe, expect, test } from "vitest";
import { runRules } from "../../src/engine/rules.js";
import type { FactsEnvelope } from "../../src/model/facts.js";
import modbus from "../../probes/modbus/index.js";
import type { ModbusFacts, TlsEndpointFacts } from "../../probes/modbus/facts.js";
import { tlsKnowledge } from "../../probes/modbus/knowledge.js";
import { ModbusSimProfile } from "../../probes/modbus/profile.js";
import { parseWriteTarget } from "../../probes/modbus/options.js";

function envelope(data: ModbusFacts): FactsEnvelope<ModbusFacts> {
  return { protocol: "modbus", status: "ok", endpoints: [], startedAt: new Date().toISOString(), durationMs: 1, probeVersion: modbus.version, data };
}
const noWrite = { status: "not_requested" as const, functionCodes: [] };
const tlsBase: TlsEndpointFacts = {
  port: 802,
  url: "modbus+tls://10.0.0.5:802",
  role: "target",
  reachability: "open",
  tlsOffered: true,
  service: { proof: "handshake-completed", detail: "a TLSv1.3 handshake completed" },
  versions: [
    { version: "SSLv3", result: "refused" },
    { version: "TLSv1", result: "refused" },
    { version: "TLSv1.1", result: "refused" },
    { version: "TLSv1.2", result: "accepted", serverVersion: 0x0303, cipherCode: 0xc02b, cipher: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", group: 29 },
    { version: "TLSv1.3", result: "accepted", serverVersion: 0x0304, cipherCode: 0x1301, cipher: "TLS_AES_128_GCM_SHA256", group: 29 },
  ],
  weakSuites: tlsKnowledge().weakSuites.map((w) => ({ id: w.id, result: "refused" as const })),
  negotiated: { protocol: "TLSv1.3", cipher: "TLS_AES_128_GCM_SHA256", group: "X25519" },
  clientCertificate: { required: "required", evidence: "alert", alert: { code: 116, name: "certificate_required" }, detail: "alert 116" },
  withClientCertificate: { status: "not_supplied" },
};
function statuses(facts: ModbusFacts, intrusive = false) {
  const findings = runRules(modbus, envelope(facts), { host: "10.0.0.5", intrusive, credentialed: false });
  return Object.fromEntries(findings.map((f) => [f.ruleId, f.status]));
}

describe("modbus rules", () => {
  test("plain port closed and 802 closed: exposure passes, security absent fails", () => {
    const s = statuses({
      plain: [
        {
          port: 502,
          url: "modbus://10.0.0.5:502",
          role: "target",
          reachability: "closed",
          answersUnauthenticated: false,
          unitsTried: [],
          fullSweep: false,
          units: [],
          exchanges: [],
          functionCodesSent: [],
        },
      ],
      secure: [{ ...tlsBase, reachability: "closed", tlsOffered: false, versions: [], weakSuites: [], clientCertificate: { required: "unknown", detail: "" } }],
      writeTest: noWrite,
    });
    expect(s).toMatchObject({
      "modbus.plain.exposed": "pass",
      "modbus.security.absent": "fail",
      "modbus.security.client-auth": "not_applicable",
      "modbus.write.unauthenticated": "skipped",
    });
  });

  test("the known-good endpoint passes TLS parameters and client authentication", () => {
    const s = statuses({ plain: [], secure: [tlsBase], writeTest: noWrite });
    expect(s).toMatchObject({ "modbus.security.absent": "pass", "modbus.security.tls-weak": "pass", "modbus.security.client-auth": "pass" });
  });

  test("TLS marked offered without the recorded proof (service) is never a pass: undetermined no-evidence", () => {
    const { service: _proof, ...noProof } = tlsBase;
    const findings = runRules(modbus, envelope({ plain: [], secure: [noProof], writeTest: noWrite }), {
      host: "10.0.0.5",
      intrusive: false,
      credentialed: false,
    });
    expect(findings.find((f) => f.ruleId === "modbus.security.absent")).toMatchObject({ status: "undetermined", reason: "no-evidence" });
    expect(
      statuses({ plain: [], secure: [{ ...tlsBase, service: { proof: "none", detail: "ServerHello, then reset" } }], writeTest: noWrite })[
        "modbus.security.absent"
      ],
    ).toBe("undetermined");
  });

  test("a weak version that could not be tested is never a pass (undetermined, not skipped: changed on purpose)", () => {
    const t = { ...tlsBase, versions: tlsBase.versions.map((v) => (v.version === "TLSv1" ? { ...v, result: "untestable" as const } : v)) };
    expect(statuses({ plain: [], secure: [t], writeTest: noWrite })["modbus.security.tls-weak"]).toBe("undetermined");
  });

  test("client authentication unknown is undetermined; a missing certificate is skipped, not passed", () => {
    const t = { ...tlsBase, clientCertificate: { required: "unknown" as const, detail: "timeout" } };
    const s = statuses({ plain: [], secure: [t], writeTest: noWrite });
    expect(s["modbus.security.client-auth"]).toBe("undetermined");
    expect(s["modbus.security.certificate"]).toBe("skipped");
  });

  test("'required' without a CertificateRequest or an alert (e.g. an old recording drawn from a hang-up) never passes", () => {
    const t = { ...tlsBase, clientCertificate: { required: "required" as const, detail: "connection closed after the handshake" } };
    expect(statuses({ plain: [], secure: [t], writeTest: noWrite })["modbus.security.client-auth"]).toBe("undetermined");
  });

  test("certificate keys: every key type has its own minimum (DSA never; RSA-PSS like RSA; Ed25519 fixed; unknown types undetermined)", () => {
    const cert = {
      subject: "CN=x",
      issuer: "CN=ca",
      selfSigned: false,
      notBefore: "2025-01-01T00:00:00.000Z",
      notAfter: "2099-01-01T00:00:00.000Z",
      validNow: true,
      signatureAlgorithm: "ecdsa-with-SHA256",
      signatureHash: "sha256",
      sha256: "ab",
    };
    const status = (c: object) =>
      statuses({ plain: [], secure: [{ ...tlsBase, certificate: { ...cert, ...c } as TlsEndpointFacts["certificate"] }], writeTest: noWrite })[
        "modbus.security.certificate"
      ];
    expect(status({ keyAlgorithm: "dsa", keyBits: 3072 })).toBe("fail"); // passed before: only rsa and ec were checked
    expect(status({ keyAlgorithm: "rsa-pss", keyBits: 1024 })).toBe("fail"); // passed before
    expect(status({ keyAlgorithm: "ed25519" })).toBe("pass");
    expect(status({ keyAlgorithm: "ec", keyBits: 256, namedCurve: "prime256v1" })).toBe("pass");
    expect(status({ keyAlgorithm: "sm2", keyBits: 256 })).toBe("undetermined");
  });

  test("unknown versions, suites and groups never pass (unknown-value)", () => {
    const cases: Partial<TlsEndpointFacts>[] = [
      { versions: tlsBase.versions.map((v) => (v.version === "TLSv1.2" ? { ...v, cipherCode: 0x0a0a, cipher: "unknown suite 0x0a0a" } : v)) },
      { versions: tlsBase.versions.map((v) => (v.version === "TLSv1.2" ? { ...v, group: 0x7777 } : v)) },
      { negotiated: { protocol: "TLSv1.4", cipher: "TLS_AES_128_GCM_SHA256" } },
      { negotiated: { protocol: "TLSv1.3", cipher: "TLS_GOSTR341112_256_WITH_KUZNYECHIK_CTR_OMAC" } },
    ];
    for (const c of cases) {
      const findings = runRules(modbus, envelope({ plain: [], secure: [{ ...tlsBase, ...c }], writeTest: noWrite }), {
        host: "10.0.0.5",
        intrusive: false,
        credentialed: false,
      });
      const f = findings.find((x) => x.ruleId === "modbus.security.tls-weak")!;
      expect(f.status).toBe("undetermined");
      expect(f.reason).toBe("unknown-value");
    }
  });

  test("write rule is skipped without --intrusive even when facts say accepted", () => {
    const facts: ModbusFacts = { plain: [], secure: [], writeTest: { status: "accepted", target: "1:holding:40", functionCodes: [3, 6, 3] } };
    expect(statuses(facts, false)["modbus.write.unauthenticated"]).toBe("skipped");
    expect(statuses(facts, true)["modbus.write.unauthenticated"]).toBe("fail");
  });

  test("every rule declares elements, 62443 references and a remediation; intrusive only for the write test", () => {
    for (const r of modbus.rules) {
      expect(r.meta.elements.length).toBeGreaterThan(0);
      expect(r.meta.iec62443.length).toBeGreaterThan(0);
      expect(r.meta.remediation.length).toBeGreaterThan(20);
      expect(r.meta.safety === "intrusive").toBe(r.meta.id === "modbus.write.unauthenticated");
    }
    expect(
      modbus.checks
        .filter((c) => c.safety === "intrusive")
        .map((c) => c.id)
        .sort(),
    ).toEqual(["modbus.unit-sweep", "modbus.write-back"]);
  });

  test("write target parsing refuses broadcasts and bad types", () => {
    expect(parseWriteTarget("1:holding:40")).toEqual({ unitId: 1, type: "holding", address: 40 });
    expect(typeof parseWriteTarget("0:coil:1")).toBe("string");
    expect(typeof parseWriteTarget("1:input:1")).toBe("string");
  });
});

describe("profileFromFacts", () => {
  test("recorded facts give a profile the simulator schema accepts, with the identity and TLS shape", () => {
    const facts: ModbusFacts = {
      plain: [
        {
          port: 502,
          url: "modbus://10.0.0.5:502",
          role: "target",
          reachability: "open",
          answersUnauthenticated: true,
          unitsTried: [1, 255],
          fullSweep: false,
          units: [
            {
              unitId: 1,
              answered: true,
              deviceId: { status: "ok", identity: { vendorName: "V", productCode: "P", revision: "1.0" }, objects: [], requests: 2 },
              serverId: { status: "ok", hex: "4142ff", text: "" },
            },
          ],
          exchanges: [],
          functionCodesSent: [43, 43, 17],
        },
      ],
      secure: [{ ...tlsBase, clientCertificate: { required: "not_required", detail: "" } }],
      writeTest: noWrite,
    };
    const profile = ModbusSimProfile.parse(modbus.profileFromFacts!(facts));
    expect(profile).toMatchObject({
      units: [1],
      identity: { vendorName: "V", productCode: "P", revision: "1.0" },
      plain: true,
      tls: { requireClientCert: false, minVersion: "TLSv1.2", maxVersion: "TLSv1.3" },
    });
  });
});

describe("fixture profiles", () => {
  test("the modbus sections of legacy-plc and hardened-controller validate against the simulator schema", async () => {
    const { loadProfile } = await import("../../src/engine/profiles.js");
    const { PLUGINS } = await import("../../probes/registry.js");
    const legacy = loadProfile("fixtures/profiles/legacy-plc.yaml", PLUGINS).sections.get("modbus") as ModbusSimProfile;
    const hardened = loadProfile("fixtures/profiles/hardened-controller.yaml", PLUGINS).sections.get("modbus") as ModbusSimProfile;
    expect(legacy).toMatchObject({ plain: true, writeProtected: false });
    expect(legacy.tls).toBeUndefined();
    expect(hardened).toMatchObject({ plain: false, writeProtected: true, tls: { requireClientCert: true, requireRole: true } });
  });
});
