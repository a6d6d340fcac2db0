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
import { scriptedServer, type ScriptedServer } from "./peers.js";
import { CORPUS_CASES } from "./hostile-cases.js";

const HOST = "127.0.0.1";
const T = 200;
const CAP = 12 * T;

beforeAll(async () => {
  await import("../../probes/ssh/probe.js"); // module loading is not what the caps are about
});

async function audit(port: number): Promise<{ doc: ResultDocument; device: DeviceResult; ms: number }> {
  const t0 = Date.now();
  const doc = await auditDevices([{ host: HOST, address: HOST, endpoints: [sshEndpoint(HOST, port)] }], {
    plugins: [sshPlugin],
    timeoutMs: T,
    concurrency: 1,
    intrusive: false,
    credentials: [],
    failOn: "high",
    log: pino({ level: "silent" }),
    pluginOptions: {},
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
