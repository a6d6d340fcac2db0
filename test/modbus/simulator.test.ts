// Probe vs. our simulator: default mode sends only read-only function codes (counted on the
// simulator's side); Modbus/TCP Security with TLS 1.3 + required client certificates passes, without
// client authentication fails; legacy TLS and weak suites fail; the intrusive write-back writes the
// value it read, only to the named address, and a write-protected device passes.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { finding, scan, startSim, type Sim } from "./helpers.js";

const IDENTITY = {
  vendorName: "Example Automation",
  productCode: "LX-100",
  revision: "2.4.1",
  vendorUrl: "https://example.invalid",
  productName: "LX PLC",
  modelName: "LX-100-CPU",
  userApplicationName: "pump-station",
};
const READ_ONLY = ["1", "3", "17", "43"];

describe("secure controller: TLS 1.3 only, client certificate required", () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await startSim({
      units: [1],
      identity: IDENTITY,
      serverId: "LX-100 CPU",
      holding: { "40": 1234 },
      tls: { requireClientCert: true, minVersion: "TLSv1.3", requireRole: true },
    });
  });
  afterAll(() => sim.stop());

  test("default mode: identity read field for field, Modbus/TCP Security checks pass, no write code sent", async () => {
    const before = sim.stats();
    const { result, facts } = await scan([sim.plainUrl!, sim.tlsUrl!], {
      credentials: [{ protocol: "modbus-tls", certificate: before.pki!.clientCert, key: before.pki!.clientKey }],
    });
    expect(result.facts.modbus!.status).toBe("ok");
    expect(facts!.plain[0]!.units.find((u) => u.unitId === 1)!.deviceId!.identity).toEqual(IDENTITY);
    expect(facts!.plain[0]!.units.find((u) => u.unitId === 1)!.serverId!.text).toBe("LX-100 CPU");
    const statuses = Object.fromEntries(result.findings.map((f) => [f.ruleId, f.status]));
    expect(statuses).toMatchObject({
      "modbus.plain.exposed": "fail",
      "modbus.security.absent": "pass",
      "modbus.security.tls-weak": "pass",
      "modbus.security.certificate": "pass",
      "modbus.security.client-auth": "pass",
      "modbus.write.unauthenticated": "skipped",
      "modbus.identity.disclosed": "fail",
    });
    const tls = facts!.secure[0]!;
    expect(tls.versions.filter((v) => v.result === "accepted").map((v) => v.version)).toEqual(["TLSv1.3"]);
    expect(tls.withClientCertificate).toMatchObject({ status: "accepted", role: "operator", readAnswered: true });
    expect(finding(result, "modbus.identity.disclosed")[0]!.evidence).toMatchObject({ unitId: 1, vendorName: "Example Automation", revision: "2.4.1" });
    // from the device's side: only read-only function codes, no write, every close a clean FIN
    const after = sim.stats();
    expect(Object.keys(after.byFunctionCode).every((code) => READ_ONLY.includes(code))).toBe(true);
    expect(after.writes).toBe(0);
    expect(after.resets).toBe(0);
  });

  test("a client certificate without the role is answered with ILLEGAL FUNCTION (role honoured)", async () => {
    const pki = sim.stats().pki!;
    const { facts } = await scan([sim.tlsUrl!], { credentials: [{ protocol: "modbus-tls", certificate: pki.clientNoRoleCert, key: pki.clientNoRoleKey }] });
    expect(facts!.secure[0]!.withClientCertificate).toMatchObject({ status: "accepted", readAnswered: false, exception: { code: 1 } });
    expect(facts!.secure[0]!.withClientCertificate.role).toBeUndefined();
  });
});

describe("Modbus/TCP Security without client authentication", () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await startSim({ units: [1], identity: { vendorName: "V", productCode: "P", revision: "1" }, plain: false, tls: { requireClientCert: false } });
  });
  afterAll(() => sim.stop());

  test("the client-auth check fails and names what answered", async () => {
    const { result, facts } = await scan([sim.tlsUrl!]);
    expect(facts!.secure[0]!.clientCertificate.required).toBe("not_required");
    const f = finding(result, "modbus.security.client-auth")[0]!;
    expect(f.status).toBe("fail");
    expect(f.message).toContain("function code 43");
    expect(finding(result, "modbus.security.absent")[0]!.status).toBe("pass");
  });
});

describe("legacy TLS endpoint: TLS 1.0, NULL suites, RSA-1024 with SHA-1, expired", () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await startSim({
      units: [1],
      plain: false,
      tls: { requireClientCert: false, minVersion: "TLSv1", ciphers: "ALL:eNULL@SECLEVEL=0", keyType: "rsa-1024", signHash: "SHA-1", expired: true },
    });
  });
  afterAll(() => sim.stop());

  test("weak versions, suites and certificate fail with their parameters in evidence", async () => {
    const { result, facts } = await scan([sim.tlsUrl!]);
    const t = facts!.secure[0]!;
    expect(t.versions.find((v) => v.version === "TLSv1")!.result).toBe("accepted");
    expect(t.weakSuites.find((s) => s.id === "null-encryption")!.result).toBe("accepted");
    expect(t.weakSuites.find((s) => s.id === "static-rsa")!.result).toBe("accepted");
    const weak = finding(result, "modbus.security.tls-weak")[0]!;
    expect(weak.status).toBe("fail");
    expect(weak.evidence.versions).toContainEqual(expect.objectContaining({ version: "TLSv1", result: "accepted" }));
    expect(weak.message).toMatch(/TLSv1 \(/);
    const cert = finding(result, "modbus.security.certificate")[0]!;
    expect(cert.status).toBe("fail");
    expect(cert.message).toMatch(/not valid now/);
    expect(cert.message).toMatch(/key rsa 1024 bits \(RSA 1024 bits \(below 2048\)\)/);
    expect(cert.message).toMatch(/ecdsa-with-SHA1/); // the simulator's CA key is EC
  });
});

describe("intrusive write-back test", () => {
  let open: Sim;
  let locked: Sim;
  beforeAll(async () => {
    [open, locked] = await Promise.all([
      startSim({ units: [1], holding: { "40": 777 }, coils: { "3": true } }),
      startSim({ units: [1], holding: { "40": 777 }, writeProtected: true }),
    ]);
  });
  afterAll(() => Promise.all([open.stop(), locked.stop()]));

  test("writes back exactly the value read, once, to the named address; accepted write fails the rule", async () => {
    const { result, facts } = await scan([open.plainUrl!], { intrusive: true, options: { "modbus.write": "1:holding:40" } });
    expect(facts!.writeTest).toMatchObject({ status: "accepted", valueRead: 777, valueAfter: 777, functionCodes: [3, 6, 3] });
    expect(finding(result, "modbus.write.unauthenticated")[0]!.status).toBe("fail");
    expect(open.stats().writes).toBe(1);
    const coil = await scan([open.plainUrl!], { intrusive: true, options: { "modbus.write": "1:coil:3" } });
    expect(coil.facts!.writeTest).toMatchObject({ status: "accepted", valueRead: 1, valueAfter: 1, functionCodes: [1, 5, 1] });
  });

  test("a write-protected device refuses and passes", async () => {
    const { result, facts } = await scan([locked.plainUrl!], { intrusive: true, options: { "modbus.write": "1:holding:40" } });
    expect(facts!.writeTest).toMatchObject({ status: "refused", exception: { code: 1, functionCode: 6 } });
    expect(finding(result, "modbus.write.unauthenticated")[0]!.status).toBe("pass");
  });

  test("without --intrusive nothing is written even when an address is named", async () => {
    const before = open.stats().writes;
    const { facts } = await scan([open.plainUrl!], { intrusive: false, options: { "modbus.write": "1:holding:40" } });
    expect(facts!.writeTest.status).toBe("error");
    expect(facts!.writeTest.functionCodes).toEqual([]);
    expect(open.stats().writes).toBe(before);
  });
});

describe("Read Device Identification across several responses", () => {
  let sim: Sim;
  const long = (c: string) => c.repeat(120);
  const identity = {
    vendorName: long("v"),
    productCode: long("p"),
    revision: "9.9",
    vendorUrl: long("u"),
    productName: long("n"),
    modelName: long("m"),
    userApplicationName: long("a"),
  };
  beforeAll(async () => {
    sim = await startSim({ units: [1], identity });
  });
  afterAll(() => sim.stop());

  test("follows 'more follows' / next object id until every object is read", async () => {
    const { facts } = await scan([sim.plainUrl!]);
    const unit = facts!.plain[0]!.units.find((u) => u.unitId === 1)!;
    expect(unit.deviceId!.identity).toEqual(identity);
    expect(unit.deviceId!.requests).toBeGreaterThan(2);
  });
});

describe("a server that stays silent for unit ids it does not serve", () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await startSim({ units: [1], missingUnit: "silent", identity: IDENTITY });
  });
  afterAll(() => sim.stop());

  test("once unit 1 answered, absent unit 255 gets a wait scaled to the device's reply time, not the full timeout", async () => {
    const { result, facts } = await scan([sim.plainUrl!], { timeoutMs: 5000 });
    expect(result.facts.modbus!.status).toBe("ok");
    const timeouts = facts!.plain[0]!.exchanges.filter((e) => e.outcome === "timeout");
    expect(timeouts.map((e) => e.unitId).sort()).toEqual([255]);
    // the timed-out requests say how long they waited: well under the 5000 ms operation timeout
    for (const t of timeouts) {
      const waited = Number(/within (\d+) ms/.exec(t.message ?? "")?.[1]);
      expect(waited).toBeGreaterThanOrEqual(400);
      expect(waited).toBeLessThan(5000);
    }
  });
});

describe("unit 0 (Modbus over Serial Line §2.2: the serial broadcast address) is opt-in only", () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await startSim({ units: [1, 0, 255, 7], identity: IDENTITY, serverId: "GW" });
  });
  afterAll(() => sim.stop());

  test("default mode: units 1 and 255 only; the device never sees a request for unit 0", async () => {
    const before = sim.stats().byUnit["0"] ?? 0;
    const { facts } = await scan([sim.plainUrl!]);
    expect(facts!.plain[0]!.unitsTried).toEqual([1, 255]);
    expect(facts!.plain[0]!.unitZero).toBe("not-tried");
    expect(sim.stats().byUnit["0"] ?? 0).toBe(before);
  });

  test("--modbus-units 7,0: named unit 0 is tried, and last (after 1, 255 and 7)", async () => {
    const before = sim.stats().byUnit["0"] ?? 0;
    const { facts } = await scan([sim.plainUrl!], { options: { "modbus.units": "7,0" } });
    expect(facts!.plain[0]!.unitsTried).toEqual([1, 255, 7, 0]);
    expect(facts!.plain[0]!.unitZero).toBe("tried-on-request");
    expect(sim.stats().byUnit["0"]! - before).toBeGreaterThan(0);
    expect(facts!.plain[0]!.exchanges.at(-1)!.unitId).toBe(0);
  });
});

describe("parity with nmap modbus-discover / modicon-info: every read-only identification object", () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await startSim({
      units: [1],
      identity: { vendorName: "Example Automation", revision: "2.4.1", productName: "LX PLC" },
      extendedObjects: { "128": "CPU LX-100-CPU", "200": "Memory card MC-8" },
      serverId: "LX-100",
    });
  });
  afterAll(() => sim.stop());

  test("basic, regular and extended streams (conformity 0x83); a missing mandatory object is asked for individually (read code 4)", async () => {
    const { result, facts } = await scan([sim.plainUrl!]);
    const unit = facts!.plain[0]!.units.find((u) => u.unitId === 1)!;
    expect(unit.deviceId!.conformityLevel).toBe(0x83);
    expect(unit.deviceId!.objects.map((o) => o.id)).toEqual([0x00, 0x02, 0x04, 0x80, 0xc8]);
    // object 1 (ProductCode, mandatory) is missing from the basic stream: asked for once with read code 4
    expect(unit.deviceId!.streams!.map((s) => [s.readCode, s.status])).toEqual([
      [1, "ok"],
      [2, "ok"],
      [3, "ok"],
      [4, "exception"],
    ]);
    expect(finding(result, "modbus.identity.disclosed")[0]!.evidence).toMatchObject({
      extendedObjects: { "0x80": "CPU LX-100-CPU", "0xc8": "Memory card MC-8" },
    });
    expect(unit.serverId).toMatchObject({ status: "ok", text: "LX-100", runIndicator: { status: "on", basis: "last-byte" } });
    expect(Object.keys(sim.stats().byFunctionCode).sort()).toEqual(["17", "43"]);
  });
});
