// Output files (issue 13 "Nothing overwritten"). Every destination is checked before any network
// work (exit 2 for one that cannot be written); then:
// - a regular file, or a new path, is REPLACED atomically: a temporary sibling is written and
//   renamed over it, so nothing is ever half-written (a symlink to a regular file replaces the
//   file it points to and keeps the link);
// - anything else is WRITTEN THROUGH, never renamed over: a FIFO, a character device (/dev/stdout,
//   /dev/null, a terminal), a path under /proc or /dev, a symlink to one of those, a dangling
//   symlink; our own descriptors (/dev/stdout, /proc/self/fd/1, /dev/fd/N) are written directly,
//   whatever they are (a pipe, a socket, a terminal); a block device or a socket file is refused;
// - a write error (ENOSPC from /dev/full, EPIPE from a closed FIFO) is a UsageError: exit 2, one line.
// Outputs never name an input of the same run (refuseSameFile: same inode). Folders are created one
// level at a time: Node 20's recursive mkdir spins forever under /proc, and a bad --out must be an
// error, not a hang. Every byte passes the secret scrubber.
import {
  accessSync,
  chmodSync,
  closeSync,
  constants,
  lstatSync,
  mkdirSync,
  openSync,
  readlinkSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from "node:fs";
import { basename, dirname, isAbsolute, join, resolve, sep } from "node:path";
import { UsageError } from "../errors.js";
import { scrub } from "../secrets.js";

function code(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

function statOrUndefined(path: string, follow: boolean): Stats | undefined {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch (e) {
    if (code(e) === "ENOENT" || code(e) === "ENOTDIR") return undefined;
    throw e;
  }
}

/** The nearest folder of `dir` (itself or an ancestor) that exists; throws if a file is in the way. */
function nearestExistingDir(dir: string, label: string): string {
  let d = resolve(dir);
  for (;;) {
    try {
      if (!statSync(d).isDirectory()) throw new UsageError(`${label}: ${d} is not a folder`);
      return d;
    } catch (e) {
      if (e instanceof UsageError) throw e;
      if (code(e) !== "ENOENT" && code(e) !== "ENOTDIR") throw new UsageError(`${label}: cannot use ${d} (${code(e)})`);
      const up = dirname(d);
      if (up === d) throw new UsageError(`${label}: no existing folder above ${dir}`);
      d = up;
    }
  }
}

/** Can `dir` be created (or written, if it exists)? Checks without creating anything. */
export function checkWritableDir(dir: string, label: string): void {
  const existing = nearestExistingDir(dir, label);
  try {
    accessSync(existing, constants.W_OK | constants.X_OK);
  } catch (e) {
    throw new UsageError(`${label}: cannot write in ${existing} (${code(e)})`);
  }
}

const SPECIAL_ROOTS = ["/proc", "/dev"];
const underSpecialRoot = (p: string) => SPECIAL_ROOTS.some((r) => p === r || p.startsWith(r + sep));

/** The paths a symlink chain passes through (the given path first), at most 40 hops. */
function linkChain(path: string): string[] {
  const chain = [resolve(path)];
  for (let i = 0; i < 40; i++) {
    const cur = chain[chain.length - 1]!;
    const st = statOrUndefined(cur, false);
    if (!st?.isSymbolicLink()) break;
    let target: string;
    try {
      target = readlinkSync(cur);
    } catch {
      break;
    }
    chain.push(isAbsolute(target) ? target : resolve(dirname(cur), target));
  }
  return chain;
}

/** How an output path is written: replaced atomically (which path), written through, or to one of our own descriptors. */
export type OutputMode = { mode: "replace"; path: string } | { mode: "through"; path: string; what: string } | { mode: "fd"; fd: number };

/** /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N, /proc/<our pid>/fd/N: one of our open descriptors. */
function ownDescriptor(chain: string[]): number | undefined {
  const own = new RegExp(`^/(?:proc/(?:self|thread-self|${process.pid})/fd|dev/fd)/(\\d+)$`);
  for (const p of chain) {
    if (p === "/dev/stdout") return 1;
    if (p === "/dev/stderr") return 2;
    const m = own.exec(p);
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** Decide how to write `path` (see the file header). Throws UsageError for folders, block devices, sockets. */
export function outputMode(path: string, label: string): OutputMode {
  let chain: string[];
  let target: Stats | undefined;
  try {
    chain = linkChain(path);
    target = statOrUndefined(path, true);
  } catch (e) {
    throw new UsageError(`${label}: cannot use ${path} (${code(e)})`);
  }
  const final = chain[chain.length - 1]!;
  // our own stdout/stderr (a pipe, a socket, a terminal, a file): write to the descriptor itself
  const fd = ownDescriptor(chain);
  if (fd !== undefined && target) return { mode: "fd", fd };
  if (target?.isDirectory()) throw new UsageError(`${label}: ${path} is a folder`);
  if (target?.isBlockDevice()) throw new UsageError(`${label}: ${path} is a block device; refusing to write to it`);
  if (target?.isSocket()) throw new UsageError(`${label}: ${path} is a socket; refusing to write to it`);
  if (chain.some(underSpecialRoot)) return { mode: "through", path, what: "a path under /proc or /dev" };
  if (target?.isFIFO()) return { mode: "through", path, what: "a FIFO" };
  if (target?.isCharacterDevice()) return { mode: "through", path, what: "a character device" };
  if (!target && chain.length > 1) return { mode: "through", path, what: "a dangling symlink" };
  if (target) {
    // a regular file in a folder we may not write (no temporary sibling possible): write in place
    try {
      accessSync(dirname(final), constants.W_OK | constants.X_OK);
    } catch {
      return { mode: "through", path, what: "a file in a read-only folder" };
    }
  }
  return { mode: "replace", path: final };
}

/** Check that a file can be written at `path` ('-' = stdout), creating nothing and opening nothing. */
export function checkWritableFile(path: string, label: string): void {
  if (path === "-") return;
  const m = outputMode(path, label);
  if (m.mode === "fd") return;
  if (m.mode === "replace") {
    checkWritableDir(dirname(m.path), label);
    return;
  }
  const st = statOrUndefined(path, true);
  try {
    if (st) accessSync(path, constants.W_OK);
    else {
      // nothing is created under /proc or /dev, and a dangling link's folder must exist
      const dir = dirname(linkChain(path).at(-1)!);
      if (!statOrUndefined(dir, true)?.isDirectory()) throw new UsageError(`${label}: cannot create ${dir} (no folder is created for ${m.what})`);
      accessSync(dir, constants.W_OK | constants.X_OK);
    }
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${label}: cannot write ${path} (${code(e)})`);
  }
}

/** Create `dir` and its missing parents, one level at a time. */
export function ensureDir(dir: string, label = dir): void {
  const target = resolve(dir);
  const existing = nearestExistingDir(target, label);
  const missing: string[] = [];
  for (let d = target; d !== existing; d = dirname(d)) missing.unshift(d);
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (e) {
      if (code(e) !== "EEXIST") throw new UsageError(`${label}: cannot create ${d} (${code(e)})`);
    }
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text, "utf8");
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off, buf.length - off);
    } catch (e) {
      // a non-blocking descriptor (our own stdout on a pipe) that is full: wait for the reader
      if (code(e) !== "EAGAIN") throw e;
      Atomics.wait(pause, 0, 0, 5);
    }
  }
}

function describeWriteError(e: unknown): string {
  const c = code(e);
  return c === "ENOSPC" ? "ENOSPC: no space left on device" : c === "EPIPE" ? "EPIPE: the reader closed the pipe" : c;
}

/**
 * Write an output file from chunks (each scrubbed), replacing a regular file atomically or
 * writing through anything else (see the file header). Errors are one-line UsageErrors.
 */
export function writeOutputChunks(path: string, chunks: Iterable<string>, label = path): void {
  const m = outputMode(path, label);
  if (m.mode === "fd") {
    try {
      for (const c of chunks) writeAll(m.fd, scrub(c));
    } catch (e) {
      throw new UsageError(`${label}: cannot write ${path} (${describeWriteError(e)})`);
    }
    return;
  }
  if (m.mode === "through") {
    let fd: number;
    try {
      fd = openSync(m.path, "w");
    } catch (e) {
      throw new UsageError(`${label}: cannot open ${path} (${code(e)})`);
    }
    try {
      for (const c of chunks) writeAll(fd, scrub(c));
    } catch (e) {
      throw new UsageError(`${label}: cannot write ${path} (${describeWriteError(e)})`);
    } finally {
      closeSync(fd);
    }
    return;
  }
  ensureDir(dirname(m.path), label);
  const tmp = join(dirname(m.path), `.${basename(m.path)}.${process.pid}.tmp`);
  try {
    try {
      unlinkSync(tmp); // a leftover of a crashed run with the same pid
    } catch {
      // none
    }
    const fd = openSync(tmp, "wx");
    try {
      let buffered = "";
      for (const c of chunks) {
        buffered += c;
        if (buffered.length > 1 << 20) {
          writeAll(fd, scrub(buffered));
          buffered = "";
        }
      }
      writeAll(fd, scrub(buffered));
    } finally {
      closeSync(fd);
    }
    const old = statOrUndefined(m.path, true);
    if (old) chmodSync(tmp, old.mode & 0o7777);
    renameSync(tmp, m.path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing to clean up
    }
    throw new UsageError(`${label}: cannot write ${path} (${describeWriteError(e)})`);
  }
}

export function writeFileAtomic(path: string, content: string, label = path): void {
  writeOutputChunks(path, [content], label);
}

/** Write a JSON document to a file or to stdout ('-'). */
export function writeJson(target: string, value: unknown, label = target): void {
  const text = JSON.stringify(value, null, 2) + "\n";
  if (target === "-") process.stdout.write(scrub(text));
  else writeFileAtomic(target, text, label);
}

export interface NamedPath {
  label: string;
  path: string;
}

/**
 * Refuse an output that is one of the run's inputs (the same regular file, by inode): `scan
 * --from-facts r.json --json r.json` would destroy the recording. Outputs that do not exist yet
 * cannot be an input. Also refuses --log naming the same file as another output.
 */
export function refuseSameFile(outputs: NamedPath[], inputs: NamedPath[]): void {
  const id = (p: string) => {
    if (p === "-") return undefined;
    const st = statOrUndefined(p, true);
    return st?.isFile() ? `${st.dev}:${st.ino}` : undefined;
  };
  const ins = inputs.map((i) => ({ ...i, id: id(i.path) })).filter((i) => i.id);
  const seen = new Map<string, NamedPath>();
  for (const o of outputs) {
    if (o.path === "-") continue;
    const oid = id(o.path);
    const input = oid ? ins.find((i) => i.id === oid) : undefined;
    if (input) throw new UsageError(`${o.label}: ${o.path} is the ${input.label} input of this run; writing it would destroy it (choose another file)`);
    // the log and another output as the same file (by inode, or by path when new): lines appended
    // into a report corrupt it (two reports naming one file get the same document: allowed)
    const key = oid ?? `path:${resolve(o.path)}`;
    const other = seen.get(key);
    if (other && (other.label === "--log" || o.label === "--log"))
      throw new UsageError(`${o.label}: ${o.path} is also ${other.label}; give each output its own file`);
    seen.set(key, o);
  }
}
