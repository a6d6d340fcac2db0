// Profile-driven FTP control-connection simulator (RFC 959 replies, FEAT per RFC 2389, AUTH TLS per
// RFC 4217 with a generated certificate). No data connections: the audited device never needs one.
// stats() counts commands by verb and passwords by kind (anonymous token, non-anonymous, over TLS)
// so tests prove from the device's side that a default run sends no real password.
import { createServer, type Socket } from "node:net";
import { createSecureContext, TLSSocket, type SecureContext } from "node:tls";
import type { RunningSimulator, SimulatorOptions } from "../../src/plugin.js";
import { endpointUrl } from "../../src/engine/targets.js";
import { issueCertificate } from "../modbus/certs.js";
import type { FtpSimProfile } from "./profile.js";

export interface FtpSimulatorStats {
  connections: number;
  commands: Record<string, number>;
  /** PASS after USER anonymous/ftp */
  anonymousPasswords: number;
  /** PASS for any other user: a real password */
  nonAnonymousPasswords: number;
  /** of those, sent inside TLS */
  passwordsOverTls: number;
  logins: number;
  [key: string]: unknown;
}

const ANON = new Set(["anonymous", "ftp"]);

export async function startFtpSimulator(profile: FtpSimProfile, opts: SimulatorOptions): Promise<RunningSimulator> {
  const stats: FtpSimulatorStats = { connections: 0, commands: {}, anonymousPasswords: 0, nonAnonymousPasswords: 0, passwordsOverTls: 0, logins: 0 };
  let context: SecureContext | undefined;
  if (profile.authTls) {
    const cert = await issueCertificate({ subject: "CN=otaudit-ftp-simulator", keyType: profile.authTls.keyType, ips: [opts.host] });
    context = createSecureContext({ cert: cert.certPem, key: cert.keyPem });
  }
  const sockets = new Set<Socket>();

  const server = createServer((raw) => {
    stats.connections++;
    sockets.add(raw);
    raw.on("close", () => sockets.delete(raw));
    raw.on("error", () => {});
    let io: Socket = raw;
    let tls = false;
    let user: string | undefined;
    let buf = "";
    const send = (lines: string[]) => io.write(lines.map((l) => `${l}\r\n`).join(""));
    send(profile.greeting);

    const onLine = (line: string) => {
      const sp = line.indexOf(" ");
      const verb = (sp < 0 ? line : line.slice(0, sp)).toUpperCase().slice(0, 8);
      const arg = sp < 0 ? "" : line.slice(sp + 1);
      stats.commands[verb] = (stats.commands[verb] ?? 0) + 1;
      switch (verb) {
        case "FEAT":
          return profile.features === null ? send(["500 Unknown command."]) : send(["211-Features:", ...profile.features.map((f) => ` ${f}`), "211 End"]);
        case "AUTH":
          if (!context || tls || arg.toUpperCase() !== "TLS") return send(["530 Please login with USER and PASS."]);
          send(["234 Proceed with negotiation."]);
          raw.removeListener("data", onData);
          io = new TLSSocket(raw, { isServer: true, secureContext: context });
          io.on("error", () => raw.destroy());
          io.on("data", onData);
          tls = true;
          return;
        case "USER":
          user = arg;
          if (ANON.has(arg.toLowerCase()) && profile.anonymous && profile.anonymousTlsOnly && !tls)
            return send(["530 Anonymous sessions must use encryption."]);
          if (ANON.has(arg.toLowerCase()))
            return send([profile.anonymous ? "331 Please specify the password." : "530 This FTP server does not allow anonymous logins."]);
          if (!tls && profile.cleartextLogin === "refuse") return send(["530 Non-anonymous sessions must use encryption."]);
          return send(["331 Please specify the password."]);
        case "PASS": {
          if (user === undefined) return send(["503 Login with USER first."]);
          const anon = ANON.has(user.toLowerCase());
          if (anon) stats.anonymousPasswords++;
          else {
            stats.nonAnonymousPasswords++;
            if (tls) stats.passwordsOverTls++;
          }
          const ok = anon ? profile.anonymous : profile.accounts.some((a) => a.username === user && a.password === arg);
          if (ok) stats.logins++;
          return send([ok ? "230 Login successful." : "530 Login incorrect."]);
        }
        case "QUIT":
          send(["221 Goodbye."]);
          io.end();
          return;
        default:
          return send(["530 Please login with USER and PASS."]);
      }
    };
    const onData = (chunk: Buffer) => {
      buf += chunk.toString("latin1");
      if (buf.length > 4096) return raw.destroy(); // a line flood: the simulated device drops it
      for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
        const line = buf.slice(0, nl).replace(/\r$/, "");
        buf = buf.slice(nl + 1);
        const before = io;
        onLine(line);
        if (io !== before) {
          buf = ""; // nothing may follow AUTH TLS in clear (RFC 4217 §4)
          break;
        }
      }
    };
    raw.on("data", onData);
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
    urls: [endpointUrl("ftp", opts.host, port)],
    stats: () => structuredClone(stats),
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
