// Benchmark (issue 4): OPC UA probe time per simulated server (legacy-plc and hardened-controller
// profiles), in-process and through the CLI (wall, start-up included), and the import cost that
// drove the design (our UACP client vs node-opcua-client vs node-opcua). Issue 13: peak RSS of one
// `otaudit scan opc.tcp://...` CLI process against the worst hostile peers (scripted here) next to a
// well-behaved one. Not a test: prints figures.
import { spawn, spawnSync } from "node:child_process";
import { createServer, type Socket } from "node:net";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import pino from "pino";
import plugin from "../../probes/opcua/index.js";
import { probeDevice } from "../../src/engine/audit.js";
import { PACKAGE_ROOT } from "../../src/version.js";
import { BinaryWriter, ENCODING_IDS, POLICY_NONE, frame } from "../../probes/opcua/uacp.js";

const BIN = join(PACKAGE_ROOT, "src", "bin", "otaudit.js");

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function wall(args: string[], runs: number): { ms: number; code: number | null } {
  const times: number[] = [];
  let code: number | null = null;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { stdio: "ignore", cwd: PACKAGE_ROOT, timeout: 60_000 });
    times.push(performance.now() - t0);
    code = r.status;
  }
  return { ms: median(times), code };
}

/** Like wall(), but asynchronous: the simulator runs in this process and must keep answering. */
async function wallAsync(args: string[], runs: number): Promise<{ ms: number; code: number | null }> {
  const times: number[] = [];
  let code: number | null = null;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, args, { stdio: "ignore", cwd: PACKAGE_ROOT });
      const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
      child.on("close", (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    times.push(performance.now() - t0);
  }
  return { ms: median(times), code };
}

export default async function bench(): Promise<void> {
  if (existsSync(join(PACKAGE_ROOT, "dist"))) {
    await hostileRss(BIN);
  } else console.log("(no dist/: run `npm run build` for the peak RSS figures)");
  const base = wall(["-e", "0"], 3).ms;
  console.log(`import cost (median of 3, minus bare node start-up ${base.toFixed(0)} ms):`);
  const uacp = join(PACKAGE_ROOT, "dist", "probes", "opcua", "uacp.js");
  const imports: [string, string][] = [
    ["node-opcua-client", "import('node-opcua-client')"],
    ["node-opcua", "import('node-opcua')"],
  ];
  const loader = join(PACKAGE_ROOT, "dist", "probes", "opcua", "load-node-opcua.js");
  if (existsSync(loader))
    imports.push([
      "node-opcua-client as the probe loads it (W27 skipped)",
      `import(${JSON.stringify(loader)}).then((m) => m.importSkippingPkcs1Diagnostic(() => import('node-opcua-client')))`,
    ]);
  if (existsSync(uacp)) imports.unshift(["our UACP client (dist/probes/opcua/uacp.js)", `import(${JSON.stringify(uacp)})`]);
  for (const [name, code] of imports) console.log(`  ${name.padEnd(46)} ${(wall(["-e", `${code}.then(() => process.exit(0))`], 3).ms - base).toFixed(0)} ms`);

  const stateDir = mkdtempSync(join(tmpdir(), "otaudit-bench-opcua-"));
  const log = pino({ level: "silent" });
  try {
    for (const profileName of ["legacy-plc", "hardened-controller"]) {
      const raw = parseYaml(readFileSync(join(PACKAGE_ROOT, "fixtures", "profiles", `${profileName}.yaml`), "utf8")) as { opcua: unknown };
      const t0 = performance.now();
      const sim = await plugin.simulator!.start(plugin.simulator!.profileSchema.parse(raw.opcua), { host: "127.0.0.1", stateDir });
      const startMs = performance.now() - t0;
      try {
        const url = sim.urls[0]!;
        const port = Number(/:(\d+)/.exec(url.slice("opc.tcp://".length))![1]);
        const device = {
          host: "127.0.0.1",
          address: "127.0.0.1",
          endpoints: [{ protocol: "opcua", scheme: "opc.tcp", host: "127.0.0.1", port, transport: "tcp" as const, url, explicit: true }],
        };
        const times: number[] = [];
        let status = "";
        for (let i = 0; i < 5; i++) {
          const t = performance.now();
          const env = await probeDevice(device, plugin, {
            plugins: [plugin],
            timeoutMs: 3000,
            concurrency: 1,
            intrusive: false,
            credentials: [],
            failOn: "high",
            log,
          });
          times.push(performance.now() - t);
          status = env.status;
        }
        console.log(`\n${profileName}: simulator start ${startMs.toFixed(0)} ms, ${url}`);
        console.log(
          `  probe in-process (default mode, status ${status}): median ${median(times).toFixed(0)} ms over 5 runs (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)})`,
        );
        if (existsSync(join(PACKAGE_ROOT, "dist"))) {
          const cli = await wallAsync([BIN, "scan", url, "--json", join(stateDir, `${profileName}.json`)], 3);
          console.log(`  otaudit scan ${url} (CLI wall incl. start-up and node-opcua import): median ${cli.ms.toFixed(0)} ms (exit ${cli.code})`);
        } else console.log("  (no dist/: run `npm run build` for the CLI figure)");
        const stats = sim.stats?.() as { requests: Record<string, number> } | undefined;
        console.log(`  requests seen by the simulator: ${JSON.stringify(stats?.requests ?? {})}`);
      } finally {
        await sim.stop();
      }
    }
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}

// ---- peak RSS against hostile peers (issue 13): the largest GetEndpoints answer our limits let
// through (about 16,000 endpoints in 61 chunks, 3.9 MB), FindServers naming 10,000 servers, a flood
// of unrequested messages, a drip; next to a well-behaved peer with one endpoint.

const NONE = POLICY_NONE;
const ack = () => frame("ACK", new BinaryWriter().uint32(0).uint32(65536).uint32(65536).uint32(0).uint32(0).toBuffer());
function header(w: BinaryWriter) {
  w.dateTime(new Date()).uint32(1).uint32(0).uint8(0).int32(-1).uint8(0).uint8(0).uint8(0);
}
const opn = () => {
  const w = new BinaryWriter()
    .uint32(7)
    .string(NONE)
    .byteString(null)
    .byteString(null)
    .uint32(1)
    .uint32(1)
    .fourByteNodeId(0, ENCODING_IDS.OpenSecureChannelResponse);
  header(w);
  return frame("OPN", w.uint32(0).uint32(7).uint32(1).dateTime(new Date()).uint32(60000).byteString(null).toBuffer());
};
function msg(typeId: number, fill: (w: BinaryWriter) => void): Buffer {
  const w = new BinaryWriter().uint32(7).uint32(1).uint32(2).uint32(2).fourByteNodeId(0, typeId);
  header(w);
  fill(w);
  return w.toBuffer();
}
function endpoints(n: number): Buffer {
  return msg(ENCODING_IDS.GetEndpointsResponse, (w) => {
    w.int32(n);
    for (let i = 0; i < n; i++) {
      w.string("opc.tcp://plc:4840")
        .string("urn:plc")
        .string("urn:p")
        .uint8(2)
        .string("PLC")
        .int32(0)
        .string(null)
        .string(null)
        .int32(1)
        .string("opc.tcp://plc:4840");
      w.byteString(null)
        .int32(1)
        .string(NONE)
        .int32(1)
        .string("u")
        .int32(1)
        .string(null)
        .string(null)
        .string(null)
        .string("http://opcfoundation.org/UA-Profile/Transport/uatcp-uasc-uabinary")
        .uint8(0);
    }
  });
}
function servers(n: number): Buffer {
  return msg(ENCODING_IDS.FindServersResponse, (w) => {
    w.int32(n);
    for (let i = 0; i < n; i++)
      w.string(`urn:s${i}`)
        .string("urn:p")
        .uint8(2)
        .string("S")
        .int32(0)
        .string(null)
        .string(null)
        .int32(1)
        .string(`opc.tcp://192.0.2.${i % 250}:4840`);
  });
}
function chunked(body: Buffer, payload = 65_000): Buffer {
  const head = body.subarray(0, 16);
  const rest = body.subarray(16);
  const out: Buffer[] = [];
  for (let i = 0; i < rest.length; i += payload)
    out.push(frame("MSG", Buffer.concat([head, rest.subarray(i, i + payload)]), i + payload >= rest.length ? "F" : "C"));
  return Buffer.concat(out);
}
const typeOf = (body: Buffer) => (body.length >= 20 && body[16] === 0x01 ? body.readUInt16LE(18) : -1);

type Script = (type: string, socket: Socket, body: Buffer) => void;
function talk(getEndpoints: () => Buffer, findServers?: () => Buffer): Script {
  return (type, s, body) => {
    if (type === "HEL") s.write(ack());
    if (type === "OPN") s.write(opn());
    if (type === "MSG") s.write(typeOf(body) === ENCODING_IDS.GetEndpointsRequest ? getEndpoints() : (findServers ?? (() => chunked(servers(0))))());
  };
}

async function serve(script: Script): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    let buf = Buffer.alloc(0);
    socket.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 8 && buf.length >= buf.readUInt32LE(4)) {
        const size = buf.readUInt32LE(4);
        script(buf.toString("latin1", 0, 3), socket, buf.subarray(8, size));
        buf = buf.subarray(size);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

function peakRss(bin: string, url: string, out: string): Promise<{ kb: number; ms: number; code: number | null }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn("/usr/bin/time", ["-f", "%M", bin, "scan", url, "--json", out, "--timeout", "2000"], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (d) => (err += String(d)));
    child.on("close", (code) => resolve({ kb: Number(/(\d+)\s*$/.exec(err.trim())?.[1] ?? 0), ms: performance.now() - t0, code }));
  });
}

async function hostileRss(bin: string): Promise<void> {
  const many = Math.floor(3_900_000 / (endpoints(1).length - endpoints(0).length));
  const MANY = chunked(endpoints(many));
  const SERVERS = chunked(servers(10_000));
  const cases: [string, Script][] = [
    ["well-behaved (1 endpoint)", talk(() => chunked(endpoints(1)))],
    [`GetEndpoints with ${many} endpoints (3.9 MB in ${Math.ceil(MANY.length / 65_000)} chunks)`, talk(() => MANY)],
    [
      "FindServers naming 10,000 servers",
      talk(
        () => chunked(endpoints(1)),
        () => SERVERS,
      ),
    ],
    [
      "5,000 unrequested messages after Acknowledge",
      (t, s) => t === "HEL" && s.write(Buffer.concat([ack(), ...Array.from({ length: 5000 }, () => frame("MSG", Buffer.alloc(60_000)))])),
    ],
    [
      "drip: one byte every 50 ms",
      (t, s) => {
        if (t !== "HEL") return;
        const a = ack();
        let i = 0;
        const tick = () => {
          if (i < a.length && !s.destroyed) {
            s.write(a.subarray(i, ++i));
            setTimeout(tick, 50);
          }
        };
        tick();
      },
    ],
  ];
  const dir = mkdtempSync(join(tmpdir(), "otaudit-bench-opcua-rss-"));
  console.log("\npeak RSS of one `otaudit scan opc.tcp://...` CLI process (GNU time %M, --timeout 2000):");
  try {
    for (const [name, script] of cases) {
      const peer = await serve(script);
      try {
        const r = await peakRss(bin, `opc.tcp://127.0.0.1:${peer.port}`, join(dir, "r.json"));
        console.log(`  ${name.padEnd(58)} ${(r.kb / 1024).toFixed(1).padStart(7)} MB  ${(r.ms / 1000).toFixed(1)} s  exit ${r.code}`);
      } finally {
        await peer.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
