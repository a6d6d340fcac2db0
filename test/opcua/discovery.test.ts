// Discovery (issue 23): FindServers on a discovery endpoint (a scripted LDS) and GetEndpoints on the
// servers it lists on the same host (a node-opcua server), never on other hosts, at most a bounded
// number; session checks stay on the target. And IPv6 end to end: `opc.tcp://[::1]:port` against a
// node-opcua server listening on ::1, through the target parser (brackets never reach the resolver).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import plugin from "../../probes/opcua/index.js";
import { auditDevice, probeDevice, type AuditOptions } from "../../src/engine/audit.js";
import { resolveTargets } from "../../src/engine/targets.js";
import type { OpcuaFacts } from "../../probes/opcua/facts.js";
import { conversation, startFakePeer, type FakePeer } from "./fake-server.js";
import { startNodeServer, type NodeServer } from "./node-servers.js";

const fakeHome = mkdtempSync(join(tmpdir(), "otaudit-opcua-disc-home-"));
const realHome = process.env.HOME;
process.env.HOME = fakeHome;
const work = mkdtempSync(join(tmpdir(), "otaudit-opcua-disc-"));
const NONE = "http://opcfoundation.org/UA/SecurityPolicy#None";
const log = pino({ level: "silent" });
const opts: AuditOptions = { plugins: [plugin], timeoutMs: 5000, concurrency: 1, intrusive: false, credentials: [], failOn: "high", log };

let listed: NodeServer;
let v6: NodeServer;
let lds: FakePeer | undefined;

beforeAll(async () => {
  [listed, v6] = await Promise.all([
    startNodeServer({ name: "listed", work, policies: ["None"], modes: ["None"], allowAnonymous: true }),
    startNodeServer({ name: "v6", work, host: "::1", policies: ["None", "Basic256Sha256"], modes: ["None", "SignAndEncrypt"], allowAnonymous: true }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.allSettled([lds?.close(), listed?.stop(), v6?.stop()]);
  process.env.HOME = realHome;
  rmSync(work, { recursive: true, force: true });
  rmSync(fakeHome, { recursive: true, force: true });
});

describe("opcua discovery: FindServers and the servers it lists", () => {
  it("lists servers on the same host (GetEndpoints only), records other hosts without contacting them, sessions stay on the target", async () => {
    const discoveryEndpoint = [{ url: "opc.tcp://127.0.0.1:4840", policyUri: NONE, mode: 1, tokens: [], applicationUri: "urn:lds" }];
    lds = await startFakePeer(
      conversation(discoveryEndpoint, [
        { applicationUri: "urn:lds", applicationType: 3, discoveryUrls: ["opc.tcp://127.0.0.1:4840"] },
        { applicationUri: "urn:otaudit-test:listed", discoveryUrls: [`opc.tcp://localhost:${listed.port}`, `opc.tcp://127.0.0.1:${listed.port}`] },
        { applicationUri: "urn:elsewhere", discoveryUrls: ["opc.tcp://192.0.2.7:4840", "https://192.0.2.7/discovery"] },
        // a flood of same-host servers: at most a bounded number are contacted
        ...Array.from({ length: 12 }, (_, i) => ({ applicationUri: `urn:flood:${i}`, discoveryUrls: [`opc.tcp://127.0.0.1:${1 + i}`] })),
      ]),
    );
    const url = `opc.tcp://127.0.0.1:${lds.port}`;
    const before = { ...listed.requests };
    const env = await probeDevice(
      {
        host: "127.0.0.1",
        address: "127.0.0.1",
        endpoints: [{ protocol: "opcua", scheme: "opc.tcp", host: "127.0.0.1", port: lds.port, transport: "tcp", url, explicit: true }],
      },
      plugin,
      opts,
    );
    expect(env.status).toBe("ok");
    const f = env.data as OpcuaFacts;
    expect(f.discovery).toMatchObject({ status: "ok", declared: 15 });
    const byUrl = new Map(f.discovery!.contacted.map((c) => [c.url, c]));
    expect(byUrl.get(`opc.tcp://localhost:${listed.port}`)).toMatchObject({ status: "ok" });
    expect(byUrl.get("opc.tcp://192.0.2.7:4840")).toMatchObject({ status: "skipped", reason: expect.stringMatching(/another host/) });
    expect(byUrl.get("https://192.0.2.7/discovery")).toMatchObject({ status: "skipped" });
    expect(f.discovery!.contacted.filter((c) => c.status !== "skipped").length).toBeLessThanOrEqual(4);
    // the listed server's endpoints are in the facts, marked with the URL that listed them
    expect(f.endpoints.some((e) => e.listedBy === `opc.tcp://localhost:${listed.port}` && e.applicationUri === "urn:otaudit-test:listed")).toBe(true);
    // the listed server saw GetEndpoints, never a session (sessions stay on the target)
    expect((listed.requests.GetEndpointsRequest ?? 0) - (before.GetEndpointsRequest ?? 0)).toBe(1);
    expect((listed.requests.CreateSessionRequest ?? 0) - (before.CreateSessionRequest ?? 0)).toBe(0);
  }, 60_000);
});

describe("opcua over IPv6", () => {
  it("opc.tcp://[::1]:port works end to end against a node-opcua server on ::1", async () => {
    const [device] = await resolveTargets([v6.url], [plugin]);
    expect(device!.endpoints[0]!.host).toBe("::1");
    const r = await auditDevice(device!, opts);
    expect(r.facts.opcua?.status).toBe("ok");
    const f = r.facts.opcua!.data as OpcuaFacts;
    expect(f.anonymousSession.status).toBe("activated");
    expect(f.trustTest.endpointUrl).toMatch(/^opc\.tcp:\/\/\[::1\]:\d+$/);
    expect(f.serverInfo?.status).toBe("ok");
    expect(r.findings.find((x) => x.ruleId === "opcua.user-token.anonymous")?.status).toBe("fail");
  }, 60_000);
});
