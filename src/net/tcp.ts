// Transport kit, TCP part: the connect / bounded read / polite close sequence every TCP probe needs,
// written once. Timeouts are absolute deadlines (a slow-drip peer cannot stretch a read by sending
// one byte just inside the timeout), reads are bounded in bytes, and every path ends with a clean
// close: FIN first (RFC 9293 §3.6), drain, then destroy only if the peer never closes.
import { Socket, isIP } from "node:net";
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from "node:tls";

/** Why a network operation failed, in the words probes map to facts and ProbeFailure codes. */
export type NetErrorCode = "refused" | "timeout" | "unreachable" | "reset" | "closed" | "aborted" | "too-large" | "tls";

/**
 * An expected network outcome (a refused port, a silent peer), mapped to facts, never a bug: it
 * carries no stack trace. Capturing them was 2% of the CPU of a 1,000-device sweep (357 ms of 18 s;
 * each device gets ~20 port checks, most of them refused).
 */
export class NetError extends Error {
  readonly code: NetErrorCode;
  constructor(code: NetErrorCode, message: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.code = code;
    this.name = "NetError";
  }
}

/** A point in time after which an operation gives up; linked to an abort signal. */
export class Deadline {
  readonly at: number;
  constructor(
    ms: number,
    readonly signal?: AbortSignal,
  ) {
    this.at = Date.now() + Math.max(0, ms);
  }
  remaining(): number {
    return Math.max(0, this.at - Date.now());
  }
  get expired(): boolean {
    return this.remaining() === 0 || this.signal?.aborted === true;
  }
  /** the earlier of this deadline and `ms` from now */
  within(ms: number): Deadline {
    return new Deadline(Math.min(this.remaining(), ms), this.signal);
  }
}

/** Sleep that ends early (resolves, never rejects) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

function errnoCode(e: NodeJS.ErrnoException): NetErrorCode {
  switch (e.code) {
    case "ECONNREFUSED":
      return "refused";
    case "ETIMEDOUT":
      return "timeout";
    case "ECONNRESET":
    case "EPIPE":
      return "reset";
    default:
      return "unreachable";
  }
}

export interface ConnectOptions {
  host: string;
  port: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** TLS: connect with these options (servername, minVersion, ciphers, ...) after TCP */
  tls?: ConnectionOptions;
  /** most bytes a Connection buffers before reads fail with `too-large` (default 1 MiB) */
  maxBuffered?: number;
}

/**
 * One TCP (or TLS) connection with a bounded receive buffer. Reads take a Deadline; data that
 * arrives while nobody reads is buffered up to `maxBuffered`, after which the connection stops
 * reading (pause) and the next read fails with `too-large`.
 */
export class Connection {
  /** receive buffer: bytes [start, end) of `store` are unread; grows by doubling (amortised linear) */
  private store = Buffer.alloc(0);
  private start = 0;
  private end = 0;
  private ended = false;
  private failure: NetError | undefined;
  private waiter: (() => void) | undefined;
  private closing: Promise<void> | undefined;
  readonly maxBuffered: number;

  private constructor(
    readonly socket: Socket | TLSSocket,
    maxBuffered: number,
  ) {
    this.maxBuffered = maxBuffered;
    socket.on("data", (chunk: Buffer) => {
      if (this.closing) return; // closing: the rest of the stream is not kept (bounded memory)
      this.append(chunk);
      if (this.buffered > this.maxBuffered) {
        this.failure ??= new NetError("too-large", `peer sent more than ${this.maxBuffered} bytes without being asked`);
        socket.pause();
      }
      this.wake();
    });
    socket.on("end", () => {
      this.ended = true;
      this.wake();
    });
    socket.on("error", (e: NodeJS.ErrnoException) => {
      this.failure ??= new NetError(errnoCode(e), `connection ${e.code === "ECONNRESET" ? "reset by the peer" : `failed (${e.code ?? e.message})`}`);
      this.wake();
    });
    socket.on("close", () => {
      this.ended = true;
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /**
   * Wrap a socket the caller connected itself (e.g. a TLSSocket after a handshake the caller had to
   * observe), to read it with the same bounded, deadline-driven reads and close it politely.
   */
  static adopt(socket: Socket | TLSSocket, maxBuffered = 1 << 20): Connection {
    return new Connection(socket, maxBuffered);
  }

  /** Open a connection; rejects with NetError (refused, timeout, unreachable, aborted, tls). */
  static open(o: ConnectOptions): Promise<Connection> {
    return new Promise((resolve, reject) => {
      if (o.signal?.aborted) return reject(new NetError("aborted", "aborted"));
      const family = isIP(o.host) === 6 ? 6 : isIP(o.host) === 4 ? 4 : 0;
      const raw = new Socket();
      let sock: Socket | TLSSocket = raw;
      let done = false;
      const finish = (err: NetError | null) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        o.signal?.removeEventListener("abort", onAbort);
        if (err) {
          sock.destroy();
          raw.destroy();
          reject(err);
        } else resolve(new Connection(sock, o.maxBuffered ?? 1 << 20));
      };
      // expiry is decided after the poll phase (setImmediate), so a connect that completed while the
      // event loop was busy is taken, not reported as a timeout
      const timer = setTimeout(
        () => setImmediate(() => finish(new NetError("timeout", `no ${o.tls ? "TLS handshake" : "TCP connect"} within ${o.timeoutMs} ms`))),
        o.timeoutMs,
      );
      const onAbort = () => {
        // a connect in flight may already be established at the device, which may have sent a
        // banner: destroying it now would answer with a reset. Let it complete, then close with a
        // FIN, draining what arrives (RFC 9293 §3.6), and destroy only after a grace.
        if (raw.connecting && !o.tls) {
          done = true;
          clearTimeout(timer);
          o.signal?.removeEventListener("abort", onAbort);
          raw.on("error", () => {}); // refused or reset now: nothing left to be polite about
          raw.once("connect", () => {
            raw.resume();
            raw.end();
            setTimeout(() => raw.destroy(), 1000).unref();
          });
          setTimeout(() => raw.destroy(), o.timeoutMs + 1000).unref(); // a connect that never completes
          reject(new NetError("aborted", "aborted"));
          return;
        }
        finish(new NetError("aborted", "aborted"));
      };
      o.signal?.addEventListener("abort", onAbort, { once: true });
      raw.once("error", (e: NodeJS.ErrnoException) => finish(new NetError(errnoCode(e), `TCP connect failed: ${e.code ?? e.message}`)));
      raw.setNoDelay(true);
      raw.connect({ host: o.host, port: o.port, ...(family ? { family } : {}) }, () => {
        if (!o.tls) return finish(null);
        const t = tlsConnect({ ...o.tls, socket: raw });
        sock = t;
        t.once("secureConnect", () => finish(null));
        t.once("error", (e: Error) => finish(new NetError("tls", `TLS handshake failed: ${e.message}`)));
        t.once("end", () => finish(new NetError("closed", "peer closed during the TLS handshake")));
      });
    });
  }

  /**
   * Upgrade this connection to TLS in place (STARTTLS-style: FTP AUTH TLS, RFC 4217 §4). Call it
   * when the peer has agreed and nothing is left unread; the returned Connection replaces this one
   * (bounded buffer, deadlines and polite close as before). Rejects with NetError `tls`/`timeout`.
   */
  startTls(options: ConnectionOptions, deadline: Deadline): Promise<Connection> {
    return new Promise((resolve, reject) => {
      if (this.buffered > 0) return reject(new NetError("tls", "peer sent data before the TLS handshake"));
      if (this.failure || this.ended || this.closing) return reject(this.failure ?? new NetError("closed", "connection closed before the TLS handshake"));
      const t = tlsConnect({ ...options, socket: this.socket as Socket });
      let done = false;
      const finish = (err: NetError | null) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        deadline.signal?.removeEventListener("abort", onAbort);
        if (err) {
          t.destroy();
          reject(err);
        } else resolve(new Connection(t, this.maxBuffered));
      };
      const timer = setTimeout(() => finish(new NetError("timeout", "no TLS handshake within the deadline")), deadline.remaining());
      const onAbort = () => finish(new NetError("aborted", "aborted"));
      deadline.signal?.addEventListener("abort", onAbort, { once: true });
      t.once("secureConnect", () => finish(null));
      t.once("error", (e: Error) => finish(new NetError("tls", `TLS handshake failed: ${e.message}`)));
      t.once("end", () => finish(new NetError("closed", "peer closed during the TLS handshake")));
    });
  }

  write(data: Buffer | string): void {
    if (!this.socket.destroyed && !this.closing) this.socket.write(data);
  }

  /** bytes received and not yet consumed */
  get pending(): number {
    return this.buffered;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  private get buffered(): number {
    return this.end - this.start;
  }

  private append(chunk: Buffer): void {
    if (this.end + chunk.length > this.store.length) {
      const need = this.buffered + chunk.length;
      // compact, and grow by doubling when the unread part does not fit: each byte is copied O(1) times amortised
      const next = need > this.store.length / 2 ? Buffer.allocUnsafe(Math.max(need * 2, 4096)) : this.store;
      this.store.copy(next, 0, this.start, this.end);
      this.store = next;
      this.end = this.buffered;
      this.start = 0;
    }
    chunk.copy(this.store, this.end);
    this.end += chunk.length;
  }

  /** the unread bytes, without copying */
  private peekAll(): Buffer {
    return this.store.subarray(this.start, this.end);
  }

  private consume(n: number): Buffer {
    const out = Buffer.from(this.store.subarray(this.start, this.start + n));
    this.start += n;
    if (this.start === this.end) this.start = this.end = 0;
    if (this.socket.isPaused() && this.buffered <= this.maxBuffered && !this.failure) this.socket.resume();
    return out;
  }

  /**
   * Read one message: `frame(buffered)` returns the message length once the buffer holds a whole
   * message (or undefined to wait for more; throw to reject the stream). The deadline is absolute.
   * `frame` must be cheap (it is called on each arrival): look at a fixed header, never rescan.
   */
  async read(frame: (buf: Buffer) => number | undefined, deadline: Deadline, what = "an answer"): Promise<Buffer> {
    for (;;) {
      if (this.buffered > 0) {
        const n = frame(this.peekAll());
        if (n !== undefined) {
          if (n > this.maxBuffered) throw new NetError("too-large", `${what} of ${n} bytes exceeds the ${this.maxBuffered}-byte limit`);
          if (n <= this.buffered) return this.consume(n);
        }
      }
      if (this.failure) throw this.failure;
      if (this.ended) throw new NetError("closed", `peer closed the connection before ${what} was complete`);
      if (deadline.signal?.aborted) throw new NetError("aborted", "aborted");
      const left = deadline.remaining();
      if (left === 0) throw new NetError("timeout", `no complete ${what} within the deadline`);
      await new Promise<void>((resolve) => {
        // on expiry, look once more after the poll phase (setImmediate): an answer that arrived
        // while the event loop was busy (a module loading, GC) is read before we call it a timeout
        const t = setTimeout(() => setImmediate(done), left);
        const sig = deadline.signal;
        function done() {
          clearTimeout(t);
          sig?.removeEventListener("abort", done);
          resolve();
        }
        this.waiter = done;
        sig?.addEventListener("abort", done, { once: true });
      });
    }
  }

  /** Read exactly `n` bytes (deadline absolute). */
  readExactly(n: number, deadline: Deadline, what?: string): Promise<Buffer> {
    return this.read((b) => (b.length >= n ? n : undefined), deadline, what);
  }

  /**
   * Close politely: FIN, keep draining what the peer sends (so the kernel does not answer unread
   * data with RST), wait for the peer's close up to `graceMs`, then destroy. Idempotent.
   */
  close(graceMs = 1000): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      const s = this.socket;
      this.store = Buffer.alloc(0);
      this.start = this.end = 0;
      if (s.destroyed || s.closed) return resolve();
      s.resume();
      const hard = setTimeout(() => s.destroy(), graceMs);
      s.once("close", () => {
        clearTimeout(hard);
        resolve();
      });
      s.end();
    });
    return this.closing;
  }
}
