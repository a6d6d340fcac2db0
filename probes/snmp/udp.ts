// The SNMP probe's UDP exchange with one agent. Window contract: `send()` registers a request
// with its own deadline (sent + timeout); `wait()` returns when every pending request was
// answered, when every pending request's deadline has passed, on abort or on ICMP port
// unreachable, and says which (WaitEnd). Unanswered requests stay registered as late: an answer
// that still comes during a later wait is handed over marked late, never dropped.
// Everything that arrives and is not taken is counted (malformed, unmatched, from another source,
// beyond the decode bound) so rules can tell "silence" from "answers we could not use".
// Sockets (Linux): A is connected to the agent (its answers and ICMP errors, RFC 1122 §4.1.3.3);
// B shares A's local port (SO_REUSEADDR) unconnected and only counts datagrams from any other
// address or port, which the kernel would otherwise hide from a connected socket.
import dgram from "node:dgram";
import { createHash, randomInt } from "node:crypto";
import { isIP } from "node:net";
import { ProbeFailure } from "../../src/errors.js";
import { BerParseError, SNMP_VERSION, decodeMessage, type SnmpMessage } from "./ber.js";
import type { WaitEnd } from "./facts.js";

/** Datagrams decoded per probe; beyond this a flood is counted, not parsed (bounded CPU). */
export const MAX_DECODED_DATAGRAMS = 2000;
/** Answered keys remembered to tell an exact duplicate from an unmatched answer. */
const MAX_REMEMBERED = 512;

export interface Arrival {
  /** the answer came after this request's own deadline */
  late: boolean;
  /** ms after the request was sent */
  ms: number;
}
export type Handler = (msg: SnmpMessage, arrival: Arrival) => void;

interface Pending {
  handler: Handler;
  check?: (m: SnmpMessage) => boolean;
  sentAt: number;
  deadline: number;
}

export class UdpExchange {
  malformed = 0;
  unmatched = 0;
  foreign = 0;
  duplicates = 0;
  floodDropped = 0;
  portUnreachable = false;
  /** a handler or the decoder threw (a bug): the probe reports it after the wait */
  internalError: string | undefined;
  private decoded = 0;
  private readonly pending = new Map<string, Pending>();
  /** digest of each answer taken, by key (bounded): tells an exact duplicate from a conflicting one */
  private readonly answered = new Map<string, string>();
  private wake: (() => void) | undefined;
  private nextId = randomInt(1, 0x3fffffff);

  private constructor(
    private readonly socket: dgram.Socket,
    private readonly others: dgram.Socket | undefined,
    readonly timeoutMs: number,
  ) {
    socket.on("message", (buf) => this.onMessage(buf));
    socket.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "ECONNREFUSED") this.portUnreachable = true;
      this.wake?.();
    });
    others?.on("message", () => {
      this.foreign++;
    });
    others?.on("error", () => undefined);
  }

  /** Open both sockets (resolving `host`) within `timeoutMs`; ProbeFailure("unreachable") otherwise. */
  static async open(host: string, port: number, timeoutMs: number): Promise<UdpExchange> {
    const type = isIP(host) === 6 ? "udp6" : "udp4";
    const socket = dgram.createSocket({ type, reuseAddr: true });
    const fail = (why: string) => new ProbeFailure("unreachable", `UDP socket to ${host}:${port}: ${why}`);
    const step = <T>(what: (done: (v: T) => void) => void): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(fail(`not ready within ${timeoutMs} ms`)), timeoutMs);
        socket.once("error", (e) => {
          clearTimeout(timer);
          reject(fail(e.message));
        });
        what((v) => {
          clearTimeout(timer);
          socket.removeAllListeners("error");
          resolve(v);
        });
      });
    let others: dgram.Socket | undefined;
    try {
      await step<void>((done) => socket.bind(0, () => done()));
      others = await bindOthers(type, socket.address().port);
      await step<void>((done) => socket.connect(port, host, () => done()));
      return new UdpExchange(socket, others, timeoutMs);
    } catch (e) {
      socket.close();
      others?.close();
      throw e;
    }
  }

  /** A fresh request id / msgID (RFC 3416 §3: request-id; RFC 3412 §6.2: msgID). */
  id(): number {
    this.nextId = (this.nextId % 0x7ffffffe) + 1;
    return this.nextId;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  private onMessage(buf: Buffer): void {
    if (this.decoded >= MAX_DECODED_DATAGRAMS) {
      this.floodDropped++;
      return;
    }
    this.decoded++;
    let msg: SnmpMessage;
    try {
      msg = decodeMessage(buf);
    } catch (e) {
      // only BerParseError is expected (fuzzed); anything else is counted the same, never thrown
      // out of a socket event (that would end the process)
      if (!(e instanceof BerParseError)) this.internalError ??= `decoder: ${(e as Error).message}`;
      this.malformed++;
      return;
    }
    const key = msg.version === SNMP_VERSION.v3 ? `m:${msg.v3!.msgId}` : `r:${msg.pdu?.requestId}`;
    const entry = this.pending.get(key);
    if (!entry || (entry.check && !entry.check(msg))) {
      const before = this.answered.get(key);
      if (before && before === digest(buf)) this.duplicates++;
      else this.unmatched++;
      return;
    }
    this.pending.delete(key);
    if (this.answered.size >= MAX_REMEMBERED) this.answered.delete(this.answered.keys().next().value!);
    this.answered.set(key, digest(buf));
    const now = Date.now();
    try {
      entry.handler(msg, { late: now > entry.deadline, ms: now - entry.sentAt });
    } catch (e) {
      this.internalError ??= (e as Error).message;
    }
    this.wake?.();
  }

  /** Send a datagram and register the handler for its answer (matched by key, then `check`). */
  send(key: string, datagram: Buffer, handler: Handler, check?: (m: SnmpMessage) => boolean): void {
    const sentAt = Date.now();
    this.pending.set(key, { handler, check, sentAt, deadline: sentAt + this.timeoutMs });
    this.socket.send(datagram, () => this.wake?.());
    this.wake?.();
  }

  /** Forget a request (its answer, if it still comes, counts as unmatched). */
  cancel(key: string): void {
    this.pending.delete(key);
  }

  private latestDeadline(): number {
    let latest = 0;
    for (const p of this.pending.values()) latest = Math.max(latest, p.deadline);
    return latest;
  }

  private openRequests(now: number): number {
    let n = 0;
    for (const p of this.pending.values()) if (p.deadline > now) n++;
    return n;
  }

  /**
   * Wait until every pending request is answered or past its own deadline (requests sent from a
   * handler during the wait extend it), the port is refused or `signal` aborts.
   */
  wait(signal: AbortSignal): Promise<WaitEnd> {
    return new Promise<WaitEnd>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (why: WaitEnd) => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        this.wake = undefined;
        resolve(why);
      };
      const onAbort = () => finish("aborted");
      const check = () => {
        if (signal.aborted) return finish("aborted");
        if (this.portUnreachable) return finish("port-unreachable");
        const now = Date.now();
        if (this.openRequests(now) === 0) return finish(this.pending.size === 0 ? "all-answered" : "timeout");
        clearTimeout(timer);
        timer = setTimeout(check, Math.max(1, this.latestDeadline() - now + 1));
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.wake = check;
      check();
    });
  }

  close(): Promise<void> {
    const closeOne = (s: dgram.Socket | undefined) =>
      new Promise<void>((resolve) => {
        if (!s) return resolve();
        try {
          s.close(() => resolve());
        } catch {
          resolve();
        }
      });
    this.pending.clear();
    return Promise.all([closeOne(this.socket), closeOne(this.others)]).then(() => undefined);
  }
}

const digest = (b: Buffer) => createHash("sha256").update(b).digest("base64");

/** The second, unconnected socket on the same local port; none where the platform refuses it. */
async function bindOthers(type: "udp4" | "udp6", port: number): Promise<dgram.Socket | undefined> {
  const s = dgram.createSocket({ type, reuseAddr: true });
  return new Promise((resolve) => {
    s.once("error", () => {
      try {
        s.close();
      } catch {
        /* not bound */
      }
      resolve(undefined);
    });
    s.bind(port, () => {
      s.removeAllListeners("error");
      resolve(s);
    });
  });
}
