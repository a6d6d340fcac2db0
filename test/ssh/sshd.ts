// Interop plumbing: run Debian's OpenSSH sshd and Dropbear on a loopback port with a generated
// configuration and host keys in a temp dir, read their logs, and manage a throw-away local user.
// Accounts that must not exist on the machine (an `admin` with an EMPTY password) are given to the
// daemon alone: it runs in its own mount namespace (unshare -m) where copies of /etc/passwd and
// /etc/shadow with the extra accounts are bind-mounted; the host's files are never touched.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findBinary, freeTcpPort, spawnDaemon, tcpPortOpen, waitFor } from "../helpers/daemons.js";

export const SSHD = findBinary("/usr/sbin/sshd");
export const SSH_KEYGEN = findBinary("/usr/bin/ssh-keygen");
export const DROPBEAR = findBinary("/usr/sbin/dropbear");
export const DROPBEARKEY = findBinary("/usr/bin/dropbearkey");
export const IS_ROOT = process.getuid?.() === 0;
export const UNSHARE = findBinary("/usr/bin/unshare");

/** An account visible only to one daemon (its own mount namespace); password "" = empty password. */
export interface NamespaceAccount {
  name: string;
  password: "";
}

/**
 * Wrap a daemon command so it runs in a private mount namespace whose /etc/passwd and /etc/shadow
 * are copies of the host's plus `accounts` (unprivileged ids, shell nologin, which /etc/shells
 * lists there), in an overlay on /etc.
 */
function inAccountsNamespace(dir: string, accounts: NamespaceAccount[], bin: string, args: string[]): { bin: string; args: string[] } {
  if (accounts.length === 0) return { bin, args };
  if (!UNSHARE) throw new Error("accounts need /usr/bin/unshare");
  const passwd = readFileSync("/etc/passwd", "utf8").trimEnd().split("\n");
  const shadow = readFileSync("/etc/shadow", "utf8").trimEnd().split("\n");
  accounts.forEach((a, i) => {
    if (passwd.some((l) => l.startsWith(`${a.name}:`))) throw new Error(`account ${a.name} exists on this machine; pick another name`);
    passwd.push(`${a.name}:x:${42400 + i}:65534:otaudit test account:/nonexistent:/usr/sbin/nologin`);
    shadow.push(`${a.name}:${a.password}:19000:0:99999:7:::`);
  });
  // the files go into the upper layer of an overlay mounted on the /etc directory. Not bind mounts
  // on the files: a test that adds a real account (createTestUser: useradd renames a new
  // /etc/passwd into place) replaces the host's /etc/passwd dentry, and Linux then detaches a
  // mount sitting on it in every namespace: the daemon saw "nonexistent user" under load
  const upper = join(dir, "etc-upper");
  mkdirSync(upper, { mode: 0o755 });
  mkdirSync(join(dir, "etc-work"), { mode: 0o755 });
  writeFileSync(join(upper, "passwd"), passwd.join("\n") + "\n", { mode: 0o644 });
  writeFileSync(join(upper, "shadow"), shadow.join("\n") + "\n", { mode: 0o600 });
  // Dropbear refuses accounts whose shell is not in /etc/shells: list nologin, so the test
  // accounts can authenticate but never get a shell
  writeFileSync(join(upper, "shells"), readFileSync("/etc/shells", "utf8").trimEnd() + "\n/usr/sbin/nologin\n", { mode: 0o644 });
  const quote = (x: string) => `'${x.replace(/'/g, "'\\''")}'`;
  const script = `mount -t overlay overlay -o ${quote(`lowerdir=/etc,upperdir=${upper},workdir=${join(dir, "etc-work")}`)} /etc && exec ${[bin, ...args].map(quote).join(" ")}`;
  return { bin: UNSHARE, args: ["-m", "--propagation", "private", "/bin/sh", "-c", script] };
}

export interface RunningDaemon {
  port: number;
  dir: string;
  log(): string;
  stop(): Promise<void>;
}

/**
 * True when the TCP socket listening on `port` belongs to process `pid` (its inode in
 * /proc/net/tcp is one of the process's open files). An open port alone is not enough: between
 * freeTcpPort() and the daemon's bind, a daemon of another test file can take the same port, and
 * ours then exits while the port answers; the test would audit the other file's daemon.
 */
function listensOn(pid: number | undefined, port: number): boolean {
  if (!pid) return false;
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  const inodes = readFileSync("/proc/net/tcp", "utf8")
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[1]?.endsWith(`:${hex}`) && f[3] === "0A") // state 0A: LISTEN
    .map((f) => f[9]);
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`).map((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        return "";
      }
    });
  } catch {
    return false;
  }
  return inodes.some((inode) => fds.includes(`socket:[${inode}]`));
}

async function startDaemon(
  bin: string,
  args: (port: number) => string[],
  dir: string,
  logFile: string,
  accounts: NamespaceAccount[] = [],
): Promise<RunningDaemon> {
  for (let attempt = 1; ; attempt++) {
    const port = await freeTcpPort();
    const cmd = inAccountsNamespace(dir, accounts, bin, args(port));
    const daemon = spawnDaemon(cmd.bin, cmd.args, { logFile });
    try {
      await waitFor(async () => {
        if (daemon.exited()) throw new Error(`${bin} exited: ${daemon.log().slice(0, 500)}`);
        return listensOn(daemon.child.pid, port) && (await tcpPortOpen(port));
      }, 10_000);
      return { port, dir, log: daemon.log, stop: async () => (await daemon.stop(), rmSync(dir, { recursive: true, force: true })) };
    } catch (e) {
      await daemon.stop();
      // another daemon took the port first (ours exited on EADDRINUSE): once more on a new port
      if (attempt < 3 && /exited/.test((e as Error).message)) continue;
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }
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
export async function startSshd(
  hostKeys: { type: string; bits?: number }[],
  options: string[],
  authorizedKeys: Record<string, string> = {},
  accounts: NamespaceAccount[] = [],
  setup?: (dir: string) => string[],
): Promise<RunningDaemon> {
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
    ...(setup ? setup(dir) : []),
  ].join("\n");
  writeFileSync(join(dir, "sshd_config"), config + "\n");
  return startDaemon(SSHD!, (port) => ["-D", "-E", logFile, "-f", join(dir, "sshd_config"), "-p", String(port)], dir, logFile, accounts);
}

/** Start Dropbear in the foreground with one generated host key per type. */
export async function startDropbear(
  hostKeys: { type: string; bits?: number }[],
  extraArgs: string[] = [],
  accounts: NamespaceAccount[] = [],
): Promise<RunningDaemon> {
  const dir = mkdtempSync(join(tmpdir(), "otaudit-dropbear-"));
  const keyArgs = hostKeys.flatMap((k, i) => {
    const file = join(dir, `dropbear_${k.type}_${i}`);
    execFileSync(DROPBEARKEY!, ["-t", k.type, ...(k.bits ? ["-s", String(k.bits)] : []), "-f", file], { stdio: "ignore" });
    return ["-r", file];
  });
  const logFile = join(dir, "none.log");
  return startDaemon(
    DROPBEAR!,
    (port) => ["-F", "-E", "-p", `127.0.0.1:${port}`, "-P", join(dir, "dropbear.pid"), ...keyArgs, ...extraArgs],
    dir,
    logFile,
    accounts,
  );
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

/** TCP connections a daemon's log shows: sshd (LogLevel DEBUG1) "Connection from", Dropbear "Child connection from". */
export function connectionsInLog(log: string): number {
  return (log.match(/^(?:debug1: )?Connection from |Child connection from /gm) ?? []).length;
}

/**
 * Connections logged so far, once the log has settled: the start-up port check (tcpPortOpen) is a
 * connection too, and the daemon's child may log it only after the port was found open.
 */
export async function connectionsSoFar(d: RunningDaemon): Promise<number> {
  let last = -1;
  for (let i = 0; i < 40; i++) {
    const n = connectionsInLog(d.log());
    if (n >= 1 && n === last) return n;
    last = n;
    await new Promise((r) => setTimeout(r, 100));
  }
  return last;
}
