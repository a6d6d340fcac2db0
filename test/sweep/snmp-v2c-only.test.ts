// A legacy SNMP agent that speaks only v1/v2c ignores the SNMPv3 engine discovery of the sweep's
// discovery step; the sweep must still audit it (and find its default community), as `scan HOST`
// does. Runs a tiny v2c-only agent on 127.0.121.1:161 (root on loopback).
import dgram from "node:dgram";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PDU, TAG, decodeMessage, encodeCommunityMessage, encodeOctetString, encodePdu } from "../../probes/snmp/ber.js";
import { runOtaudit } from "../helpers/cli.js";

const HOST = "127.0.121.1";
const IS_ROOT = process.getuid?.() === 0;

describe.skipIf(!IS_ROOT)("sweep finds a v1/v2c-only SNMP agent [needs root for port 161]", () => {
  let agent: dgram.Socket;
  let dir: string;
  const seen = { v3: 0, community: 0 };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "otaudit-sweep-v2c-"));
    agent = dgram.createSocket("udp4");
    agent.on("message", (buf, rinfo) => {
      let m;
      try {
        m = decodeMessage(buf);
      } catch {
        return;
      }
      if (m.v3) {
        seen.v3++; // an old v1/v2c-only stack: SNMPv3 is silently dropped
        return;
      }
      seen.community++;
      if (m.community?.toString() !== "public" || !m.pdu) return; // wrong community: no answer
      const varbinds = m.pdu.varbinds.map((vb) => ({ oid: vb.oid, raw: vb.oid.startsWith("1.3.6.1.2.1.1.1") ? encodeOctetString("Legacy RTU v1/v2c only") : Buffer.from([TAG.NULL, 0]) }));
      const reply = encodeCommunityMessage(m.version as 0 | 1, "public", encodePdu(PDU.RESPONSE, m.pdu.requestId, varbinds));
      agent.send(reply, rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => agent.bind(161, HOST, () => r()));
  });
  afterAll(async () => {
    await new Promise<void>((r) => agent.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("audits SNMP although the engine discovery got no answer, and names the default community", async () => {
    const json = join(dir, "r.json");
    const r = await runOtaudit(["sweep", HOST, "--protocols", "snmp", "--json", json, "--no-progress", "--timeout", "1000"], { timeoutMs: 60_000 });
    expect([0, 1]).toContain(r.code);
    const doc = JSON.parse(readFileSync(json, "utf8"));
    const device = doc.devices[0];
    expect(device.facts.discovery.data.snmpEngine?.state).not.toBe("answered");
    expect(device.facts.snmp.status).toBe("ok");
    const community = device.findings.find((f: { ruleId: string; status: string }) => f.ruleId === "snmp.community.default" && f.status === "fail");
    expect(community?.message).toMatch(/'public'/);
    expect(seen.v3).toBeGreaterThan(0);
  });
});
