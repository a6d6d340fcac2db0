// A small, strict OPC UA TCP (UACP) client for the passive part of the probe: Hello/Acknowledge,
// OpenSecureChannel with SecurityPolicy None, FindServers, GetEndpoints, CloseSecureChannel.
// Written by hand (no node-opcua import: fast start, full control over hostile peers): framing and
// decoding are the pure functions of uacp-codec.ts; this file owns the socket. Every wait ends at an
// absolute deadline (a peer that drips one byte at a time cannot stretch it), one request is
// outstanding at a time, and unrequested messages are bounded. Spec: OPC 10000-6 §7.1 UACP, §6.7
// secure conversation; OPC 10000-4 §5.4 discovery services, §5.5 secure channel services.
import { type Socket, connect, isIP } from "node:net";
import { Deadline } from "../../src/net/index.js";
import { UacpProtocolError } from "./binary.js";
import { ChunkFramer, ResponseAssembler, decodeAck, decodeError, encodeHello, type AckFacts, type Chunk } from "./uacp-codec.js";
import {
  decodeFindServersResponse,
  decodeGetEndpointsResponse,
  decodeOpenSecureChannelResponse,
  encodeCloseSecureChannel,
  encodeFindServers,
  encodeGetEndpoints,
  encodeOpenSecureChannel,
  type BoundedList,
  type ChannelToken,
  type RawApplication,
  type RawEndpoint,
} from "./uacp-services.js";

export { BinaryReader, BinaryWriter, UacpProtocolError } from "./binary.js";
export { CLIENT_LIMITS, ENCODING_IDS, POLICY_NONE, UacpRemoteError, frame, type AckFacts } from "./uacp-codec.js";
export { readEndpointDescription, type RawEndpoint, type RawApplication, type BoundedList } from "./uacp-services.js";

export class UacpTimeoutError extends Error {
  override name = "UacpTimeoutError";
}

/** Complete chunks kept while no request waits for them (we never pipeline requests). */
const MAX_QUEUED_CHUNKS = 64;

export interface UacpOptions {
  /** per request/response: an absolute deadline from the moment the request is sent */
  timeoutMs: number;
  signal?: AbortSignal;
  /** an overall deadline (the passive phase's budget): no wait goes past it */
  budget?: Deadline;
}

/** One UACP connection: strictly one request outstanding at a time. */
export class UacpClient {
  private framer = new ChunkFramer();
  private inbox: Chunk[] = [];
  private waiter: (() => void) | undefined;
  private failure: Error | undefined;
  private channel: ChannelToken | undefined;
  private sequenceNumber = 1;
  private requestId = 1;
  ack: AckFacts | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly opts: UacpOptions,
  ) {
    socket.on("data", (d: Buffer) => this.onData(d));
    socket.on("error", (e) => this.fail(e));
    socket.on("close", () => this.fail(new UacpProtocolError("connection closed by the server")));
    socket.on("end", () => socket.end()); // answer the peer's FIN with ours
  }

  /** A deadline `timeoutMs` from now, never later than the overall budget. */
  private deadline(): Deadline {
    const d = new Deadline(this.opts.timeoutMs, this.opts.signal);
    return this.opts.budget ? this.opts.budget.within(d.remaining()) : d;
  }

  /** TCP connect + Hello/Acknowledge (Part 6 §7.1.2.3, §7.1.2.4). `host` is bare (no brackets). */
  static async connect(host: string, port: number, endpointUrl: string, opts: UacpOptions): Promise<UacpClient> {
    const limit = opts.budget ? opts.budget.within(opts.timeoutMs) : new Deadline(opts.timeoutMs, opts.signal);
    const socket = await new Promise<Socket>((resolve, reject) => {
      if (opts.signal?.aborted) return reject(new UacpTimeoutError("aborted"));
      const family = isIP(host);
      const s = connect({ host, port, ...(family ? { family } : {}) });
      let settled = false;
      const finish = (err?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener("abort", onAbort);
        if (err) {
          s.destroy();
          reject(err);
        } else resolve(s);
      };
      const timer = setTimeout(() => finish(new UacpTimeoutError(`TCP connect to ${host}:${port} timed out after ${opts.timeoutMs} ms`)), limit.remaining());
      const onAbort = () => finish(new UacpTimeoutError("aborted"));
      opts.signal?.addEventListener("abort", onAbort, { once: true });
      s.once("connect", () => finish());
      s.once("error", (e) => finish(e));
    });
    socket.setNoDelay(true);
    const client = new UacpClient(socket, opts);
    try {
      socket.write(encodeHello(endpointUrl));
      const m = await client.next("Acknowledge", client.deadline());
      if (m.type !== "ACK") throw new UacpProtocolError(`expected ACK after Hello, got '${m.type}'`);
      client.ack = decodeAck(m.body);
      return client;
    } catch (e) {
      client.end();
      throw e;
    }
  }

  private fail(e: Error) {
    this.failure ??= e;
    this.wake();
  }

  private wake() {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  private onData(d: Buffer) {
    if (this.failure) return;
    try {
      for (const c of this.framer.push(d)) {
        this.inbox.push(c);
        // one request is outstanding at a time: a peer that streams unrequested messages is hostile
        if (this.inbox.length > MAX_QUEUED_CHUNKS) throw new UacpProtocolError(`more than ${MAX_QUEUED_CHUNKS} unrequested messages queued`);
      }
    } catch (e) {
      this.fail(e as Error);
      this.end();
      return;
    }
    if (this.inbox.length) this.wake();
  }

  /** Next complete chunk before `deadline`; ERR messages (Part 6 §7.1.2.5) become UacpRemoteError. */
  private async next(what: string, deadline: Deadline): Promise<Chunk> {
    for (;;) {
      const m = this.inbox.shift();
      if (m) {
        if (m.type === "ERR") throw decodeError(m.body, "server sent ERR");
        return m;
      }
      if (this.failure) throw this.failure;
      if (deadline.signal?.aborted) throw new UacpTimeoutError("aborted");
      const left = deadline.remaining();
      if (left === 0) throw new UacpTimeoutError(`no complete ${what} within ${this.opts.timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const sig = deadline.signal;
        const done = () => {
          clearTimeout(t);
          sig?.removeEventListener("abort", done);
          this.waiter = undefined;
          resolve();
        };
        const t = setTimeout(done, left);
        sig?.addEventListener("abort", done, { once: true });
        this.waiter = done;
      });
    }
  }

  /** Send one request and collect its chunks (Part 6 §6.7.2.1, F/C/A), all before one deadline. */
  private async exchange(request: Buffer, expect: "OPN" | "MSG", what: string): Promise<Buffer> {
    this.socket.write(request);
    const deadline = this.deadline();
    const assembler = new ResponseAssembler(expect, what);
    for (;;) {
      const body = assembler.add(await this.next(what, deadline));
      if (body) return body;
    }
  }

  private seq() {
    return { sequenceNumber: this.sequenceNumber++, requestId: this.requestId++ };
  }

  /** OpenSecureChannel, SecurityPolicy None, SecurityMode None (Part 4 §5.5.2; Part 6 §6.7.4). */
  async openSecureChannel(): Promise<void> {
    const body = await this.exchange(encodeOpenSecureChannel(this.seq(), this.opts.timeoutMs), "OPN", "OpenSecureChannel response");
    this.channel = decodeOpenSecureChannelResponse(body);
  }

  private requireChannel(): ChannelToken {
    if (!this.channel) throw new UacpProtocolError("no secure channel open");
    return this.channel;
  }

  /** GetEndpoints (Part 4 §5.4.4): at most KEEP_LIMITS.endpoints kept; a bad element keeps the earlier ones. */
  async getEndpoints(endpointUrl: string): Promise<BoundedList<RawEndpoint>> {
    const body = await this.exchange(encodeGetEndpoints(this.requireChannel(), this.seq(), endpointUrl, this.opts.timeoutMs), "MSG", "GetEndpoints response");
    return decodeGetEndpointsResponse(body);
  }

  /** FindServers (Part 4 §5.4.2): the servers a discovery endpoint (or a server itself) knows. */
  async findServers(endpointUrl: string): Promise<BoundedList<RawApplication>> {
    const body = await this.exchange(encodeFindServers(this.requireChannel(), this.seq(), endpointUrl, this.opts.timeoutMs), "MSG", "FindServers response");
    return decodeFindServersResponse(body);
  }

  /** CloseSecureChannel (Part 4 §5.5.3): no response is sent; then FIN, and wait (bounded) for the close. */
  async close(): Promise<void> {
    if (this.channel && !this.failure) this.socket.write(encodeCloseSecureChannel(this.channel, this.seq(), this.opts.timeoutMs));
    this.end();
    await new Promise<void>((resolve) => {
      if (this.socket.closed) return resolve();
      const timer = setTimeout(
        () => {
          this.socket.destroy();
          resolve();
        },
        Math.min(this.opts.timeoutMs, 1000),
      );
      this.socket.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Half-close (FIN); the peer's FIN or the close timer finishes it. */
  end() {
    // from here on nothing the peer sends is kept (bounded memory while the close completes)
    this.failure ??= new UacpProtocolError("connection closed by the client");
    this.inbox = [];
    this.framer.reset();
    if (!this.socket.destroyed) this.socket.end();
    const t = setTimeout(() => this.socket.destroy(), Math.min(this.opts.timeoutMs, 1000));
    t.unref();
  }
}
