// Interop plumbing: run Debian's OpenSSH sshd and Dropbear on a loopback port with a generated
// configuration and host keys in a temp dir, read their logs, and manage a throw-away local user.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findBinary, freeTcpPort, spawnDaemon, tcpPortOpen, waitFor } from "../helpers/daemons.js";

export const SSHD = findBinary("/usr/sbin/sshd");
export const SSH_KEYGEN = findBinary("/usr/bin/ssh-keygen");
export const DROPBEAR = findBinary("/usr/sbin/dropbear");
export const DROPBEARKEY = findBinary("/usr/bin/dropbearkey");
export const IS_ROOT = process.getuid?.() === 0;

export interface RunningDaemon {
  port: number;
  dir: string;
  log(): string;
  stop(): Promise<void>;
}

async function startDaemon(bin: string, args: (port: number) => string[], dir: string, logFile: string): Promise<RunningDaemon> {
  const port = await freeTcpPort();
  const daemon = spawnDaemon(bin, args(port), { dir, logFile });
  try {
    await waitFor(async () => {
      if (daemon.exited()) throw new Error(`${bin} exited: ${daemon.log().slice(0, 500)}`);
      return tcpPortOpen(port);
    }, 10_000);
  } catch (e) {
    await daemon.stop();
    throw e;
  }
  return { port, dir, log: daemon.log, stop: daemon.stop };
}

export function keygen(dir: string, name: string, type: string, bits?: number): string {
  const file = join(dir, name);
  execFileSync(SSH_KEYGEN!, ["-q", "-t", type, ...(bits ? ["-b", String(bits)] : []), "-N", "", "-C", name, "-f", file]);
  return file;
}

/**
 * Start sshd with `options` (sshd_config lines) and the given host keys; LogLevel DEBUG1 to a file,
 * UsePAM no, authorized keys from dir/authorized_keys/%u, listening on 127.0.0.1 only.
 */
export async function startSshd(hostKeys: { type: string; bits?: number }[], options: string[], authorizedKeys: Record<string, string> = {}): Promise<RunningDaemon> {
  mkdirSync("/run/sshd", { recursive: true, mode: 0o755 }); // privilege separation directory
  const dir = mkdtempSync(join(tmpdir(), "otaudit-sshd-"));
  chmodSync(dir, 0o755);
  const keyFiles = hostKeys.map((k, i) => keygen(dir, `host_${k.type}_${i}`, k.type, k.bits));
  mkdirSync(join(dir, "authorized_keys"), { mode: 0o755 });
  for (const [user, line] of Object.entries(authorizedKeys)) writeFileSync(join(dir, "authorized_keys", user), line + "\n", { mode: 0o644 });
  const logFile = join(dir, "sshd.log");
  const config = [
    "ListenAddress 127.0.0.1",
    ...keyFiles.map((f) => `HostKey ${f}`),
    `PidFile ${join(dir, "sshd.pid")}`,
    "UsePAM no",
    "LogLevel DEBUG1",
    "StrictModes no",
    "PermitRootLogin no",
    `AuthorizedKeysFile ${join(dir, "authorized_keys")}/%u`,
    ...options,
  ].join("\n");
  writeFileSync(join(dir, "sshd_config"), config + "\n");
  return startDaemon(SSHD!, (port) => ["-D", "-E", logFile, "-f", join(dir, "sshd_config"), "-p", String(port)], dir, logFile);
}

/** Start Dropbear in the foreground with one generated host key per type. */
export async function startDropbear(hostKeys: { type: string; bits?: number }[], extraArgs: string[] = []): Promise<RunningDaemon> {
  const dir = mkdtempSync(join(tmpdir(), "otaudit-dropbear-"));
  const keyArgs = hostKeys.flatMap((k, i) => {
    const file = join(dir, `dropbear_${k.type}_${i}`);
    execFileSync(DROPBEARKEY!, ["-t", k.type, ...(k.bits ? ["-s", String(k.bits)] : []), "-f", file], { stdio: "ignore" });
    return ["-r", file];
  });
  const logFile = join(dir, "none.log");
  return startDaemon(DROPBEAR!, (port) => ["-F", "-E", "-p", `127.0.0.1:${port}`, "-P", join(dir, "dropbear.pid"), ...keyArgs, ...extraArgs], dir, logFile);
}

/** A throw-away local account with a password (for credentialed interop tests); removed by cleanup(). */
export function createTestUser(password: string): { name: string; cleanup(): void } {
  const name = `ota${process.pid % 100000}`;
  try {
    execFileSync("/usr/sbin/userdel", [name], { stdio: "ignore" });
  } catch {
    /* not there */
  }
  execFileSync("/usr/sbin/useradd", ["--no-create-home", "--home-dir", "/nonexistent", "--shell", "/bin/sh", name]);
  execFileSync("/usr/sbin/chpasswd", { input: `${name}:${password}\n` });
  return {
    name,
    cleanup() {
      try {
        execFileSync("/usr/sbin/userdel", [name], { stdio: "ignore" });
      } catch {
        /* already gone */
      }
    },
  };
}
