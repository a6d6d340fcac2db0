// Shared by the dashboard tests: a generated store (fixture library devices replayed, two sweeps, a
// baseline, one hostile device; scripts/serve-bench/fleet-store.ts) and a server on loopback.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PLUGINS } from "../../probes/registry.js";
import { SqliteReader } from "../../src/serve/sqlite-reader.js";
import { startServer, type RunningServer, type ServeOptions } from "../../src/serve/server.js";
import { buildFleetStore, type FleetStoreInfo } from "../../scripts/serve-bench/fleet-store.js";

export interface TestStore {
  dir: string;
  file: string;
  info: FleetStoreInfo;
  cleanup(): void;
}

export function makeStore(devices = 36, sweeps = 2): TestStore {
  const dir = mkdtempSync(join(tmpdir(), "otaudit-serve-"));
  const file = join(dir, "fleet.db");
  const info = buildFleetStore(file, { devices, sweeps, baseline: "commissioning", hostile: true });
  return { dir, file, info, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function serveStore(file: string, opts: Partial<ServeOptions> = {}): Promise<RunningServer> {
  return startServer({ reader: new SqliteReader(file), plugins: PLUGINS, host: "127.0.0.1", port: 0, ...opts });
}

/** A raw HTTP request (any method, any Host), for what fetch() will not send. */
export async function rawRequest(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { request } = await import("node:http");
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers, setHost: !("Host" in headers) }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}
