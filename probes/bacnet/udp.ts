// The BACnet/IP probe's UDP exchange with one device: a socket connected to host:port (so only that
// peer's datagrams arrive, and an ICMP port unreachable ends the wait at once, RFC 1122 §4.1.3.3); one
// request in flight; answers matched by kind (I-Am; invoke id and service of a confirmed request;
// the BVLC function of a table read). Every datagram that is not the answer is counted (malformed,
// unmatched); the queue is bounded (a flood is counted as dropped, never parsed).
import dgram from "node:dgram";
import { isIP } from "node:net";
import { decodeApdu, type Answer } from "./apdu.js";
import { decodeBvlc, decodeNpdu, type Bvlc } from "./bvlc.js";
import { BacnetDecodeError } from "./tags.js";

const MAX_QUEUE = 256;
/** Datagrams looked at per wait: a device answering with endless unrelated datagrams ends the wait. */
const MAX_PER_WAIT = 512;

export interface Decoded {
  bvlc: Bvlc;
  answer?: Answer;
  /** the NPDU came through a router (SNET) */
  snet?: number;
}

export class BacnetUdp {
  received = 0;
  malformed = 0;
  unmatched = 0;
  dropped = 0;
  portUnreachable = false;
  readonly anomalies: string[] = [];
  private queue: Buffer[] = [];
  private wake: (() => void) | undefined;

  private constructor(private readonly socket: dgram.Socket) {
    socket.on("message", (m) => {
      this.received++;
      if (this.queue.length >= MAX_QUEUE) this.dropped++;
      else this.queue.push(m);
      this.wake?.();
    });
    socket.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "ECONNREFUSED") this.portUnreachable = true;
      this.wake?.();
    });
  }

  static open(host: string, port: number, timeoutMs: number): Promise<BacnetUdp> {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket(isIP(host) === 6 ? "udp6" : "udp4");
      const timer = setTimeout(() => {
        socket.close();
        reject(new Error(`UDP socket to ${host}:${port} not ready within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
      socket.connect(port, host, () => {
        clearTimeout(timer);
        socket.removeAllListeners("error");
        resolve(new BacnetUdp(socket));
      });
    });
  }

  anomaly(s: string): void {
    if (this.anomalies.length < 16 && !this.anomalies.includes(s)) this.anomalies.push(s);
  }

  send(b: Buffer): void {
    this.socket.send(b);
  }

  private decode(d: Buffer): Decoded | undefined {
    try {
      const bvlc = decodeBvlc(d);
      if ("npdu" in bvlc) {
        const n = decodeNpdu(bvlc.npdu);
        if (n.networkMessage !== undefined) return { bvlc };
        return { bvlc, answer: decodeApdu(n.apdu), ...(n.snet !== undefined ? { snet: n.snet } : {}) };
      }
      return { bvlc };
    } catch (e) {
      if (!(e instanceof BacnetDecodeError)) throw e;
      this.malformed++;
      this.anomaly(`malformed datagram: ${e.message}`);
      return undefined;
    }
  }

  /** Wait until `match` accepts a datagram, the deadline passes, the port is unreachable or the signal aborts. */
  async wait<T>(match: (d: Decoded) => T | undefined, deadlineAt: number, signal?: AbortSignal): Promise<T | "timeout" | "unreachable"> {
    for (let seen = 0; seen < MAX_PER_WAIT; ) {
      const d = this.queue.shift();
      if (d) {
        seen++;
        const dec = this.decode(d);
        if (!dec) continue;
        const hit = match(dec);
        if (hit !== undefined) return hit;
        this.unmatched++;
        continue;
      }
      if (this.portUnreachable) return "unreachable";
      const left = deadlineAt - Date.now();
      if (left <= 0 || signal?.aborted) return "timeout";
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, left);
        function done() {
          clearTimeout(t);
          signal?.removeEventListener("abort", done);
          resolve();
        }
        this.wake = done;
        signal?.addEventListener("abort", done, { once: true });
      });
      this.wake = undefined;
    }
    this.anomaly(`more than ${MAX_PER_WAIT} datagrams without the answer (a flood)`);
    return "timeout";
  }

  close(): void {
    try {
      this.socket.close();
    } catch {
      /* closed */
    }
  }
}
