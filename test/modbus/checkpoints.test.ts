// Each probe phase hands its facts to the core (ctx.checkpoint), so a stall or crash later keeps
// what was learned: checkpoints after the plain phase and after each TLS phase validate against the
// facts schema; phase budgets keep a probe against a peer that hangs everywhere inside the core's cap.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { silentLogger } from "../../src/log.js";
import { probeDevice } from "../../src/engine/audit.js";
import { runRules } from "../../src/engine/rules.js";
import type { ProbeContext } from "../../src/plugin.js";
import modbus from "../../probes/modbus/index.js";
import { ModbusFacts } from "../../probes/modbus/facts.js";
import { probeModbus } from "../../probes/modbus/probe.js";
import { startSim, type Sim } from "./helpers.js";
import { rawTlsPeer } from "./tls-peers.js";
import { hsRecord, serverHello, tls12Flight } from "../tls/wire/server-messages.js";

describe("checkpoints", () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await startSim({ units: [1], identity: { vendorName: "V", productCode: "P", revision: "1" }, tls: { requireClientCert: true } });
  });
  afterAll(() => sim.stop());

  test("after the plain phase and after each TLS phase, every checkpoint validates", async () => {
    const checkpoints: unknown[] = [];
    const [plainUrl, tlsUrl] = [sim.plainUrl!, sim.tlsUrl!];
    const endpoint = (url: string, scheme: string) => ({
      protocol: "modbus",
      scheme,
      host: "127.0.0.1",
      port: Number(url.split(":").pop()),
      transport: "tcp" as const,
      url,
      explicit: true,
    });
    const ctx: ProbeContext = {
      endpoints: [endpoint(plainUrl, "modbus"), endpoint(tlsUrl, "modbus+tls")],
      timeoutMs: 1000,
      signal: new AbortController().signal,
      intrusive: false,
      credentials: [],
      options: {},
      log: silentLogger(),
      assertAllowed: () => undefined,
      checkpoint: (p) => checkpoints.push(p),
    };
    const facts = await probeModbus(ctx);
    expect(checkpoints.length).toBeGreaterThanOrEqual(4); // plain, TLS versions, weak suites, client auth, end
    for (const c of checkpoints) expect(ModbusFacts.safeParse(c).success).toBe(true);
    const first = ModbusFacts.parse(checkpoints[0]);
    expect(first.plain[0]!.units[0]!.deviceId!.identity.vendorName).toBe("V");
    expect(first.secure).toEqual([]);
    expect(ModbusFacts.parse(checkpoints.at(-1)).secure[0]!.clientCertificate.required).toBe(facts.secure[0]!.clientCertificate.required);
  });

  test("a peer whose every later handshake hangs: the phase budgets end the probe before the core's cap; nothing unproven passes", async () => {
    // the TLS 1.2 flight arrives whole (a proven service), then every connection hangs
    const peer = await rawTlsPeer({
      0x0303: { suite: 0xc02f, steps: [tls12Flight(), { wait: 60_000 }] },
      0x0304: { suite: 0x1301, steps: [hsRecord(serverHello({ suite: 0x1301, supportedVersion: 0x0304, keyShareGroup: 29 })), { wait: 60_000 }] },
    });
    try {
      const url = `modbus+tls://127.0.0.1:${peer.port}`;
      const env = await probeDevice(
        {
          host: "127.0.0.1",
          address: "127.0.0.1",
          endpoints: [{ protocol: "modbus", scheme: "modbus+tls", host: "127.0.0.1", port: peer.port, transport: "tcp", url, explicit: true }],
        },
        modbus,
        {
          plugins: [modbus],
          timeoutMs: 150,
          concurrency: 1,
          intrusive: false,
          credentials: [],
          failOn: "high",
          log: silentLogger(),
          pluginOptions: { "modbus.companions": "off" },
        },
      );
      expect(env.status).toBe("ok");
      expect(env.incomplete).toBeUndefined(); // the core never had to cut it
      const facts = env.data as ModbusFacts;
      expect(facts.secure[0]!.service?.proof).toBe("server-flight");
      expect(facts.secure[0]!.versions.find((v) => v.version === "TLSv1.3")!.result).toBe("incomplete");
      const findings = runRules(modbus, env as never, { host: "127.0.0.1", intrusive: false, credentialed: false });
      const byRule = Object.fromEntries(findings.map((f) => [f.ruleId, f.status]));
      expect(byRule["modbus.security.absent"]).toBe("pass"); // proven by the whole cleartext flight
      expect(byRule["modbus.security.client-auth"]).toBe("undetermined");
      // weak versions and families were refused by alerts: positive evidence, so this one may pass
      expect(byRule["modbus.security.tls-weak"]).toBe("pass");
    } finally {
      await peer.close();
    }
  });
});
