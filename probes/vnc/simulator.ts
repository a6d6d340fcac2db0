// Profile-driven RFB server (RFC 6143 §7.1): sends the profile's ProtocolVersion and security types
// (or the RFB 3.3 server-chosen type, or a failure reason). A client that goes on is served just far
// enough to be counted: a selected type, a VNC Authentication response (always refused). stats()
// proves from the device's side what a probe sent (versions, selections, auth responses, bytes).
import { randomBytes } from "node:crypto";
import { createServer, type Socket } from "node:net";
import type { RunningSimulator, SimulatorOptions } from "../../src/plugin.js";
import { endpointUrl } from "../../src/engine/targets.js";
import type { VncSimProfile } from "./profile.js";
import { chooseClientVersion, encodeSecurityList, encodeSecurityType, parseVersion } from "./rfb.js";

export interface VncSimulatorStats {
  connections: number;
  /** ProtocolVersion strings clients answered with */
  clientVersions: Record<string, number>;
  /** security types clients selected (3.7/3.8) */
  typeSelections: number;
  /** VNC Authentication responses received (16-byte DES answers) */
  authResponses: number;
  /** bytes received after the client's ProtocolVersion */
  bytesAfterVersion: number;
  [key: string]: unknown;
}

export async function startVncSimulator(profile: VncSimProfile, opts: SimulatorOptions): Promise<RunningSimulator> {
  const stats: VncSimulatorStats = { connections: 0, clientVersions: {}, typeSelections: 0, authResponses: 0, bytesAfterVersion: 0 };
  const sockets = new Set<Socket>();
  const types = profile.securityTypes;
  const server = createServer((s) => {
    stats.connections++;
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => {});
    let buf = Buffer.alloc(0);
    let state: "version" | "select" | "auth" | "done" = "version";
    let v33 = false;
    s.write(profile.version, "latin1");
    s.on("data", (chunk: Buffer) => {
      if (state !== "version") stats.bytesAfterVersion += chunk.length;
      buf = Buffer.concat([buf, chunk]).subarray(0, 4096);
      if (state === "version") {
        if (buf.length < 12) return;
        const raw = buf.subarray(0, 12).toString("latin1");
        stats.clientVersions[raw.trim()] = (stats.clientVersions[raw.trim()] ?? 0) + 1;
        stats.bytesAfterVersion += buf.length - 12;
        buf = buf.subarray(12);
        let cv: { major: number; minor: number };
        try {
          cv = parseVersion(Buffer.from(raw, "latin1"));
        } catch {
          s.end();
          return;
        }
        v33 = chooseClientVersion(cv) === "3.3";
        if (profile.failureReason !== undefined) {
          s.end(v33 ? encodeSecurityType(0, profile.failureReason) : encodeSecurityList([], profile.failureReason));
          state = "done";
          return;
        }
        if (v33) {
          const t = types[0] ?? 0;
          s.write(encodeSecurityType(t, t === 0 ? "no security type configured" : undefined));
          if (t === 2) s.write(randomBytes(16)); // the DES challenge (§7.2.2)
          state = t === 2 ? "auth" : "done";
        } else {
          s.write(encodeSecurityList(types));
          state = "select";
        }
      }
      if (state === "select" && buf.length >= 1) {
        stats.typeSelections++;
        const t = buf[0]!;
        buf = buf.subarray(1);
        if (t === 2 && types.includes(2)) {
          s.write(randomBytes(16));
          state = "auth";
        } else {
          s.end(Buffer.from([0, 0, 0, 1])); // SecurityResult failed; the simulator serves no desktop
          state = "done";
        }
      }
      if (state === "auth" && buf.length >= 16) {
        stats.authResponses++;
        s.end(Buffer.from([0, 0, 0, 1])); // SecurityResult failed: no password is ever right
        state = "done";
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as { port: number }).port;
  return {
    urls: [endpointUrl("vnc", opts.host, port)],
    stats: () => structuredClone(stats),
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
