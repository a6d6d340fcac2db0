// Cleartext-protocol benchmark: the whole otaudit CLI process (`otaudit scan URL`, default mode)
// against the whole nmap process with the closest NSE script, on the same real Debian daemon,
// started here on loopback: vsftpd (ftp-anon + ftp-syst), inetutils telnetd (banner), Xtigervnc
// (vnc-info), Mosquitto (mqtt-subscribe, 100 ms listen). Paired runs in alternating order, medians
// and the ratio. What each side does differs and is printed: otaudit does more per FTP and MQTT
// server (FEAT, USER, AUTH TLS, three MQTT levels when refused); nmap's mqtt-subscribe subscribes
// and listens, otaudit never does.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN } from "../../test/helpers/cli.js";
import { startVsftpd, VSFTPD } from "../../test/ftp/vsftpd.js";
import { startTelnetd, TELNETD } from "../../test/telnet/telnetd.js";
import { startXvnc, XVNC } from "../../test/vnc/xvnc.js";
import { MOSQUITTO, startMosquitto } from "../../test/mqtt/mosquitto.js";

const RUNS = 7;
const NMAP = ["/usr/bin/nmap", "/usr/local/bin/nmap"].find((p) => existsSync(p));

interface Case {
  label: string;
  url: string;
  port: number;
  nmapScripts: string;
  nmapArgs?: string;
  note: string;
}

/** Run a whole process; asynchronous, so the in-process telnetd relay keeps serving meanwhile. */
function timed(cmd: string, args: string[]): Promise<{ ms: number; status: number | null; out: string }> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const t = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("close", (status) => {
      clearTimeout(t);
      resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, status, out });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const jsonOut = join(mkdtempSync(join(tmpdir(), "otaudit-bench-cleartext-")), "result.json");

/** the probe's own duration (facts envelope), to tell protocol time from process start-up */
function probeMs(): number {
  const doc = JSON.parse(readFileSync(jsonOut, "utf8")) as { devices: { facts: Record<string, { durationMs: number }> }[] };
  return Object.values(doc.devices[0]!.facts)[0]!.durationMs;
}

async function pair(c: Case): Promise<void> {
  const otaudit = () => timed(BIN, ["scan", c.url, "--json", jsonOut]);
  const nmap = () =>
    timed(NMAP!, ["-Pn", "-n", "-p", String(c.port), "--script", c.nmapScripts, ...(c.nmapArgs ? ["--script-args", c.nmapArgs] : []), "127.0.0.1"]);
  await otaudit(); // warm-up: module loading, page cache
  await nmap();
  const a: number[] = [];
  const b: number[] = [];
  const probe: number[] = [];
  const exits = new Map<string, number>();
  let firstProblem = "";
  for (let i = 0; i < RUNS; i++) {
    // alternate who goes first, so neither always meets a warmer daemon
    let x, y;
    if (i % 2 === 0) {
      x = await otaudit();
      y = await nmap();
    } else {
      y = await nmap();
      x = await otaudit();
    }
    a.push(x.ms);
    probe.push(probeMs());
    b.push(y.ms);
    exits.set(String(x.status), (exits.get(String(x.status)) ?? 0) + 1);
    if (x.status !== 0 && x.status !== 1 && !firstProblem)
      firstProblem = x.out
        .split("\n")
        .filter((l) => l.startsWith("otaudit:"))
        .join(" ")
        .slice(0, 300);
  }
  const [ma, mb] = [median(a), median(b)];
  console.log(
    `${c.label.padEnd(34)} otaudit median ${ma.toFixed(0).padStart(5)} ms (exits ${[...exits].map(([k, v]) => `${k}x${v}`).join(" ")})  nmap --script ${c.nmapScripts} median ${mb.toFixed(0).padStart(5)} ms  ratio otaudit/nmap ${(ma / mb).toFixed(2)}  (${RUNS} paired runs)`,
  );
  if (firstProblem) console.log(`${"".padEnd(34)} first non-0/1 exit: ${firstProblem}`);
  console.log(`${"".padEnd(34)} otaudit probe alone (facts durationMs) median ${median(probe).toFixed(0)} ms; ${c.note}`);
}

export default async function bench(): Promise<void> {
  if (!NMAP) {
    console.log("nmap not installed (apt-get install nmap): no side-by-side figures");
    return;
  }
  if (process.getuid?.() !== 0) console.log("not root: vsftpd and telnetd cases skipped");
  const stops: (() => Promise<void>)[] = [];
  try {
    if (VSFTPD && process.getuid?.() === 0) {
      const v = await startVsftpd({ anonymous_enable: "YES", local_enable: "YES", ssl_enable: "NO" });
      stops.push(v.stop);
      await pair({
        label: "vsftpd 3.0.3 (anonymous, no TLS)",
        url: `ftp://127.0.0.1:${v.port}`,
        port: v.port,
        nmapScripts: "ftp-anon,ftp-syst",
        note: "otaudit: 3 connections (greeting+FEAT+USER, AUTH TLS, anonymous login); nmap: anonymous login + LIST, SYST",
      });
    }
    if (TELNETD && process.getuid?.() === 0) {
      const t = await startTelnetd();
      stops.push(t.stop);
      await pair({
        label: "inetutils telnetd 2.4",
        url: `telnet://127.0.0.1:${t.port}`,
        port: t.port,
        nmapScripts: "banner",
        note: "otaudit: refuses every option, reads to the quiet login prompt (300 ms quiet window); nmap banner: first bytes only",
      });
    }
    if (XVNC) {
      const x = await startXvnc(mkdtempSync(join(tmpdir(), "otaudit-bench-xvnc-")), [
        "-SecurityTypes",
        "VncAuth,None",
        "-PasswordFile",
        "/dev/null",
        "-BlacklistThreshold",
        "1000000",
      ]);
      stops.push(x.daemon.stop);
      await pair({
        label: "TigerVNC Xtigervnc 1.12",
        url: `vnc://127.0.0.1:${x.port}`,
        port: x.port,
        nmapScripts: "vnc-info",
        note: "both: ProtocolVersion and security types, no authentication (TigerVNC counts either as a failed attempt: its blacklist is raised here)",
      });
    }
    if (MOSQUITTO) {
      const m = await startMosquitto();
      stops.push(m.stop);
      await pair({
        label: "Mosquitto 2.0.11 (anonymous)",
        url: `mqtt://127.0.0.1:${m.open}`,
        port: m.open,
        nmapScripts: "mqtt-subscribe",
        nmapArgs: "mqtt-subscribe.listen-msgs=0,mqtt-subscribe.listen-time=0.1s",
        note: "otaudit: CONNECT, CONNACK, DISCONNECT; nmap: CONNECT, SUBSCRIBE to $SYS/# and #, 100 ms listening",
      });
    }
  } finally {
    for (const s of stops) await s();
  }
}
