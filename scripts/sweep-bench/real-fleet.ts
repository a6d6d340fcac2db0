// A bench of real devices on loopback for the sweep test and benchmark: N addresses 127.0.A.B,
// each with the standard ports of a small OT device, built from real Debian daemons:
//   22/tcp   one /usr/sbin/sshd per device with its own ed25519 host key (two devices share one),
//   161/udp  one /usr/sbin/snmpd listening on every address (agentaddress), community "public",
//   502/tcp  one /usr/bin/python3 process with a pymodbus asyncio server per address.
// Everything runs as child processes that stop() kills (and waits for); state lives in a temp dir.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { discoverEngine } from "../../probes/snmp/discovery.js";

export const SSHD = "/usr/sbin/sshd";
export const SNMPD = "/usr/sbin/snmpd";
export const PYTHON = "/usr/bin/python3";

export function realFleetAvailable(): { ok: boolean; reason: string } {
  const missing = [SSHD, SNMPD, PYTHON, "/usr/bin/ssh-keygen"].filter((p) => !existsSync(p));
  if (missing.length) return { ok: false, reason: `missing ${missing.join(", ")}` };
  try {
    execFileSync(PYTHON, ["-c", "import pymodbus"], { stdio: "ignore" });
  } catch {
    return { ok: false, reason: "python3-pymodbus is not installed for /usr/bin/python3" };
  }
  if (process.getuid?.() !== 0) return { ok: false, reason: "binding port 22/161/502 on 127.0.x.y needs root" };
  return { ok: true, reason: "" };
}

export interface RealFleet {
  hosts: string[];
  /** the devices that share one SSH host key */
  sharedKeyHosts: [string, string];
  dir: string;
  stop(): Promise<void>;
}

export interface RealFleetOptions {
  count: number;
  /** first address, e.g. "127.0.100.1"; devices take consecutive addresses */
  first: string;
}

export function consecutiveHosts(first: string, count: number): string[] {
  const base = first.split(".").reduce((a, o) => a * 256 + Number(o), 0);
  return Array.from({ length: count }, (_, i) => {
    const n = base + i;
    return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
  });
}

function tcpOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    s.setTimeout(500, () => (s.destroy(), resolve(false)));
    s.once("error", () => resolve(false));
    s.connect(port, host, () => {
      s.end();
      s.resume();
      resolve(true);
    });
  });
}

async function waitUntil(what: string, fn: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`real fleet: ${what} did not come up within ${timeoutMs} ms`);
}

function stopChild(c: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) return resolve();
    const t = setTimeout(() => c.kill("SIGKILL"), 3000);
    c.once("exit", () => {
      clearTimeout(t);
      resolve();
    });
    c.kill("SIGTERM");
  });
}

export async function startRealFleet(opts: RealFleetOptions): Promise<RealFleet> {
  const hosts = consecutiveHosts(opts.first, opts.count);
  const dir = mkdtempSync(join(tmpdir(), "otaudit-sweep-fleet-"));
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map(stopChild));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    mkdirSync("/run/sshd", { recursive: true }); // sshd's privilege-separation directory
    // ---- sshd: one per device, own host key; device 1 gets device 0's key (a cloned image) ----
    const keys = hosts.map((_, i) => join(dir, `host_${i}_ed25519`));
    await Promise.all(
      keys.map((k, i) =>
        i === 1
          ? Promise.resolve()
          : new Promise<void>((resolve, reject) => {
              const p = spawn("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", `bench-${i}`, "-f", k], { stdio: "ignore" });
              p.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`ssh-keygen exited ${code}`))));
            }),
      ),
    );
    copyFileSync(keys[0]!, keys[1]!);
    copyFileSync(`${keys[0]}.pub`, `${keys[1]}.pub`);
    execFileSync("chmod", ["600", ...keys]);
    hosts.forEach((host, i) => {
      const cfg = join(dir, `sshd_${i}.conf`);
      writeFileSync(
        cfg,
        [
          `ListenAddress ${host}:22`,
          `HostKey ${keys[i]}`,
          `PidFile ${join(dir, `sshd_${i}.pid`)}`,
          "UsePAM no",
          "PasswordAuthentication yes",
          "KbdInteractiveAuthentication no",
          "PermitRootLogin no",
          "StrictModes no",
          "MaxStartups 100:30:200",
          "LogLevel ERROR",
          "",
        ].join("\n"),
      );
      children.push(spawn(SSHD, ["-D", "-e", "-f", cfg], { stdio: "ignore" }));
    });
    // ---- snmpd: one process, every address; v2c community "public" read-only ----
    const snmpConf = join(dir, "snmpd.conf");
    writeFileSync(
      snmpConf,
      ["rocommunity public 127.0.0.0/8", "sysLocation bench rack", "sysContact bench@example.invalid", "sysDescr Bench PLC snmpd", ""].join("\n"),
    );
    const agents = hosts.map((h) => `udp:${h}:161`).join(",");
    mkdirSync(join(dir, "snmp"), { recursive: true });
    children.push(
      spawn(SNMPD, ["-f", "-C", "-c", snmpConf, "-Ln", "-p", join(dir, "snmpd.pid"), agents], {
        stdio: "ignore",
        env: { ...process.env, SNMP_PERSISTENT_DIR: join(dir, "snmp"), MIBS: "" },
      }),
    );
    // ---- pymodbus: one process, a server per address ----
    const script = fileURLToPath(new URL("./modbus_fleet.py", import.meta.url));
    children.push(spawn(PYTHON, [script, "502", ...hosts], { stdio: "ignore" }));
    await waitUntil("sshd", async () => (await Promise.all(hosts.map((h) => tcpOpen(h, 22)))).every(Boolean));
    await waitUntil("pymodbus", async () => (await Promise.all(hosts.map((h) => tcpOpen(h, 502)))).every(Boolean));
    await waitUntil("snmpd", async () =>
      (await Promise.all([hosts[0]!, hosts.at(-1)!].map((h) => discoverEngine(h, 161, 300, undefined, 0)))).every((r) => r.state === "answered"),
    );
    return { hosts, sharedKeyHosts: [hosts[0]!, hosts[1]!], dir, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
