// Ctrl-C: otaudit stops new work, aborts probes in flight, and still writes what it gathered,
// marked interrupted, with no `pass` for what it could not finish, and exits 130.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN } from "../helpers/cli.js";
import { waitFor } from "../helpers/daemons.js";

describe("interrupting a scan", () => {
  let silent: Server;
  const sockets: Socket[] = [];
  let port = 0;
  beforeAll(async () => {
    // a device that accepts connections and never says anything
    silent = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    port = (silent.address() as { port: number }).port;
  });
  afterAll(() => {
    for (const s of sockets) s.destroy();
    silent.close();
  });

  it("SIGINT writes the result gathered so far, marked interrupted; the wait in flight ends for it", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "otaudit-int-")), "r.json");
    // one device, two services; the SSH probe is stuck waiting for a banner when Ctrl-C comes
    const targets = [`ssh://127.0.0.1:${port}`, `modbus://127.0.0.1:${port}`];
    const child = spawn(process.execPath, [BIN, "-v", "scan", ...targets, "--timeout", "30000", "--concurrency", "1", "--json", out], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    // Ctrl-C once the SSH probe is connected and waiting (seen from the device's side, not after a
    // fixed delay: a loaded machine may take longer to start the CLI)
    await waitFor(() => sockets.length > 0, 30_000);
    child.kill("SIGINT");
    const code = await new Promise<number | null>((r) => child.on("close", r));
    expect(stderr).toMatch(/interrupted/);
    expect(existsSync(out)).toBe(true);
    const doc = JSON.parse(readFileSync(out, "utf8"));
    expect(doc.run.interrupted).toBe(true);
    // the SSH wait (30 s timeout) ended because of Ctrl-C, not its timeout; Modbus never started
    expect(doc.devices[0].facts.ssh.error.code).not.toBe("timeout");
    expect(doc.devices[0].facts.modbus).toBeUndefined();
    expect(JSON.stringify(doc)).not.toMatch(/"(status|verdict)":\s*"pass"/);
    expect(code).toBe(130); // Ctrl-C: 128 + SIGINT, the result still written
  });
});
