// Interop plumbing: Debian's Mosquitto 2 in the foreground with a generated configuration in a
// temp dir (per-listener settings, a password file, an openssl certificate for a TLS listener,
// log_type all to a file), listening on loopback ports only.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findBinary, freeTcpPort, spawnDaemon, tcpPortOpen, waitFor } from "../helpers/daemons.js";

export const MOSQUITTO = findBinary("/usr/sbin/mosquitto");
export const PASSWD = findBinary("/usr/bin/mosquitto_passwd");
export const OPENSSL = findBinary("/usr/bin/openssl");

export interface Mosquitto {
  /** allow_anonymous true */
  open: number;
  /** allow_anonymous false, password file with guest/guest and bench/Bench-pw-1 */
  locked: number;
  /** TLS (tls_version tlsv1.2), authentication required */
  tls: number;
  log(): string;
  stop(): Promise<void>;
}

export async function startMosquitto(): Promise<Mosquitto> {
  const dir = mkdtempSync(join(tmpdir(), "otaudit-mosquitto-"));
  const log = join(dir, "mosquitto.log");
  const [open, locked, tls] = [await freeTcpPort(), await freeTcpPort(), await freeTcpPort()];
  execFileSync(PASSWD!, ["-c", "-b", join(dir, "passwd"), "guest", "guest"]);
  execFileSync(PASSWD!, ["-b", join(dir, "passwd"), "bench", "Bench-pw-1"]);
  execFileSync(
    OPENSSL!,
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
      "-days",
      "2",
      "-subj",
      "/CN=otaudit-mosquitto",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ],
    { stdio: "ignore" },
  );
  const conf = [
    ...(process.getuid?.() === 0 ? ["user root"] : []),
    "per_listener_settings true",
    `log_dest file ${log}`,
    "log_type all",
    "connection_messages true",
    `listener ${open} 127.0.0.1`,
    "allow_anonymous true",
    `listener ${locked} 127.0.0.1`,
    "allow_anonymous false",
    `password_file ${join(dir, "passwd")}`,
    `listener ${tls} 127.0.0.1`,
    "allow_anonymous false",
    `password_file ${join(dir, "passwd")}`,
    `certfile ${join(dir, "cert.pem")}`,
    `keyfile ${join(dir, "key.pem")}`,
    "tls_version tlsv1.2",
  ];
  writeFileSync(join(dir, "mosquitto.conf"), conf.join("\n") + "\n");
  const daemon = spawnDaemon(MOSQUITTO!, ["-c", join(dir, "mosquitto.conf")], { dir, logFile: log });
  try {
    await waitFor(async () => {
      if (daemon.exited()) throw new Error(`mosquitto exited: ${daemon.log().slice(-400)}`);
      return (await tcpPortOpen(open)) && (await tcpPortOpen(locked)) && (await tcpPortOpen(tls));
    }, 10_000);
  } catch (e) {
    await daemon.stop();
    throw e;
  }
  return { open, locked, tls, log: () => readFileSync(log, "utf8"), stop: daemon.stop };
}
