// Issue 13, SSH: a hostile-peer corpus. Each case is a scripted TCP peer on loopback that lies,
// floods, drips, resets, nests or paints; each asserts that a result document is written (and
// validates), that nothing unverifiable passes, that the probe ends within its cap (12 x timeout),
// that the result stays small and that memory stays bounded. Small timeouts keep the file fast.
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import sshPlugin from "../../probes/ssh/index.js";
import type { SshFacts } from "../../probes/ssh/facts.js";
import { auditDevices } from "../../src/engine/audit.js";
import { ResultDocument, type DeviceResult } from "../../src/model/result.js";
import { sshEndpoint } from "./helpers.js";
import { IDENT, kexInit, scriptedServer, type ScriptedServer } from "./peers.js";
import { CORPUS_CASES } from "./hostile-cases.js";

const HOST = "127.0.0.1";
const T = 300; // small, yet above what a loaded 2-core CI machine needs for a loopback hello
const CAP = 12 * T;

beforeAll(async () => {
  await import("../../probes/ssh/probe.js"); // module loading is not what the caps are about
});

async function audit(port: number, intrusive = false, timeoutMs = T): Promise<{ doc: ResultDocument; device: DeviceResult; ms: number }> {
  const t0 = Date.now();
  const doc = await auditDevices([{ host: HOST, address: HOST, endpoints: [sshEndpoint(HOST, port)] }], {
    plugins: [sshPlugin],
    timeoutMs,
    concurrency: 1,
    intrusive,
    credentials: [],
    failOn: "high",
    log: pino({ level: "silent" }),
    pluginOptions: { "login.delayMs": "0" },
  });
  return { doc, device: doc.devices[0]!, ms: Date.now() - t0 };
}

const servers: ScriptedServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe(`hostile SSH peers (${CORPUS_CASES.length} cases)`, () => {
  it("the corpus has at least 30 cases", () => {
    expect(CORPUS_CASES.length).toBeGreaterThanOrEqual(30);
  });

  for (const c of CORPUS_CASES) {
    it(c.name, async () => {
      const srv = await scriptedServer(c.behave);
      servers.push(srv);
      const heap0 = process.memoryUsage().heapUsed;
      const { doc, device, ms } = await audit(srv.port);
      const heapGrowth = process.memoryUsage().heapUsed - heap0;
      await srv.close();
      // a result is written and validates
      const text = JSON.stringify(doc);
      expect(() => ResultDocument.parse(JSON.parse(text))).not.toThrow();
      expect(device.facts.ssh, "ssh facts envelope").toBeDefined();
      expect(device.findings.length).toBeGreaterThan(0);
      // nothing unverifiable passes
      const passes = device.findings.filter((f) => f.status === "pass").map((f) => f.ruleId);
      expect(passes.filter((id) => !(c.mayPass ?? []).includes(id) && id !== "ssh.protocol.ssh1")).toEqual([]);
      // within the probe's cap (plus the engine's settle grace), bounded result and memory
      expect(ms).toBeLessThan(CAP + 1500);
      expect(text.length).toBeLessThan(512 * 1024);
      expect(heapGrowth).toBeLessThan(128 * 1024 * 1024);
      const facts = device.facts.ssh!.data as SshFacts | undefined;
      c.check?.({ device, service: facts?.services[0], ms, server: srv });
    });
  }
});

describe("every phase at its time window", () => {
  it("a peer that lets each step run to its deadline: the probe ends by its own budget, before the engine's cap, and says what was cut", async () => {
    const hostKeys = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "rsa-sha2-512", "ssh-dss"];
    const hello = Buffer.concat([
      Buffer.from(IDENT),
      kexInit({ kexAlgorithms: ["curve25519-sha256", "diffie-hellman-group-exchange-sha256"], serverHostKeyAlgorithms: hostKeys }),
    ]);
    const srv = await scriptedServer((s, i) => {
      if (i === 0) return void s.write(hello); // then silence: the first key exchange waits for its deadline
      let k = 0; // later connections: the hello drips, one byte per 60 ms, past every step's deadline
      const t = setInterval(() => (s.writable && k < hello.length ? s.write(hello.subarray(k, ++k)) : clearInterval(t)), 60);
      s.on("close", () => clearInterval(t));
    });
    servers.push(srv);
    const slowT = 400; // more room for the machine's own overhead; the windows scale with it
    const { device, ms } = await audit(srv.port, true, slowT);
    expect(device.facts.ssh!.status).toBe("ok");
    expect(device.facts.ssh!.incomplete).toBeUndefined(); // returned by the probe, not salvaged after the cap
    expect(ms).toBeLessThan(12 * slowT);
    const service = (device.facts.ssh!.data as SshFacts).services[0]!;
    expect(service.phasesCut?.map((c) => c.phase)).toContain("host-keys");
    expect(service.hostKeys.filter((k) => k.status === "not_collected").length).toBeGreaterThan(0);
    expect(device.findings.filter((f) => f.status === "pass" && f.ruleId.startsWith("ssh.auth.")).map((f) => f.ruleId)).toEqual([]);
  });
});
