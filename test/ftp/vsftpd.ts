// Interop plumbing: run Debian's vsftpd in the foreground on a loopback port with a configuration
// in a temp dir (protocol log on: log_ftp_protocol), and read its log.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findBinary, freeTcpPort, spawnDaemon, tcpPortOpen, waitFor } from "../helpers/daemons.js";

export const VSFTPD = findBinary("/usr/sbin/vsftpd");
export const OPENSSL = findBinary("/usr/bin/openssl");
export const IS_ROOT = process.getuid?.() === 0;

export interface Vsftpd {
  port: number;
  log(): string;
  stop(): Promise<void>;
}

export async function startVsftpd(options: Record<string, string>, withCert = false): Promise<Vsftpd> {
  const dir = mkdtempSync(join(tmpdir(), "otaudit-vsftpd-"));
  chmodSync(dir, 0o755);
  const anon = join(dir, "anon");
  mkdirSync(anon, { mode: 0o555 });
  mkdirSync("/var/run/vsftpd/empty", { recursive: true, mode: 0o755 }); // vsftpd's secure_chroot_dir default
  if (withCert) {
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
        "/CN=otaudit-vsftpd",
      ],
      { stdio: "ignore" },
    );
  }
  const port = await freeTcpPort();
  const logFile = join(dir, "vsftpd.log");
  const conf: Record<string, string> = {
    listen: "YES",
    listen_ipv6: "NO",
    listen_address: "127.0.0.1",
    listen_port: String(port),
    background: "NO",
    seccomp_sandbox: "NO",
    xferlog_enable: "YES",
    xferlog_std_format: "NO",
    log_ftp_protocol: "YES",
    vsftpd_log_file: logFile,
    anon_root: anon,
    pam_service_name: "vsftpd",
    ...(withCert ? { rsa_cert_file: join(dir, "cert.pem"), rsa_private_key_file: join(dir, "key.pem") } : {}),
    ...options,
  };
  writeFileSync(
    join(dir, "vsftpd.conf"),
    Object.entries(conf)
      .map(([k, v]) => `${k}=${v}`)
      .join("\n") + "\n",
  );
  const daemon = spawnDaemon(VSFTPD!, [join(dir, "vsftpd.conf")], { dir, logFile });
  try {
    await waitFor(async () => {
      if (daemon.exited()) throw new Error(`vsftpd exited: ${daemon.log().slice(-400)}`);
      return tcpPortOpen(port);
    }, 10_000);
  } catch (e) {
    await daemon.stop();
    throw e;
  }
  return { port, log: () => readFileSync(logFile, "utf8"), stop: daemon.stop };
}
