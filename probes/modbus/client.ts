// A small, strict Modbus/TCP client for the probe: one request in flight, per-request timeout,
// strict MBAP checks (Modbus Messaging on TCP/IP Implementation Guide v1.0b §3.1.3: transaction id
// echoed, protocol id 0, length 2..254, unit id echoed) and clean closes (FIN, RST only as a last
// resort). It refuses to send any function code outside the read-only set; the two single writes
// of the write-back test need an explicit opt-in per connection, and never go to unit 0 (broadcast).
import net from "node:net";
import type tls from "node:tls";
import { FC, MEI_READ_DEVICE_ID, encodeFrame, exceptionName, extractFrame, isExceptionPdu } from "./mbap.js";

export type MbapErrorKind = "timeout" | "protocol" | "closed" | "refused" | "unreachable" | "aborted" | "forbidden";

export class MbapError extends Error {
  override name = "MbapError";
  constructor(readonly kind: MbapErrorKind, message: string) {
    super(message);
  }
}

export type ModbusReply = { kind: "response"; pdu: Buffer } | { kind: "exception"; functionCode: number; exceptionCode: number; exceptionName: string };

/** Read-only function codes the probe may send in any mode (Modbus Application Protocol 1.1b §6). */
const READ_ONLY_CODES = new Set<number>([FC.READ_COILS, FC.READ_DISCRETE_INPUTS, FC.READ_HOLDING_REGISTERS, FC.READ_INPUT_REGISTERS, FC.REPORT_SERVER_ID]);
const WRITE_BACK_CODES = new Set<number>([FC.WRITE_SINGLE_COIL, FC.WRITE_SINGLE_REGISTER]);

/** Throws unless this PDU is one the probe is allowed to send (defence in depth). */
export function assertSendable(unitId: number, pdu: Buffer, allowWriteBack: boolean): void {
  const fc = pdu[0];
  if (fc === undefined) throw new MbapError("forbidden", "empty PDU");
  if (READ_ONLY_CODES.has(fc)) return;
  if (fc === FC.ENCAPSULATED_INTERFACE && pdu[1] === MEI_READ_DEVICE_ID) return;
  if (WRITE_BACK_CODES.has(fc)) {
    if (!allowWriteBack) throw new MbapError("forbidden", `function code ${fc} changes state; only the intrusive write-back test may send it`);
    if (unitId === 0) throw new MbapError("forbidden", "a write to unit 0 is a broadcast; never sent");
    return;
  }
  throw new MbapError("forbidden", `function code ${fc} is never sent by this probe`);
}

export interface ConnectOptions {
  host: string;
  port: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Open a TCP connection with a timeout; classifies failures (refused, timeout, unreachable). */
export function connectTcp(o: ConnectOptions): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    if (o.signal?.aborted) return reject(new MbapError("aborted", "aborted before connecting"));
    const socket = net.connect({ host: o.host, port: o.port });
    const timer = setTimeout(() => fail(new MbapError("timeout", `TCP connect to ${o.host}:${o.port} timed out after ${o.timeoutMs} ms`)), o.timeoutMs);
    const onAbort = () => fail(new MbapError("aborted", "aborted while connecting"));
    o.signal?.addEventListener("abort", onAbort, { once: true });
    function cleanup() {
      clearTimeout(timer);
      o.signal?.removeEventListener("abort", onAbort);
      socket.removeListener("error", onError);
    }
    function fail(e: MbapError) {
      cleanup();
      socket.destroy();
      reject(e);
    }
    function onError(e: NodeJS.ErrnoException) {
      fail(new MbapError(e.code === "ECONNREFUSED" ? "refused" : "unreachable", `TCP connect to ${o.host}:${o.port}: ${e.code ?? e.message}`));
    }
    socket.once("error", onError);
    socket.once("connect", () => {
      cleanup();
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}

/** Close a socket cleanly: end() (FIN / TLS close_notify), wait for the peer, destroy after a timeout. */
export function closeSocket(socket: net.Socket | tls.TLSSocket, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve();
    const timer = setTimeout(() => {
      socket.destroy();
      resolve();
    }, Math.min(timeoutMs, 2000));
    socket.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
    socket.on("error", () => undefined);
    socket.end();
    socket.resume(); // drain anything still arriving so the peer's FIN is seen
  });
}

interface Pending {
  transactionId: number;
  unitId: number;
  functionCode: number;
  resolve(r: ModbusReply): void;
  reject(e: MbapError): void;
  timer: NodeJS.Timeout;
}

export interface ClientOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** allow FC 5/6 on this connection (intrusive write-back test only) */
  allowWriteBack?: boolean;
}

export class MbapClient {
  private buffer = Buffer.alloc(0);
  private pending: Pending | undefined;
  private nextTransactionId: number;
  /** transaction ids of requests that timed out; a late reply to one of them is dropped */
  private readonly stale = new Set<number>();
  /** set after a timeout or a framing violation: the stream cannot be trusted any more */
  broken: string | undefined;
  /** requests sent on this connection, by function code (for the facts) */
  readonly sent: number[] = [];

  constructor(readonly socket: net.Socket | tls.TLSSocket, private readonly opts: ClientOptions) {
    this.nextTransactionId = 1 + Math.floor(Math.random() * 0x7fff);
    socket.on("data", (d: Buffer) => this.onData(d));
    socket.on("error", (e) => this.failPending(new MbapError("closed", `connection error: ${(e as NodeJS.ErrnoException).code ?? e.message}`)));
    socket.on("close", () => this.failPending(new MbapError("closed", "connection closed by the server")));
    socket.on("end", () => this.failPending(new MbapError("closed", "connection closed by the server")));
  }

  /**
   * Send one request and wait for its reply (up to `timeoutMs`, default the connection's).
   * Exception responses are replies, not errors.
   */
  request(unitId: number, pdu: Buffer, timeoutMs = this.opts.timeoutMs): Promise<ModbusReply> {
    assertSendable(unitId, pdu, this.opts.allowWriteBack ?? false);
    if (this.broken) return Promise.reject(new MbapError("protocol", `connection unusable: ${this.broken}`));
    if (this.pending) return Promise.reject(new MbapError("protocol", "a request is already in flight"));
    if (this.opts.signal?.aborted) return Promise.reject(new MbapError("aborted", "aborted"));
    if (this.socket.destroyed) return Promise.reject(new MbapError("closed", "connection already closed"));
    const transactionId = this.nextTransactionId;
    this.nextTransactionId = (this.nextTransactionId + 1) & 0xffff;
    return new Promise<ModbusReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        const got = this.buffer.length;
        const detail = got === 0 ? "no bytes received" : `${got} bytes of an incomplete frame received (length field announces more than was sent)`;
        const err = new MbapError("timeout", `no complete response to function code ${pdu[0]} for unit ${unitId} within ${timeoutMs} ms (${detail})`);
        if (got === 0) {
          // the stream is still in step: keep the connection, and drop a late reply to this request
          this.stale.add(transactionId);
          const p = this.pending!;
          this.pending = undefined;
          p.reject(err);
        } else this.failPending(err);
      }, timeoutMs);
      this.pending = { transactionId, unitId, functionCode: pdu[0]!, resolve, reject, timer };
      this.sent.push(pdu[0]!);
      this.socket.write(encodeFrame({ transactionId, unitId, pdu }));
    });
  }

  close(): Promise<void> {
    return closeSocket(this.socket, this.opts.timeoutMs);
  }

  private failPending(e: MbapError): void {
    const p = this.pending;
    if (!p) {
      if (e.kind !== "closed") this.broken ??= e.message;
      return;
    }
    this.pending = undefined;
    clearTimeout(p.timer);
    this.broken ??= e.message;
    p.reject(e);
  }

  private onData(chunk: Buffer): void {
    // a broken stream is never read again: drop what a misbehaving peer keeps sending (bounded memory)
    if (this.broken) {
      this.buffer = Buffer.alloc(0);
      return;
    }
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const r = extractFrame(this.buffer);
      if (r.kind === "need-more") return;
      if (r.kind === "invalid") return this.failPending(new MbapError("protocol", `invalid MBAP header: ${r.reason}`));
      this.buffer = this.buffer.subarray(r.consumed);
      const { frame } = r;
      if (this.stale.delete(frame.transactionId)) continue; // late reply to a request that timed out
      const p = this.pending;
      if (!p) {
        this.broken ??= `unsolicited frame (transaction id ${frame.transactionId}) from the server`;
        return;
      }
      if (frame.transactionId !== p.transactionId) {
        return this.failPending(new MbapError("protocol", `transaction id mismatch: sent ${p.transactionId}, received ${frame.transactionId}`));
      }
      if (frame.unitId !== p.unitId) return this.failPending(new MbapError("protocol", `unit id mismatch: sent ${p.unitId}, received ${frame.unitId}`));
      const fc = frame.pdu[0]!;
      if (isExceptionPdu(frame.pdu)) {
        if ((fc & 0x7f) !== p.functionCode || frame.pdu.length !== 2) {
          return this.failPending(new MbapError("protocol", `malformed exception response (function code ${fc}, ${frame.pdu.length} bytes) to function code ${p.functionCode}`));
        }
        this.settle({ kind: "exception", functionCode: p.functionCode, exceptionCode: frame.pdu[1]!, exceptionName: exceptionName(frame.pdu[1]!) });
        continue;
      }
      if (fc !== p.functionCode) return this.failPending(new MbapError("protocol", `response function code ${fc} to a request with function code ${p.functionCode}`));
      this.settle({ kind: "response", pdu: frame.pdu });
    }
  }

  private settle(reply: ModbusReply): void {
    const p = this.pending!;
    this.pending = undefined;
    clearTimeout(p.timer);
    p.resolve(reply);
  }
}
