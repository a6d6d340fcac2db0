// Parity with OpalOPC (issue 23) and the access-rights classes of issue 12, against two node-opcua
// servers configured here. W exposes each weakness: an endpoint advertised with MessageSecurityMode
// Invalid (10005), an expired certificate whose ApplicationUri and host do not match (10014, with
// details as evidence: 10015), self-signed user certificates accepted (10016), no role-based access
// profile (10004), a clock an hour ahead (ServerStatus, 10013), a writable property of a Variable,
// a method and node attributes anonymous users may use. G is the good counterpart, with one
// Variable whose UserAccessLevel read is refused (a Bad status is undetermined, not "not writable").
// From the servers' side: no Write, no Call.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import plugin from "../../probes/opcua/index.js";
import { auditDevice, type AuditOptions } from "../../src/engine/audit.js";
import type { OpcuaFacts } from "../../probes/opcua/facts.js";
import type { DeviceResult } from "../../src/model/result.js";
import { startNodeServer, type NodeServer } from "./node-servers.js";

const fakeHome = mkdtempSync(join(tmpdir(), "otaudit-opcua-parity-home-"));
const realHome = process.env.HOME;
process.env.HOME = fakeHome;
const work = mkdtempSync(join(tmpdir(), "otaudit-opcua-parity-"));
const USER_ACCESS_FULL = "http://opcfoundation.org/UA-Profile/Security/UserAccessFull";

let W: NodeServer;
let G: NodeServer;
let w: DeviceResult;
let g: DeviceResult;

function audit(s: NodeServer): Promise<DeviceResult> {
  const opts: AuditOptions = {
    plugins: [plugin],
    timeoutMs: 5000,
    concurrency: 1,
    intrusive: true,
    credentials: [],
    failOn: "high",
    log: pino({ level: "silent" }),
  };
  return auditDevice(
    {
      host: "127.0.0.1",
      address: "127.0.0.1",
      endpoints: [{ protocol: "opcua", scheme: "opc.tcp", host: "127.0.0.1", port: s.port, transport: "tcp", url: s.url, explicit: true }],
    },
    opts,
  );
}
const finding = (r: DeviceResult, id: string) => r.findings.filter((f) => f.ruleId === id);
const facts = (r: DeviceResult) => r.facts.opcua!.data as OpcuaFacts;

beforeAll(async () => {
  const opcua = await import("node-opcua");
  [W, G] = await Promise.all([
    startNodeServer({
      name: "weak",
      work,
      policies: ["None", "Basic256Sha256"],
      modes: ["None", "SignAndEncrypt"],
      allowAnonymous: true,
      writable: true,
      method: true,
      autoAcceptUserCertificates: true,
      certificate: { startDate: new Date(Date.now() - 400 * 86_400_000), validityDays: 30, applicationUri: "urn:some-other-application", ip: ["10.9.9.9"] },
      tweak: (addressSpace) => {
        // a clock an hour ahead (ServerStatus.CurrentTime)
        const status = addressSpace.findNode("i=2256") as unknown as { $extensionObject: Record<string, unknown> };
        const inner = status.$extensionObject;
        status.$extensionObject = new Proxy(inner, {
          get: (t, p) => (p === "currentTime" ? new Date(Date.now() + 3_600_000) : (t as Record<string | symbol, unknown>)[p]),
        });
        // anonymous users may rename the Plant object and change its WriteMask (UserWriteMask bits 6 and 20)
        const plant = addressSpace.getOwnNamespace().findNode("s=Plant.Temperature") as unknown as { getUserWriteMask(): number };
        plant.getUserWriteMask = () => (1 << 6) | (1 << 20);
      },
    }),
    startNodeServer({
      name: "good",
      work,
      policies: ["None", "Basic256Sha256"],
      modes: ["None", "SignAndEncrypt"],
      allowAnonymous: true,
      profiles: ["http://opcfoundation.org/UA-Profile/Server/StandardUA2017", USER_ACCESS_FULL],
      tweak: (addressSpace) => {
        // the server refuses to tell this Variable's UserAccessLevel
        const v = addressSpace.getOwnNamespace().findNode("s=Plant.Temperature") as unknown as { readAttribute: (...a: unknown[]) => unknown };
        const original = v.readAttribute.bind(v);
        v.readAttribute = (ctx: unknown, attributeId: unknown, ...rest: unknown[]) =>
          attributeId === opcua.AttributeIds.UserAccessLevel
            ? new opcua.DataValue({ statusCode: opcua.StatusCodes.BadUserAccessDenied })
            : original(ctx, attributeId, ...rest);
      },
    }),
  ]);
  // the SignAndEncrypt endpoint of W is advertised with MessageSecurityMode Invalid (0)
  W.rewrite((e) => {
    if (e.securityMode === opcua.MessageSecurityMode.SignAndEncrypt) e.securityMode = opcua.MessageSecurityMode.Invalid;
  });
  [w, g] = await Promise.all([audit(W), audit(G)]);
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([W?.stop(), G?.stop()]);
  process.env.HOME = realHome;
  rmSync(work, { recursive: true, force: true });
  rmSync(fakeHome, { recursive: true, force: true });
});

describe("opcua parity (OpalOPC 10004, 10005, 10013-10016)", () => {
  it("10005: an endpoint with MessageSecurityMode Invalid fails; valid modes pass", () => {
    expect(finding(w, "opcua.security-mode.invalid")[0]).toMatchObject({
      status: "fail",
      evidence: { endpoints: [expect.objectContaining({ securityModeValue: 0 })] },
    });
    expect(finding(g, "opcua.security-mode.invalid")[0]?.status).toBe("pass");
  });

  it("10014/10015: expired, ApplicationUri and host mismatch fail, each with the certificate's details", () => {
    for (const id of ["opcua.certificate.validity", "opcua.certificate.application-uri", "opcua.certificate.host-mismatch"]) {
      const f = finding(w, id)[0]!;
      expect(f.status, id).toBe("fail");
      expect(f.evidence, id).toMatchObject({
        subject: expect.stringContaining("weak"),
        issuer: expect.any(String),
        notAfter: expect.any(String),
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        keyAlgorithm: "rsa",
      });
    }
    expect(finding(w, "opcua.certificate.application-uri")[0]!.evidence).toMatchObject({
      applicationUris: ["urn:otaudit-test:weak"],
      sanUris: ["urn:some-other-application"],
    });
    expect(finding(g, "opcua.certificate.validity")[0]?.status).toBe("pass");
    expect(finding(g, "opcua.certificate.application-uri")[0]?.status).toBe("pass");
    expect(finding(g, "opcua.certificate.chain")[0]).toMatchObject({ status: "pass", evidence: { chain: { status: "self-signed" } } });
  });

  it("10016 (intrusive): a fresh self-signed user certificate accepted fails; refused passes", () => {
    expect(facts(w).userCertificateTest?.status).toBe("accepted");
    expect(finding(w, "opcua.trust.self-signed-user-certificate")[0]?.status).toBe("fail");
    expect(facts(g).userCertificateTest?.status).toBe("rejected");
    expect(finding(g, "opcua.trust.self-signed-user-certificate")[0]?.status).toBe("pass");
  });

  it("10004: no role-based access profile in ServerProfileArray fails; Security User Access Control Full passes", () => {
    expect(finding(w, "opcua.rbac.not-advertised")[0]).toMatchObject({ status: "fail", evidence: { nodeId: "i=2269" } });
    expect(finding(g, "opcua.rbac.not-advertised")[0]).toMatchObject({ status: "pass", evidence: { rbacProfiles: [USER_ACCESS_FULL] } });
  });

  it("10013: ServerStatus read anonymously; a clock an hour ahead fails, ours passes; diagnostics counters are evidence", () => {
    const skew = finding(w, "opcua.server.clock-skew")[0]!;
    expect(skew.status).toBe("fail");
    expect(Number((skew.evidence as { skewSeconds: number }).skewSeconds)).toBeGreaterThan(3500);
    expect(finding(g, "opcua.server.clock-skew")[0]?.status).toBe("pass");
    expect(facts(g).serverInfo).toMatchObject({ serverState: "Running", startTime: expect.any(String) });
    expect(finding(g, "opcua.auditing.disabled")[0]!.evidence).toMatchObject({
      counters: { rejectedSessionCount: expect.any(Number), securityRejectedRequestsCount: expect.any(Number) },
    });
  });
});

describe("opcua anonymous access rights (issue 12)", () => {
  it("a writable property of a Variable is found (the walk descends into Variables)", () => {
    const f = finding(w, "opcua.anonymous.writable-variables")[0]!;
    expect(f.status).toBe("fail");
    expect(JSON.stringify(f.evidence)).toContain("ns=1;s=Plant.Setpoint.Limit");
  });

  it("a method anonymous users may execute fails (UserExecutable read, never called); the standard per-session ones are evidence only", () => {
    const f = finding(w, "opcua.anonymous.executable-methods")[0]!;
    expect(f.status).toBe("fail");
    expect(JSON.stringify(f.evidence)).toContain("ns=1;s=Plant.StopLine");
    const ok = finding(g, "opcua.anonymous.executable-methods")[0]!;
    expect(ok.status).toBe("pass");
    expect(JSON.stringify(ok.evidence)).toContain("GetMonitoredItems");
  });

  it("attributes anonymous users may write (UserWriteMask) fail", () => {
    expect(finding(w, "opcua.anonymous.writable-attributes")[0]).toMatchObject({
      status: "fail",
      evidence: { nodes: [expect.objectContaining({ nodeId: "ns=1;s=Plant.Temperature", writableAttributes: ["DisplayName", "WriteMask"] })] },
    });
    expect(finding(g, "opcua.anonymous.writable-attributes")[0]?.status).toBe("pass");
  });

  it("a refused UserAccessLevel read is undetermined, not 'not writable'", () => {
    expect(finding(g, "opcua.anonymous.writable-variables")[0]).toMatchObject({ status: "undetermined", reason: "unobservable" });
    expect(facts(g).anonymousBrowse?.unreadable?.sample).toEqual(
      expect.arrayContaining([expect.objectContaining({ nodeId: "ns=1;s=Plant.Temperature", attribute: "UserAccessLevel", status: "BadUserAccessDenied" })]),
    );
  });

  it("from the servers' side: no Write, no Call", () => {
    for (const s of [W, G]) {
      expect(s.requests.WriteRequest ?? 0).toBe(0);
      expect(s.requests.CallRequest ?? 0).toBe(0);
    }
    expect(W.requests.ReadRequest).toBeGreaterThan(0);
  });
});
