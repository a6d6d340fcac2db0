// A private PostgreSQL cluster for tests and benchmarks: Debian's binaries
// (/usr/lib/postgresql/<major>/bin: initdb, pg_ctl, postgres), an own data dir and socket dir under
// the temp dir, an own TCP port on 127.0.0.1, password (SCRAM) authentication over TCP. PostgreSQL
// refuses to run as root: as root the cluster runs as `nobody` (runuser), whose files are under a
// temp dir it owns. stop() shuts it down and removes everything; a process exit stops it too.
import { spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export interface PgBinaries {
  dir: string;
  major: number;
}

/** The newest Debian PostgreSQL server installed (/usr/lib/postgresql/N/bin), or undefined. */
export function findPostgres(root = "/usr/lib/postgresql"): PgBinaries | undefined {
  let majors: number[] = [];
  try {
    majors = readdirSync(root)
      .map(Number)
      .filter((n) => Number.isInteger(n) && n > 0)
      .sort((a, b) => b - a);
  } catch {
    return undefined;
  }
  for (const major of majors) {
    const dir = join(root, String(major), "bin");
    if (["initdb", "pg_ctl", "postgres"].every((b) => existsSync(join(dir, b)))) return { dir, major };
  }
  return undefined;
}

export function postgresAvailable(): { ok: boolean; reason: string } {
  const bin = findPostgres();
  if (!bin) return { ok: false, reason: "PostgreSQL server not installed (apt-get install postgresql: /usr/lib/postgresql/*/bin)" };
  if (process.getuid?.() === 0 && spawnSync("id", ["-u", "nobody"]).status !== 0)
    return { ok: false, reason: "running as root without a 'nobody' user to run PostgreSQL as" };
  return { ok: true, reason: "" };
}

export interface PgCluster {
  host: string;
  port: number;
  /** superuser name and password (setup only) */
  admin: { user: string; password: string };
  /** URL of a database as the superuser (password included: for the tests' own clients only) */
  adminUrl(database?: string): string;
  /** create a login role and a database it owns; returns its URL without the password */
  createDatabase(name: string, user: string, password: string): Promise<string>;
  /** run SQL as the superuser */
  sql(text: string, database?: string): Promise<pg.QueryResult>;
  logFile: string;
  /** the postmaster's process id (benchmarks read its CPU time) */
  pid(): number;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function uidOf(user: string): { uid: number; gid: number } {
  const uid = Number(spawnSync("id", ["-u", user], { encoding: "utf8" }).stdout.trim());
  const gid = Number(spawnSync("id", ["-g", user], { encoding: "utf8" }).stdout.trim());
  return { uid, gid };
}

export async function startPgCluster(opts: { fsync?: boolean; maxConnections?: number; settings?: Record<string, string> } = {}): Promise<PgCluster> {
  const bin = findPostgres();
  if (!bin) throw new Error(postgresAvailable().reason);
  const asRoot = process.getuid?.() === 0;
  const base = mkdtempSync(join(tmpdir(), "otaudit-pg-"));
  const data = join(base, "data");
  const sock = join(base, "sock");
  mkdirSync(sock);
  const logFile = join(base, "postgres.log");
  const admin = { user: "otaudit_admin", password: `adm-${process.pid}-${Date.now().toString(36)}` };
  const pwfile = join(base, "pwfile");
  writeFileSync(pwfile, admin.password + "\n", { mode: 0o600 });
  if (asRoot) {
    const { uid, gid } = uidOf("nobody");
    for (const p of [base, sock, pwfile]) chownSync(p, uid, gid);
  }
  const run = (cmd: string, args: string[]) => {
    const full = join(bin.dir, cmd);
    const r = asRoot
      ? spawnSync("runuser", ["-u", "nobody", "--", full, ...args], { cwd: base, encoding: "utf8", timeout: 120_000 })
      : spawnSync(full, args, { cwd: base, encoding: "utf8", timeout: 120_000 });
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status ?? r.signal}): ${(r.stderr || r.stdout || "").slice(-2000)}`);
    return r.stdout;
  };
  run("initdb", ["-D", data, "-U", admin.user, `--pwfile=${pwfile}`, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale", "-N"]);
  rmSync(pwfile, { force: true });
  const port = await freePort();
  const settings: Record<string, string> = {
    listen_addresses: "127.0.0.1",
    port: String(port),
    unix_socket_directories: sock,
    fsync: opts.fsync === false ? "off" : "on",
    synchronous_commit: opts.fsync === false ? "off" : "on",
    full_page_writes: opts.fsync === false ? "off" : "on",
    max_connections: String(opts.maxConnections ?? 100),
    shared_buffers: "64MB",
    log_min_messages: "warning",
    ...opts.settings,
  };
  const o = Object.entries(settings)
    .map(([k, v]) => `-c ${k}=${v}`)
    .join(" ");
  run("pg_ctl", ["-D", data, "-l", logFile, "-w", "-t", "90", "-o", o, "start"]);
  let stopped = false;
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    try {
      run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "-t", "30", "stop"]);
    } catch {
      /* already down */
    }
    rmSync(base, { recursive: true, force: true });
  };
  process.once("exit", stopSync);
  const host = "127.0.0.1";
  const adminUrl = (database = "postgres") => `postgres://${admin.user}:${encodeURIComponent(admin.password)}@${host}:${port}/${database}`;
  const sql = async (text: string, database?: string) => {
    const c = new pg.Client({ connectionString: adminUrl(database) });
    await c.connect();
    try {
      return await c.query(text);
    } finally {
      await c.end();
    }
  };
  return {
    host,
    port,
    admin,
    adminUrl,
    logFile,
    sql,
    pid: () => Number(readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0]),
    async createDatabase(name, user, password) {
      const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
      const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
      const exists = await sql(`SELECT 1 FROM pg_roles WHERE rolname = ${lit(user)}`);
      if (exists.rowCount === 0) await sql(`CREATE ROLE ${ident(user)} LOGIN PASSWORD ${lit(password)}`);
      await sql(`CREATE DATABASE ${ident(name)} OWNER ${ident(user)}`);
      return `postgres://${encodeURIComponent(user)}@${host}:${port}/${encodeURIComponent(name)}`;
    },
    async stop() {
      process.off("exit", stopSync);
      if (stopped) return;
      stopped = true;
      try {
        run("pg_ctl", ["-D", data, "-m", "fast", "-w", "-t", "60", "stop"]);
      } finally {
        rmSync(base, { recursive: true, force: true });
      }
    },
  };
}
