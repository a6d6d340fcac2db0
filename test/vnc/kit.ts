// Test plumbing shared by the cleartext-protocol plugins (telnet, ftp, vnc, mqtt): endpoints from
// URLs, an engine audit of URL targets (probe -> facts -> rules, as the CLI does), finding lookup,
// and scripted loopback peers that record whether the probe closed with FIN or reset.
import { createServer, type Server, type Socket } from "node:net";
import pino from "pino";
import { auditDevices } from "../../src/engine/audit.js";
import { parseTargetStrings } from "../../src/engine/targets.js";
import type { DeviceResult, Finding } from "../../src/model/result.js";
import type { ProtocolPlugin } from "../../src/plugin.js";
import { testContext, type TestContextOptions } from "../ssh/helpers.js";

export { testContext, type TestContextOptions };

export function endpointsOf(plugin: ProtocolPlugin, urls: string[]) {
  const [d] = parseTargetStrings(urls, [plugin]);
  return d!.endpoints;
}

/** Audit service URLs of one device through the engine with one plugin. */
export async function auditUrls(plugin: ProtocolPlugin, urls: string[], o: TestContextOptions = {}): Promise<DeviceResult> {
  const lines = o.logLines ?? [];
  const log = pino({ level: "debug" }, { write: (l: string) => void lines.push(l) });
  const endpoints = endpointsOf(plugin, urls);
  const host = endpoints[0]!.host;
  const doc = await auditDevices([{ host, address: host, endpoints }], {
    plugins: [plugin],
    timeoutMs: o.timeoutMs ?? 3000,
    concurrency: 1,
    intrusive: o.intrusive ?? false,
    credentials: o.credentials ?? [],
    failOn: "high",
    log,
    pluginOptions: o.options ?? {},
  });
  return doc.devices[0]!;
}

export function finding(d: DeviceResult, ruleId: string): Finding {
  const f = d.findings.find((x) => x.ruleId === ruleId);
  if (!f) throw new Error(`no finding ${ruleId}: ${d.findings.map((x) => `${x.ruleId}=${x.status}`).join(", ")}`);
  return f;
}

export function findings(d: DeviceResult, ruleId: string): Finding[] {
  return d.findings.filter((x) => x.ruleId === ruleId);
}

export interface PeerRecord {
  /** what the probe sent */
  received: Buffer;
  /** the probe closed with FIN */
  ended: boolean;
  /** the connection was reset */
  reset: boolean;
}

/** A scripted TCP peer on loopback; `behave` runs per connection. Call stop() in afterEach. */
export class ScriptedPeer {
  server: Server | undefined;
  readonly peers: PeerRecord[] = [];
  private sockets = new Set<Socket>();
  port = 0;

  async start(behave: (s: Socket, rec: PeerRecord) => void): Promise<number> {
    this.server = createServer((s) => {
      const rec: PeerRecord = { received: Buffer.alloc(0), ended: false, reset: false };
      this.peers.push(rec);
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
      s.on("data", (d: Buffer) => (rec.received = Buffer.concat([rec.received, d]).subarray(0, 1 << 16)));
      s.on("end", () => {
        rec.ended = true;
        if (!s.destroyed) s.end();
      });
      s.on("error", () => (rec.reset = true));
      behave(s, rec);
    });
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", () => r()));
    this.port = (this.server.address() as { port: number }).port;
    return this.port;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (this.server) await new Promise<void>((r) => this.server!.close(() => r()));
    this.server = undefined;
    this.peers.length = 0;
  }
}

/** Rule outcomes of a plugin over facts, flattened (for rule unit tests). */
export function runRules<F>(plugin: ProtocolPlugin<F>, facts: F, o: { intrusive?: boolean; credentialed?: boolean } = {}) {
  const envelope = {
    protocol: plugin.id,
    status: "ok" as const,
    endpoints: [],
    startedAt: new Date(0).toISOString(),
    durationMs: 0,
    probeVersion: plugin.version,
    data: facts,
  };
  return plugin.rules.flatMap((r) => {
    const out = r.check({ facts, envelope, host: "192.0.2.1", intrusive: o.intrusive ?? false, credentialed: o.credentialed ?? false });
    return (out === null ? [] : Array.isArray(out) ? out : [out]).map((x) => ({ ruleId: r.meta.id, ...x }));
  });
}
