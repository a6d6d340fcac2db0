// `otaudit simulate --port / --default-ports` (issue 20): simulated devices listen where a scan of a
// bare host (and a sweep) looks for them; a port in use or a bad --port is a clear error; and a
// simulator whose parent goes away (`npx otaudit simulate` runs it under `sh -c`, and a SIGTERM to
// npx ends only the shell) stops instead of serving as an orphan.
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, runOtaudit } from "../helpers/cli.js";

const PROFILE = "fixtures/profiles/legacy-plc.yaml";
const children: number[] = [];
afterAll(() => {
  for (const pid of children) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

/** Start `otaudit simulate`; resolves with the printed URLs (or the exit when it fails to start). */
function simulate(args: string[]): Promise<{ urls: string[]; stop: () => Promise<number | null>; code?: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, "simulate", PROFILE, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    children.push(child.pid!);
    let out = "";
    let stderr = "";
    const closed = new Promise<number | null>((r) => child.on("close", r));
    const stop = () => (child.kill("SIGTERM"), closed);
    child.stderr.on("data", (d) => {
      stderr += d;
      if (stderr.includes("otaudit: simulating")) resolve({ urls: out.trim().split("\n"), stop, stderr });
    });
    child.stdout.on("data", (d) => (out += d));
    void closed.then((code) => resolve({ urls: [], stop, code, stderr }));
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("simulate --default-ports and --port", () => {
  it("--default-ports: every service on its default port, so a scan of the bare host finds them all", async () => {
    const host = "127.0.77.5";
    const sim = await simulate(["--host", host, "--protocols", "ssh,modbus,snmp", "--default-ports", "--port", "modbus=5020"]);
    if (sim.code !== undefined) {
      // not root and no CAP_NET_BIND_SERVICE: the refusal says what to do
      expect(sim.code).toBe(3);
      expect(sim.stderr).toMatch(/ports below 1024 need root or CAP_NET_BIND_SERVICE; choose others with --port/);
      return;
    }
    try {
      // --port overrides one default
      expect(sim.urls.sort()).toEqual([`modbus://${host}:5020`, `snmp://${host}:161`, `ssh://${host}:22`]);
      const r = await runOtaudit(["scan", host, "--protocols", "ssh,modbus,snmp", "--json", "-", "-q"], { timeoutMs: 60_000 });
      const doc = JSON.parse(r.stdout);
      expect(
        Object.fromEntries(
          Object.entries(doc.devices[0].facts)
            .filter(([k]) => k !== "surface")
            .map(([k, v]) => [k, (v as { status: string }).status]),
        ),
      ).toEqual({ ssh: "ok", modbus: "absent", snmp: "ok" });
    } finally {
      expect(await sim.stop()).toBe(0);
    }
  }, 120_000);

  it("a port in use: exit 3 saying so; a malformed --port: exit 2 naming it", async () => {
    const busy: Server = createServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.77.6", r));
    const port = (busy.address() as { port: number }).port;
    try {
      const sim = await simulate(["--host", "127.0.77.6", "--protocols", "ssh", "--port", `ssh=${port}`]);
      expect(sim.code).toBe(3);
      expect(sim.stderr).toMatch(/a port is already in use/);
    } finally {
      busy.close();
    }
    for (const bad of ["ssh=70000", "bacnet=47808", "nosuch=23", "ssh"]) {
      const r = await runOtaudit(["simulate", PROFILE, "--port", bad]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr, bad).toMatch(/^otaudit: --port: /);
    }
  }, 60_000);
});

describe("a simulator whose parent goes away", () => {
  it("stops (as under `npx otaudit simulate` when npx gets SIGTERM)", async () => {
    // sh keeps running as the parent (no exec), like npm exec's `sh -c otaudit ...`
    const sh = spawn("sh", ["-c", `"${process.execPath}" "${BIN}" simulate ${PROFILE} --host 127.0.77.7 --protocols modbus & echo $!; wait`], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const pid = await new Promise<number>((r) => sh.stdout.once("data", (d) => r(Number(String(d).trim().split("\n")[0]))));
    children.push(pid);
    await new Promise<void>((r) => sh.stderr.on("data", (d) => String(d).includes("otaudit: simulating") && r()));
    expect(alive(pid)).toBe(true);
    sh.kill("SIGTERM");
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    expect(alive(pid)).toBe(false);
  }, 60_000);
});
