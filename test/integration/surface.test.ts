// The whole surface (issue 12 §4), from the device's side: `scan HOST` makes the same polite TCP
// connect (clean FIN close, nothing sent) to the surface ports as a sweep; an open Telnet that no
// plugin audits is a verified failure of element 7 and keeps the other elements it bears on from
// passing; an open OT port makes its elements at best partial, naming the port. Surface ports are
// moved onto scripted loopback listeners with OTAUDIT_SURFACE_PORTS (port 23 needs root); run as
// root, a second case uses the real port 23.
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLUGINS, SURFACE_PORTS } from "../../probes/registry.js";
import { surfacePorts } from "../../src/engine/surface.js";
import { runOtaudit } from "../helpers/cli.js";
import { describeWithDaemon } from "../helpers/daemons.js";

interface Listener {
  server: Server;
  port: number;
  connections: { dataReceived: number; finSeen: boolean; reset: boolean }[];
}

/** A scripted service: says `greeting`, records what the client sends and how it closes. */
async function listen(host: string, port: number, greeting: string): Promise<Listener> {
  const l: Listener = { server: createServer(), port: 0, connections: [] };
  l.server.on("connection", (s) => {
    const c = { dataReceived: 0, finSeen: false, reset: false };
    l.connections.push(c);
    s.on("data", (d) => (c.dataReceived += d.length));
    s.on("end", () => {
      c.finSeen = true;
      s.end();
    });
    s.on("error", () => (c.reset = true));
    s.write(greeting);
  });
  await new Promise<void>((resolve, reject) => {
    l.server.once("error", reject);
    l.server.listen(port, host, resolve);
  });
  l.port = (l.server.address() as AddressInfo).port;
  return l;
}

/** A loopback port nothing listens on (bound, then released). */
async function freePort(): Promise<number> {
  const l = await listen("127.0.0.1", 0, "");
  await new Promise<void>((r) => l.server.close(() => r()));
  return l.port;
}

const dir = mkdtempSync(join(tmpdir(), "otaudit-surface-"));
const HOST = "127.0.0.1";
// the scan limits itself to one plugin, so nothing else on this machine is audited
const ONLY = PLUGINS.find((p) => p.transport === "tcp")!.id;

describe("scan HOST looks at the surface ports", () => {
  let telnet: Listener;
  let s7: Listener;
  let env: Record<string, string>;
  beforeAll(async () => {
    telnet = await listen(HOST, 0, "\r\nlogin: ");
    s7 = await listen(HOST, 0, "");
    const moved = [`telnet=${telnet.port}`, `s7comm=${s7.port}`];
    for (const s of SURFACE_PORTS) if (s.service !== "telnet" && s.service !== "s7comm") moved.push(`${s.service}=${await freePort()}`);
    env = { OTAUDIT_SURFACE_PORTS: moved.join(",") };
  });
  afterAll(() => {
    telnet?.server.close();
    s7?.server.close();
  });

  it("Telnet open and audited by no plugin: element 7 fails, the elements it bears on cannot pass", async () => {
    const out = join(dir, "telnet.json");
    const r = await runOtaudit(["scan", HOST, "--protocols", ONLY, "--timeout", "2000", "--json", out], { env });
    expect(r.code).toBe(1); // a high failing finding
    const d = JSON.parse(readFileSync(out, "utf8")).devices[0];
    const ports = d.facts.surface.data.ports as { port: number; state: string; service: string; plugin?: string }[];
    expect(ports.find((p) => p.port === telnet.port)).toMatchObject({ service: "telnet", state: "open", cleartext: true, role: "management" });
    expect(ports.every((p) => p.plugin === undefined)).toBe(true);
    const fail = d.findings.find((f: { ruleId: string }) => f.ruleId === "surface.cleartext-management");
    expect(fail).toMatchObject({ status: "fail", port: telnet.port, elements: [7], protocol: "surface", evidence: { service: "telnet", useInstead: "SSH" } });
    const el = (id: number) => d.elements.find((e: { id: number }) => e.id === id);
    expect(el(7).verdict).toBe("fail");
    for (const id of [5, 6, 7, 9]) {
      expect(el(id).verdict).not.toBe("pass");
      expect(el(id).unaudited).toContain(`tcp/${telnet.port} telnet`);
    }
    // an OT port with no plugin: undetermined on its elements, named in `unaudited`
    const ot = d.findings.find((f: { ruleId: string; port: number }) => f.ruleId === "surface.unaudited-service" && f.port === s7.port);
    expect(ot).toMatchObject({ status: "undetermined", reason: "not-attempted", elements: [3, 7, 8, 9] });
    for (const id of [3, 8]) expect(el(id).unaudited).toContain(`tcp/${s7.port} s7comm`);
    // from the device's side: one connection each, nothing sent, closed with a FIN
    expect(telnet.connections).toEqual([{ dataReceived: 0, finSeen: true, reset: false }]);
    expect(s7.connections).toEqual([{ dataReceived: 0, finSeen: true, reset: false }]);
  });

  it("--no-surface: no connection to the surface ports, no surface facts", async () => {
    const before = telnet.connections.length;
    const out = join(dir, "nosurface.json");
    const r = await runOtaudit(["scan", HOST, "--protocols", ONLY, "--no-surface", "--json", out], { env });
    expect(r.code).toBe(3); // nothing audited at all
    expect(JSON.parse(readFileSync(out, "utf8")).devices[0].facts.surface).toBeUndefined();
    expect(telnet.connections.length).toBe(before);
  });

  it("a named service (URL or host:port) is no bare host: no surface connects", async () => {
    const before = telnet.connections.length;
    const p = PLUGINS.find((x) => x.id === ONLY)!;
    const r = await runOtaudit(["scan", `${HOST}:${p.defaultPorts[0]!.port}`, "--timeout", "1000", "--json", join(dir, "named.json")], { env });
    expect([0, 3]).toContain(r.code);
    expect(telnet.connections.length).toBe(before);
  });

  it("sweep: the same ports through discovery, the same element 7 failure and a cleartext fleet finding", async () => {
    const out = join(dir, "sweep.json");
    const r = await runOtaudit(["sweep", HOST, "--protocols", ONLY, "--no-progress", "--discovery-timeout", "1000", "--json", out], { env });
    expect(r.code).toBe(1);
    const doc = JSON.parse(readFileSync(out, "utf8"));
    const d = doc.devices[0];
    expect(d.findings.find((f: { ruleId: string }) => f.ruleId === "surface.cleartext-management")).toMatchObject({ status: "fail", port: telnet.port });
    expect(d.elements.find((e: { id: number }) => e.id === 7).verdict).toBe("fail");
    expect(doc.fleet.findings.find((f: { ruleId: string }) => f.ruleId === "fleet.cleartext.per-zone")).toMatchObject({
      status: "fail",
      evidence: { services: { telnet: [HOST] } },
    });
  });

  it("record keeps the surface envelope; a replay gives the same surface findings", async () => {
    const rec = join(dir, "rec.json");
    const live = join(dir, "live.json");
    expect((await runOtaudit(["record", HOST, "--protocols", ONLY, "--timeout", "2000", "--out", rec, "--json", live], { env })).code).toBe(0);
    const replayed = join(dir, "replayed.json");
    await runOtaudit(["scan", "--from-facts", rec, "--json", replayed]);
    const pick = (f: string) => JSON.parse(readFileSync(f, "utf8")).devices[0].findings.filter((x: { protocol: string }) => x.protocol === "surface");
    expect(pick(replayed)).toEqual(pick(live));
    expect(pick(replayed).map((x: { ruleId: string }) => x.ruleId)).toContain("surface.cleartext-management");
  });

  it("a plugin's default port wins over a surface port", () => {
    const p = PLUGINS.find((x) => x.transport === "tcp")!;
    const moved = surfacePorts(PLUGINS, { OTAUDIT_SURFACE_PORTS: `telnet=${p.defaultPorts[0]!.port}` });
    expect(moved.some((s) => s.service === "telnet")).toBe(false);
    // a surface port that a plugin declares as its default port (S7comm 102, EtherNet/IP 44818, DNP3 20000, IEC 104 2404) drops out
    const claimed = new Set(PLUGINS.filter((x) => x.transport === "tcp").flatMap((x) => x.defaultPorts.map((d) => d.port)));
    expect(surfacePorts(PLUGINS, {}).map((s) => s.port)).toEqual(SURFACE_PORTS.map((s) => s.port).filter((port) => !claimed.has(port)));
    expect(() => surfacePorts(PLUGINS, { OTAUDIT_SURFACE_PORTS: "gopher=70" })).toThrow(/unknown service 'gopher'/);
  });
});

// Port 23 itself (root only): the surface data's own port, on a loopback address of its own. The
// listener is opened before the tests are registered, so a port that cannot be had (not root, or
// taken) is a visible skip locally and a failure under CI=true (skipUnless), never a silent pass.
const root = typeof process.getuid === "function" && process.getuid() === 0;
const PORT23_HOST = "127.0.0.23";
const telnet23 = root ? await listen(PORT23_HOST, 23, "login: ").catch((e: Error) => e) : new Error("needs root to listen on port 23");
describeWithDaemon(
  "scan HOST with Telnet on its real port 23 (root)",
  !(telnet23 instanceof Error),
  telnet23 instanceof Error ? `no listener on ${PORT23_HOST}:23: ${telnet23.message}` : "",
  () => {
    const telnet = telnet23 as Listener;
    afterAll(() => telnet.server.close());

    it("element 7 is not PASS", async () => {
      const out = join(dir, "port23.json");
      await runOtaudit(["scan", PORT23_HOST, "--protocols", ONLY, "--timeout", "1000", "--json", out]);
      const d = JSON.parse(readFileSync(out, "utf8")).devices[0];
      expect(d.findings.find((f: { ruleId: string; port: number }) => f.ruleId === "surface.cleartext-management" && f.port === 23)?.status).toBe("fail");
      expect(d.elements.find((e: { id: number }) => e.id === 7).verdict).not.toBe("pass");
      expect(telnet.connections.every((c) => c.finSeen && c.dataReceived === 0)).toBe(true);
    });
  },
);
