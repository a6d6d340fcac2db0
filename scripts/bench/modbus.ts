// Benchmark: the whole otaudit CLI process (`otaudit scan modbus://...`, default mode) against the
// whole `nmap --script modbus-discover` process on the same target, paired runs, medians and ratio
// (nmap's portrule only fires on port 502, so targets are put on 502 when it is free); targets: our
// simulator and Debian's pymodbus server. Then the peak RSS (GNU time %M) of one CLI scan against
// each hostile peer of the test corpus that floods, and against a sane device for comparison.
// Needs the compiled CLI (npx tsc -p tsconfig.build.json). Prints figures; not a test.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import modbus from "../../probes/modbus/index.js";
import { ModbusSimProfile } from "../../probes/modbus/profile.js";
import { PACKAGE_ROOT } from "../../src/version.js";
import { exceptionPdu, meiOf, meiPdu, modbusPeer, reply, type Req, type Step } from "../../test/modbus/hostile-peers.js";
import { rawTlsPeer } from "../../test/modbus/tls-peers.js";
import { certificate, hsRecord, record, serverHello } from "../../test/tls/wire/server-messages.js";
import { pairedRuns, RUNS } from "./otnative.js";

const BIN = join(PACKAGE_ROOT, "src/bin/otaudit.js");
const PYMODBUS_SCRIPT = fileURLToPath(new URL("../../test/modbus/pymodbus_server.py", import.meta.url));

/** Run a command (never blocking the event loop: peers live in this process); wall time and GNU time's max RSS (KiB). */
function timed(cmd: string, args: string[], timeoutMs = 120_000): Promise<{ ms: number; rssKiB?: number; out: string }> {
  return new Promise((resolve) => {
    const useTime = existsSync("/usr/bin/time");
    const t0 = performance.now();
    const child = spawn(useTime ? "/usr/bin/time" : cmd, useTime ? ["-f", "RSS_KIB=%M", cmd, ...args] : args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (err += d.slice(-2000)));
    const t = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", () => {
      clearTimeout(t);
      const rss = /RSS_KIB=(\d+)/.exec(err)?.[1];
      resolve({ ms: performance.now() - t0, ...(rss ? { rssKiB: Number(rss) } : {}), out });
    });
  });
}

const otaudit = (url: string, timeoutMs: number) =>
  timed(BIN, ["scan", url, "--protocols", "modbus", "--timeout", String(timeoutMs), "--json", "/dev/null", "--no-color"]);
const nmap = (port: number) => timed("/usr/bin/nmap", ["-Pn", "-n", "-sT", "--script", "modbus-discover", "-p", String(port), "127.0.0.1"]);

async function paired(label: string, port: number, timeoutMs: number): Promise<void> {
  const canNmap = existsSync("/usr/bin/nmap") && port === 502;
  const why = !existsSync("/usr/bin/nmap") ? "not installed" : "not run: port 502 busy (modbus-discover runs on 502 only)";
  await pairedRuns(label, () => otaudit(`modbus://127.0.0.1:${port}`, timeoutMs), canNmap ? () => nmap(port) : undefined, "nmap", why);
}

function sane(r: Req): Step[] {
  const m = meiOf(r);
  if (m)
    return m.readCode === 1
      ? [
          reply(
            r,
            meiPdu({
              objects: [
                [0, "Vendor"],
                [1, "P-1"],
                [2, "1.0"],
              ],
            }),
          ),
        ]
      : [reply(r, exceptionPdu(0x2b, 2))];
  if (r.pdu[0] === 0x11) return [reply(r, Buffer.from([0x11, 4, 0x53, 0x52, 0x56, 0xff]))];
  return [reply(r, exceptionPdu(r.pdu[0]!, 1))];
}

async function rss(): Promise<void> {
  const flood: Step[] = Array.from({ length: 64 }, () => Buffer.alloc(64 * 1024, 0x41));
  const cases: { name: string; start(): Promise<{ url: string; close(): Promise<void> }> }[] = [
    { name: "sane device (baseline)", start: () => modbusPeer(sane) },
    { name: "4 MiB unsolicited flood on connect", start: () => modbusPeer(sane, () => flood) },
    { name: "100 KiB burst after every answer", start: () => modbusPeer((r) => [...sane(r), Buffer.alloc(100 * 1024, 0x41)]) },
    {
      name: "extended objects, always 'more follows'",
      start: () =>
        modbusPeer((r) =>
          meiOf(r)
            ? [
                reply(
                  r,
                  meiPdu({
                    readCode: meiOf(r)!.readCode,
                    conformity: 0x83,
                    more: 0xff,
                    next: Math.min(0xff, meiOf(r)!.objectId + 1),
                    objects: [[meiOf(r)!.objectId, "e".repeat(240)]],
                  }),
                ),
              ]
            : sane(r),
        ),
    },
    {
      name: "TLS: 4 MiB of zeros to every hello",
      start: () => rawTlsPeer({ 0x0303: { suite: 0xc02f, steps: flood }, 0x0304: { suite: 0x1301, steps: flood } }),
    },
    {
      name: "TLS: a thousand certificates",
      start: async () => {
        const steps = [hsRecord(serverHello({ suite: 0xc02f })), ...chunks(certificate(Array.from({ length: 1000 }, () => Buffer.alloc(200, 0x30))))];
        return rawTlsPeer({ 0x0303: { suite: 0xc02f, steps }, 0x0304: { suite: 0x1301, steps } });
      },
    },
  ];
  console.log("\npeak RSS of one `otaudit scan` CLI process (GNU time %M), --timeout 1000:");
  for (const c of cases) {
    const peer = await c.start();
    try {
      const r = await otaudit(peer.url, 1000);
      console.log(
        `  ${c.name.padEnd(44)} ${r.rssKiB !== undefined ? `${(r.rssKiB / 1024).toFixed(1)} MiB` : "n/a (no /usr/bin/time)"}   ${r.ms.toFixed(0)} ms`,
      );
    } finally {
      await peer.close();
    }
  }
}

/** a handshake message split into TLS records of at most 16 KiB */
function chunks(msg: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < msg.length; at += 16384) out.push(record(22, msg.subarray(at, at + 16384)));
  return out;
}

export default async function bench(): Promise<void> {
  if (!existsSync(join(PACKAGE_ROOT, "dist"))) {
    console.log("modbus bench: build the CLI first (npx tsc -p tsconfig.build.json)");
    return;
  }
  const stateDir = mkdtempSync(join(tmpdir(), "otaudit-bench-modbus-"));
  const identity = { vendorName: "Example Automation", productCode: "LX-100", revision: "2.4.1", productName: "LX PLC" };
  const profile = ModbusSimProfile.parse({ units: [1, 255], identity, serverId: "LX-100" });
  const sim = await modbus
    .simulator!.start(profile, { host: "127.0.0.1", stateDir, port: 502 })
    .catch(() => modbus.simulator!.start(profile, { host: "127.0.0.1", stateDir }));
  let py: ChildProcess | undefined;
  try {
    console.log(`whole CLI process vs whole nmap process, ${RUNS} paired runs, medians (otaudit also checks 802 and scores the elements)`);
    const simPort = Number(sim.urls[0]!.split(":").pop());
    await paired("simulator, plain Modbus/TCP", simPort, 1000);
    await sim.stop(); // frees 502 for pymodbus
    if (existsSync("/usr/bin/python3") && existsSync("/usr/lib/python3/dist-packages/pymodbus")) {
      py = spawn(
        "/usr/bin/python3",
        [PYMODBUS_SCRIPT, simPort === 502 ? "502" : "0", JSON.stringify({ VendorName: "Pymodbus", ProductCode: "PM", MajorMinorRevision: "3.0.0" })],
        { stdio: ["ignore", "pipe", "ignore"] },
      );
      const port = await new Promise<number>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error("pymodbus did not start")), 15_000);
        py!.stdout!.setEncoding("utf8").on("data", (d: string) => {
          const m = /READY (\d+)/.exec(d);
          if (m) {
            clearTimeout(t);
            resolve(Number(m[1]));
          }
        });
      });
      // pymodbus drops requests to unknown units silently: unit 255 costs one wait
      await paired("pymodbus 3.0 (timeout 500 ms)", port, 500);
    } else console.log("pymodbus not installed");
    await rss();
  } finally {
    py?.kill("SIGTERM");
    await sim.stop().catch(() => undefined);
    rmSync(stateDir, { recursive: true, force: true });
  }
}
