// Unit tests of the sweep's pure parts: target expansion (CIDR property test), inventory files
// (CSV and YAML, errors naming the field), the store (never duplicates, resume bookkeeping,
// loadResultFromStore), fleet rules on synthetic facts, drift, and the SNMP discovery codec.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { assessDevice } from "../../src/engine/audit.js";
import type { FactsEnvelope } from "../../src/model/facts.js";
import type { DeviceResult } from "../../src/model/result.js";
import { ResultDocument } from "../../src/model/result.js";
import { SweepStore, loadResultFromStore } from "../../src/store/store.js";
import { evaluateFleet } from "../../src/fleet/index.js";
import { FleetSection } from "../../src/fleet/model.js";
import { driftReport, snapshotSweep } from "../../src/fleet/drift.js";
import { cidrSize, expandCidr, expandSweepTargets, intToIpv4, ipv4ToInt } from "../../src/sweep/targets.js";
import { parseCsv, parseInventory } from "../../src/sweep/inventory.js";
import { decodeDiscoveryResponse, encodeDiscoveryRequest } from "../../probes/snmp/discovery.js";
import { encodePdu, encodeV3NoAuthMessage, PDU } from "../../probes/snmp/ber.js";

const dir = mkdtempSync(join(tmpdir(), "otaudit-sweep-unit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const known = ["ssh", "snmp", "modbus", "opcua"];

function usageLines(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof UsageError) return e.lines.length ? e.lines : [e.message];
    throw e;
  }
  throw new Error("expected a UsageError");
}

describe("targets", () => {
  it("expands IPv4 CIDR ranges to host addresses, in order, within the prefix", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 22, max: 32 }), (n, bits) => {
        const cidr = `${intToIpv4(n)}/${bits}`;
        const hosts = expandCidr(cidr);
        expect(hosts.length).toBe(cidrSize(cidr));
        const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
        for (const h of hosts) expect((ipv4ToInt(h) & mask) >>> 0).toBe((n & mask) >>> 0);
        expect(new Set(hosts).size).toBe(hosts.length);
      }),
    );
  });
  it("needs --yes above --max-range, de-duplicates, rejects URLs", () => {
    expect(usageLines(() => expandSweepTargets(["10.0.0.0/20"], { knownProtocols: known, maxRange: 1024, yes: false }))[0]).toContain(
      "4094 addresses is more than --max-range 1024",
    );
    expect(expandSweepTargets(["10.0.0.0/20"], { knownProtocols: known, maxRange: 1024, yes: true })).toHaveLength(4094);
    expect(expandSweepTargets(["10.0.0.1", "10.0.0.0/30", "10.0.0.1"], { knownProtocols: known, maxRange: 1024, yes: false }).map((t) => t.host)).toEqual([
      "10.0.0.1",
      "10.0.0.2",
    ]);
    expect(usageLines(() => expandSweepTargets(["ssh://10.0.0.1"], { knownProtocols: known, maxRange: 1024, yes: false }))[0]).toContain("use 'otaudit scan'");
    expect(usageLines(() => expandSweepTargets(["10.0.0.0/33"], { knownProtocols: known, maxRange: 1024, yes: false }))[0]).toContain("prefix length 33");
  });
});

describe("inventory files", () => {
  it("parses CSV (RFC 4180 quoting) with zones, protocols and a credentials reference", () => {
    expect(parseCsv('a,"b,c","d ""e"""\r\n1,2,3\n')).toEqual([
      ["a", "b,c", 'd "e"'],
      ["1", "2", "3"],
    ]);
    const assets = parseInventory(
      'host,name,zone,vendor,protocols,credentials\n10.1.0.5,"PLC, line 3",cell-3,Acme,ssh;modbus,creds/plc.yaml\n10.1.0.6,,cell-3,,,\n',
      join(dir, "plant.csv"),
      known,
    );
    expect(assets[0]).toMatchObject({
      host: "10.1.0.5",
      name: "PLC, line 3",
      zone: "cell-3",
      vendor: "Acme",
      protocols: ["ssh", "modbus"],
      credentials: join(dir, "creds/plc.yaml"),
    });
    expect(assets[1]).toEqual({ host: "10.1.0.6", zone: "cell-3" });
  });
  it("reports every bad field as file: path.to.field: message", () => {
    const f = join(dir, "inv.yaml");
    const lines = usageLines(() => parseInventory("devices:\n  - { host: 10.0.0.1, color: red }\n  - { zone: a }\n", f, known));
    expect(lines).toContain(`${f}: devices[0]: Unrecognized key: "color"`);
    expect(lines.some((l) => l.startsWith(`${f}: devices[1].host: `))).toBe(true);
    expect(usageLines(() => parseInventory("- { host: 10.0.0.1, protocols: [telnet] }\n- { host: 10.0.0.1 }\n", f, known))).toEqual([
      `${f}: [0].protocols[0]: unknown protocol 'telnet' (known: ssh, snmp, modbus, opcua)`,
      `${f}: [1].host: '10.0.0.1' is already listed at [0]`,
    ]);
    expect(usageLines(() => parseInventory("host,colour\n1.2.3.4,red\n", join(dir, "x.csv"), known))[0]).toContain("header column 2 'colour': unknown column");
  });
});

function fakeDevice(host: string, facts: Record<string, FactsEnvelope>): DeviceResult {
  return assessDevice({ host, endpoints: [] }, facts, { plugins: [], intrusive: false, credentialed: () => false });
}
const env = (protocol: string, data: unknown): FactsEnvelope => ({
  protocol,
  status: "ok",
  endpoints: [],
  startedAt: "2026-01-01T00:00:00.000Z",
  durationMs: 5,
  probeVersion: "1",
  data,
});
const sshFacts = (fp: string, software = "OpenSSH_9.6") =>
  env("ssh", {
    services: [
      {
        port: 22,
        url: "ssh://h:22",
        banner: { software },
        hostKeys: [{ keyType: "ssh-ed25519", algorithms: ["ssh-ed25519"], status: "collected", fingerprintSha256: fp }],
      },
    ],
  });
const discovery = (ports: { port: number; service: string; cleartext: boolean }[], zone?: string) =>
  env("discovery", {
    ports: ports.map((p) => ({ ...p, transport: "tcp", state: "open", ms: 1 })),
    backedOff: false,
    inventory: zone ? { zone, source: "x" } : { source: "x" },
  });

describe("fleet rules", () => {
  it("names shared host keys, shared default communities and cleartext channels per zone; missing facts are not applicable", () => {
    const snmp = (accepted: boolean) =>
      env("snmp", {
        endpoint: "snmp://h:161",
        communities: {
          ran: true,
          candidates: 2,
          waitMs: 1,
          results: [
            { label: "public", source: "default", version: "v2c", accepted },
            { label: "supplied #1", source: "supplied", version: "v2c", accepted },
          ],
        },
      });
    const devices = [
      fakeDevice("10.0.0.1", {
        ssh: sshFacts("SHA256:aaa"),
        snmp: snmp(true),
        discovery: discovery([{ port: 23, service: "telnet", cleartext: true }], "cell-1"),
      }),
      fakeDevice("10.0.0.2", { ssh: sshFacts("SHA256:aaa"), snmp: snmp(true), discovery: discovery([], "cell-1") }),
      fakeDevice("10.0.0.3", {
        ssh: sshFacts("SHA256:bbb"),
        snmp: snmp(false),
        discovery: discovery([{ port: 443, service: "https", cleartext: false }], "cell-2"),
      }),
      fakeDevice("10.0.0.4", { ssh: { ...sshFacts("SHA256:bbb"), status: "error", data: undefined } }),
    ];
    const fleet = FleetSection.parse(evaluateFleet(devices));
    const by = (id: string) => fleet.findings.filter((f) => f.ruleId === id);
    expect(by("fleet.host-key.shared").map((f) => [f.status, f.devices])).toEqual([["fail", ["10.0.0.1", "10.0.0.2"]]]);
    expect(by("fleet.credential.shared-default")).toMatchObject([
      { status: "fail", severity: "critical", devices: ["10.0.0.1", "10.0.0.2"], evidence: { credential: "community 'public'" } },
    ]);
    expect(JSON.stringify(fleet)).not.toContain("supplied #1");
    expect(by("fleet.certificate.shared")).toMatchObject([{ status: "not_applicable" }]);
    // SNMP v2c (community in clear) on both cell-1 devices, Telnet on one; cell-2 only HTTPS
    expect(by("fleet.cleartext.per-zone").map((f) => [f.zone, f.status, f.devices])).toEqual([
      ["cell-1", "fail", ["10.0.0.1", "10.0.0.2"]],
      ["cell-2", "pass", []],
    ]);
    expect(by("fleet.cleartext.per-zone")[0]!.evidence).toEqual({ zone: "cell-1", services: { snmp: ["10.0.0.1", "10.0.0.2"], telnet: ["10.0.0.1"] } });
    expect(fleet.zones["cell-1"]).toEqual({
      devices: 2,
      gaps: { "shared-secret": ["10.0.0.1", "10.0.0.2"], "default-credential": ["10.0.0.1", "10.0.0.2"], "cleartext-management": ["10.0.0.1", "10.0.0.2"] },
    });
  });
});

describe("store", () => {
  it("stores each device once, knows what is done, and reads a sweep back as a valid result document", () => {
    const db = join(dir, "s.db");
    const store = new SweepStore(db);
    store.createSweep("s1", [{ host: "10.0.0.1" }, { host: "10.0.0.2" }], { intrusive: false, protocols: ["ssh"], failOn: "high" });
    const a = fakeDevice("10.0.0.2", { ssh: sshFacts("SHA256:x") });
    expect(store.saveDevice("s1", 1, undefined, a)).toBe(true);
    expect(store.saveDevice("s1", 1, undefined, a)).toBe(false);
    expect(store.saveDevice("s1", 0, "z", fakeDevice("10.0.0.1", {}))).toBe(true);
    expect(store.doneHosts("s1")).toEqual(new Set(["10.0.0.1", "10.0.0.2"]));
    expect(store.latestSweep(true)?.id).toBe("s1");
    store.finishSweep("s1", "done");
    expect(store.latestSweep(true)).toBeUndefined();
    store.close();
    const doc = ResultDocument.parse(loadResultFromStore(db));
    expect(doc.devices.map((d) => d.host)).toEqual(["10.0.0.1", "10.0.0.2"]);
    expect(doc.run.interrupted).toBe(false);
    expect(() => loadResultFromStore(db, "nope")).toThrow(UsageError);
    expect(() => loadResultFromStore(join(dir, "missing.db"))).toThrow(UsageError);
  });
});

describe("drift", () => {
  it("reports changed firmware and certificates, new and missing devices, ignores volatile values", () => {
    const before = {
      devices: [fakeDevice("10.0.0.1", { ssh: sshFacts("SHA256:a", "OpenSSH_8.4") }), fakeDevice("10.0.0.2", { ssh: sshFacts("SHA256:b") })],
    } as unknown as ResultDocument;
    const base = { sweepId: "s1", createdAt: "t", snapshot: snapshotSweep(before, "s1") };
    const later = fakeDevice("10.0.0.1", { ssh: { ...sshFacts("SHA256:c", "OpenSSH_9.6"), durationMs: 999 } });
    const report = driftReport("b", base, { devices: [later, fakeDevice("10.0.0.3", {})] } as unknown as ResultDocument);
    expect(report.summary).toEqual({ changed: 1, unchanged: 0, new: 1, missing: 1 });
    const cats = report.devices
      .find((d) => d.host === "10.0.0.1")!
      .changes.map((c) => c.category)
      .sort();
    expect(cats).toEqual(["certificates", "firmware"].sort());
    const same = driftReport("b", base, before);
    expect(same.summary.unchanged).toBe(2);
  });
});

describe("SNMP engine discovery codec (RFC 3414 §4)", () => {
  it("encodes the discovery request and decodes a Report's USM parameters", () => {
    const req = encodeDiscoveryRequest(1234, 1234);
    expect(req[0]).toBe(0x30);
    // a Report as an agent sends it: msgID echoed, USM parameters with the engine id, boots and time
    const report = encodeV3NoAuthMessage({
      msgId: 1234,
      engineId: Buffer.from("80001f8804abcd", "hex"),
      engineBoots: 7,
      engineTime: 256,
      userName: "",
      pdu: encodePdu(PDU.REPORT, 1234, [{ oid: "1.3.6.1.6.3.15.1.1.4.0", raw: Buffer.from([0x41, 0x01, 0x01]) }]),
    });
    expect(decodeDiscoveryResponse(report)).toEqual({ msgId: 1234, engineId: "80001f8804abcd", boots: 7, timeSeconds: 256 });
    expect(() => decodeDiscoveryResponse(Buffer.from([0x30, 0x05, 0x02]))).toThrow();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeDiscoveryResponse(Buffer.from(bytes));
        } catch {
          /* malformed input must throw, never hang or crash the process */
        }
      }),
    );
  });
});

writeFileSync(join(dir, ".keep"), "");
