// The SNMP probe against the profile-driven simulator and against misbehaving UDP peers on
// loopback. Device-side counters (simulator stats) prove what was sent: no SET by default, only a
// write-back of the value just read, to the named OID, with --intrusive.
import dgram from "node:dgram";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import snmpPlugin from "../../probes/snmp/index.js";
import { startSnmpSimulator, type SnmpSimulatorStats } from "../../probes/snmp/simulator.js";
import { SnmpProfile, profileFromFacts } from "../../probes/snmp/profile.js";
import { PDU, decodeMessage, encodeCommunityMessage, encodePdu } from "../../probes/snmp/ber.js";
import type { RunningSimulator } from "../../src/plugin.js";
import { freeUdpPort } from "../helpers/daemons.js";
import { byRule, runSnmp } from "./helpers.js";

const HOST = "127.0.0.1";
const CANARY = `canary-${Math.random().toString(36).slice(2)}-community`;
const stateDir = mkdtempSync(join(tmpdir(), "otaudit-snmp-"));

const legacyProfile = SnmpProfile.parse({
  system: { sysDescr: "Example LX-100 PLC", sysName: "plc-7", sysLocation: "hall 3" },
  communities: [
    { community: "public", versions: ["v1", "v2c"], access: "read-only" },
    { community: "private", versions: ["v2c"], access: "read-write" },
    { community: CANARY, versions: ["v2c"], access: "read-write" },
  ],
  users: [{ name: "maint", level: "authNoPriv", authProtocol: "md5", authKey: "maint-auth-key" }],
});

let sim: RunningSimulator;
let port: number;
const stats = () => sim.stats!() as unknown as SnmpSimulatorStats;

beforeAll(async () => {
  sim = await startSnmpSimulator(legacyProfile, { host: HOST, stateDir });
  port = Number(new URL(sim.urls[0]!).port);
});
afterAll(async () => {
  await sim?.stop();
});

describe("snmp probe vs simulator", () => {
  it("default run: finds v1/v2c and the default read community, guesses nothing else, sends no SET, never writes a supplied community", async () => {
    const before = stats();
    const r = await runSnmp(HOST, port, {
      credentials: [
        { protocol: "snmp", community: CANARY },
        { protocol: "snmp", username: "maint", authProtocol: "md5", authKey: "maint-auth-key" },
      ],
    });
    expect(r.envelope.status).toBe("ok");
    const f = r.facts!;
    expect(f.engine.answered).toBe(true);
    expect(f.system).toMatchObject({ sysDescr: "Example LX-100 PLC", sysName: "plc-7", sysLocation: "hall 3" });
    expect(
      f.communities.results
        .filter((c) => c.accepted)
        .map((c) => `${c.label}/${c.version}`)
        .sort(),
    ).toEqual(["public/v1", "public/v2c", "supplied #1/v2c"]);
    // issue 12 §6: a default run sends only the documented read community (and the supplied one)
    expect([...new Set(stats().communities.slice(before.communities.length))].sort()).toEqual([CANARY, "public"].sort());
    expect(byRule(r.findings, "snmp.v1v2c.enabled")[0]!.status).toBe("fail");
    expect(
      byRule(r.findings, "snmp.community.default")
        .filter((x) => x.status === "fail")
        .map((x) => x.evidence.community)
        .sort(),
    ).toEqual(["public"]);
    expect(byRule(r.findings, "snmp.community.write")[0]!.status).toBe("skipped");
    // MD5 user checked in the legacy-provider child, authNoPriv only
    const maint = f.v3Users[0]!;
    expect(maint).toMatchObject({ user: "maint", legacyProvider: true });
    expect(maint.attempts.find((a) => a.level === "authNoPriv")!.outcome).toBe("accepted");
    expect(byRule(r.findings, "snmp.v3.authnopriv-only")[0]!.status).toBe("fail");
    expect(byRule(r.findings, "snmp.v3.weak-algorithms")[0]!.status).toBe("fail");
    // device side: GETs only
    const after = stats();
    expect(after.sets.length).toBe(before.sets.length);
    expect(after.byPdu.set ?? 0).toBe(before.byPdu.set ?? 0);
    // the supplied community never appears in facts, findings or logs
    expect(JSON.stringify(r.envelope) + JSON.stringify(r.findings) + r.logs).not.toContain(CANARY);
    // profile derived from facts is valid and keeps what the facts show
    const derived = profileFromFacts(f);
    expect(derived.communities.map((c) => c.community)).toContain("public");
    expect(JSON.stringify(derived)).not.toContain(CANARY);
  });

  it("intrusive run: guesses 'private' (paced), SETs only the named OID, writing back the value just read", async () => {
    const before = stats();
    const r = await runSnmp(HOST, port, {
      intrusive: true,
      credentials: [{ protocol: "snmp", community: CANARY }],
      pluginOptions: { "snmp.writeOid": "1.3.6.1.2.1.1.4.0" },
    });
    const write = byRule(r.findings, "snmp.community.write");
    expect(write.find((x) => x.evidence.community === "private")!.status).toBe("fail");
    expect(write.find((x) => x.evidence.community === "public")!.status).toBe("pass");
    expect(write.find((x) => x.evidence.community === "supplied #1")!.status).toBe("fail");
    const sets = stats().sets.slice(before.sets.length);
    expect(sets.length).toBe(3); // one per accepted community, nothing else
    expect(sets.every((s) => s.oids.length === 1 && s.oids[0] === "1.3.6.1.2.1.1.4.0")).toBe(true);
    const again = await runSnmp(HOST, port);
    expect(again.facts!.system!.sysContact).toBe("");
    expect(again.facts!.system!.sysLocation).toBe("hall 3");
    expect(JSON.stringify(r.envelope) + JSON.stringify(r.findings) + r.logs).not.toContain(CANARY);
  });

  it("every community wrong: each request is listened for its whole --timeout, and silence is undetermined, never a pass", async () => {
    const hardened = await startSnmpSimulator(
      SnmpProfile.parse({
        users: [{ name: "ops", level: "authPriv", authProtocol: "sha256", authKey: "ops-auth-key", privProtocol: "aes", privKey: "ops-priv-key" }],
      }),
      { host: HOST, stateDir },
    );
    try {
      const r = await runSnmp(HOST, Number(new URL(hardened.urls[0]!).port), { timeoutMs: 600 });
      expect(r.envelope.status).toBe("ok");
      expect(r.facts!.communities.waitEnded).toBe("timeout"); // the wait ended because the time was up, not early
      expect(r.facts!.communities.results.every((c) => !c.accepted && c.waitedFull)).toBe(true);
      expect(byRule(r.findings, "snmp.v1v2c.enabled")[0]).toMatchObject({ status: "undetermined", reason: "no-answer" });
      expect(byRule(r.findings, "snmp.community.default")[0]).toMatchObject({ status: "undetermined", reason: "no-answer" });
      expect(byRule(r.findings, "snmp.v3.noauth")[0]!.status).toBe("skipped");
    } finally {
      await hardened.stop();
    }
  });
});

/** A UDP peer on loopback that answers each request through `reply` (or stays silent). */
async function hostilePeer(reply: (req: Buffer) => Buffer | undefined) {
  const socket = dgram.createSocket("udp4");
  let received = 0;
  socket.on("message", (buf, rinfo) => {
    received++;
    const out = reply(buf);
    if (out) socket.send(out, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => socket.bind(0, HOST, () => r()));
  return { port: socket.address().port, received: () => received, close: () => new Promise<void>((r) => socket.close(() => r())) };
}

function responseFor(req: Buffer, requestIdDelta: number): Buffer | undefined {
  const m = decodeMessage(req);
  if (m.version === 3 || !m.pdu) return undefined;
  return encodeCommunityMessage(
    m.version as 0 | 1,
    m.community!,
    encodePdu(PDU.RESPONSE, m.pdu.requestId + requestIdDelta, [{ oid: "1.3.6.1.2.1.1.1.0", raw: Buffer.from([0x04, 0x01, 0x78]) }]),
  );
}

describe("snmp probe vs misbehaving peers", () => {
  const TIMEOUT = 600;
  const cases: [string, (req: Buffer) => Buffer | undefined, string[]][] = [
    ["silence", () => undefined, ["timeout"]],
    ["garbage datagrams", () => Buffer.from("HTTP/1.0 400 Bad Request\r\n\r\n"), ["protocol"]],
    ["truncated BER", (req) => responseFor(req, 0)?.subarray(0, 20), ["protocol"]],
    [
      "over-long BER length",
      (req) => {
        const b = responseFor(req, 0);
        if (b) b[1] = 0x7f;
        return b;
      },
      ["protocol"],
    ],
    ["wrong request id", (req) => responseFor(req, 1), ["protocol"]],
  ];
  for (const [name, reply, codes] of cases) {
    it(`${name}: error fact naming why the wait ended, no crash`, async () => {
      const peer = await hostilePeer(reply);
      try {
        const r = await runSnmp(HOST, peer.port, { timeoutMs: TIMEOUT });
        expect(r.envelope.status).toBe("error");
        expect(codes).toContain(r.envelope.error!.code);
        expect(peer.received()).toBeGreaterThan(0);
        expect(r.findings.every((x) => x.status === "error")).toBe(true);
      } finally {
        await peer.close();
      }
    });
  }

  it("ICMP port unreachable: unreachable for an explicit URL, absent for a bare host", async () => {
    const free = await freeUdpPort(HOST);
    const explicit = await runSnmp(HOST, free, { timeoutMs: 2000 });
    expect(explicit.envelope.status).toBe("unreachable");
    expect(explicit.envelope.error?.message).toMatch(/ICMP port unreachable/); // the ICMP error ended the wait, not the timeout
    const bare = await runSnmp(HOST, free, { timeoutMs: 2000, explicit: false });
    expect(bare.envelope.status).toBe("absent");
    expect(bare.findings).toEqual([]);
  });

  it("declares its checks with safety classes; community guesses and the write check are the only intrusive ones", () => {
    expect(snmpPlugin.checks.filter((c) => c.safety === "intrusive").map((c) => c.id)).toEqual(["snmp.community-guesses", "snmp.write"]);
    expect(snmpPlugin.rules.filter((r) => r.meta.safety === "intrusive").map((r) => r.meta.id)).toEqual(["snmp.community.write"]);
  });
});
