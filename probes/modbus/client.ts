// A small, strict Modbus/TCP client on the transport kit (src/net Connection): one request in
// flight, absolute deadlines (a slow-drip peer cannot stretch a read), a bounded receive buffer,
// strict MBAP checks (Modbus Messaging on TCP/IP Implementation Guide v1.0b §3.1.3: transaction id
// echoed, protocol id 0, length 2..254, unit id echoed) and polite closes (FIN). It refuses to send
// any function code outside the read-only set; the two single writes of the write-back test need
// an explicit opt-in per connection, and never go to unit 0 (the broadcast address).
import { Connection, type Deadline, NetError } from "../../src/net/index.js";
import { FC, MEI_READ_DEVICE_ID, MbapDecodeError, encodeFrame, exceptionName, isExceptionPdu, mbapFrameLength } from "./mbap.js";

export type MbapErrorKind = "timeout" | "protocol" | "closed" | "refused" | "unreachable" | "aborted" | "forbidden";

export class MbapError extends Error {
  override name = "MbapError";
  constructor(
    readonly kind: MbapErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export type ModbusReply = { kind: "response"; pdu: Buffer } | { kind: "exception"; functionCode: number; exceptionCode: number; exceptionName: string };

/** Read-only function codes the probe may send in any mode (Modbus Application Protocol 1.1b §6). */
const READ_ONLY_CODES = new Set<number>([FC.READ_COILS, FC.READ_DISCRETE_INPUTS, FC.READ_HOLDING_REGISTERS, FC.READ_INPUT_REGISTERS, FC.REPORT_SERVER_ID]);
const WRITE_BACK_CODES = new Set<number>([FC.WRITE_SINGLE_COIL, FC.WRITE_SINGLE_REGISTER]);
/** A whole ADU is at most 260 bytes; anything far beyond that unasked is a flood. */
export const MAX_BUFFERED = 4096;
/** late replies to timed-out requests remembered (and skipped) at most */
const MAX_STALE = 8;

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

function fromNetError(e: NetError): MbapError {
  switch (e.code) {
    case "refused":
      return new MbapError("refused", e.message);
    case "timeout":
      return new MbapError("timeout", e.message);
    case "aborted":
      return new MbapError("aborted", e.message);
    case "closed":
    case "reset":
      return new MbapError("closed", e.message);
    case "too-large":
      return new MbapError("protocol", e.message);
    default:
      return new MbapError("unreachable", e.message);
  }
}

export interface ChannelOptions {
  /** allow FC 5/6 on this connection (intrusive write-back test only) */
  allowWriteBack?: boolean;
}

/** One Modbus/TCP connection (plain, or a TLS socket adopted into a Connection). */
export class MbapChannel {
  private nextTransactionId = 1 + Math.floor(Math.random() * 0x7fff);
  /** transaction ids of requests that timed out with nothing received; a late reply to one is skipped */
  private readonly stale = new Set<number>();
  /** set after a framing violation, a partial frame or a close: the stream cannot be trusted any more */
  broken: string | undefined;

  constructor(
    readonly conn: Connection,
    private readonly opts: ChannelOptions = {},
  ) {}

  static async open(o: { host: string; port: number; timeoutMs: number; signal?: AbortSignal }, opts: ChannelOptions = {}): Promise<MbapChannel> {
    try {
      return new MbapChannel(await Connection.open({ ...o, maxBuffered: MAX_BUFFERED }), opts);
    } catch (e) {
      throw e instanceof NetError ? fromNetError(e) : e;
    }
  }

  get usable(): boolean {
    return !this.broken && !this.conn.isEnded && !this.conn.socket.destroyed;
  }

  /** Send one request and wait for its reply until `deadline`. Exception responses are replies, not errors. */
  async request(unitId: number, pdu: Buffer, deadline: Deadline): Promise<ModbusReply> {
    assertSendable(unitId, pdu, this.opts.allowWriteBack ?? false);
    if (this.broken) throw new MbapError("protocol", `connection unusable: ${this.broken}`);
    if (deadline.signal?.aborted) throw new MbapError("aborted", "aborted");
    const transactionId = this.nextTransactionId;
    this.nextTransactionId = (this.nextTransactionId + 1) & 0xffff;
    const fc = pdu[0]!;
    const t0 = Date.now();
    this.conn.write(encodeFrame({ transactionId, unitId, pdu }));
    for (let skipped = 0; ; skipped++) {
      let adu: Buffer;
      try {
        adu = await this.conn.read(mbapFrameLength, deadline, "a Modbus response");
      } catch (e) {
        throw this.readFailure(e, transactionId, unitId, fc, Date.now() - t0);
      }
      const tid = adu.readUInt16BE(0);
      if (this.stale.delete(tid) && skipped < MAX_STALE) continue; // late reply to a request that timed out
      if (tid !== transactionId) return this.fail(`transaction id mismatch: sent ${transactionId}, received ${tid} (an unsolicited or mismatched frame)`);
      if (adu[6] !== unitId) return this.fail(`unit id mismatch: sent ${unitId}, received ${adu[6]}`);
      const body = Buffer.from(adu.subarray(7));
      const rfc = body[0]!;
      if (isExceptionPdu(body)) {
        if ((rfc & 0x7f) !== fc || body.length !== 2)
          return this.fail(`malformed exception response (function code ${rfc}, ${body.length} bytes) to function code ${fc}`);
        return { kind: "exception", functionCode: fc, exceptionCode: body[1]!, exceptionName: exceptionName(body[1]!) };
      }
      if (rfc !== fc) return this.fail(`response function code ${rfc} to a request with function code ${fc}`);
      return { kind: "response", pdu: body };
    }
  }

  private fail(message: string): never {
    this.broken ??= message;
    throw new MbapError("protocol", message);
  }

  private readFailure(e: unknown, transactionId: number, unitId: number, fc: number, waitedMs: number): MbapError {
    if (e instanceof MbapDecodeError) {
      this.broken ??= e.message;
      return new MbapError("protocol", e.message);
    }
    if (!(e instanceof NetError)) return new MbapError("protocol", (e as Error).message);
    if (e.code === "timeout") {
      const got = this.conn.pending;
      if (got === 0 && this.stale.size < MAX_STALE) {
        this.stale.add(transactionId); // still in step: keep the connection, skip a late reply
        return new MbapError("timeout", `no response to function code ${fc} for unit ${unitId} within ${waitedMs} ms (no bytes received)`);
      }
      this.broken ??= "incomplete frame";
      return new MbapError(
        "timeout",
        `no complete response to function code ${fc} for unit ${unitId} within ${waitedMs} ms (${got} bytes of an incomplete frame received: the length field announces more than was sent)`,
      );
    }
    const err = fromNetError(e);
    this.broken ??= err.message;
    return err;
  }

  close(graceMs = 1000): Promise<void> {
    return this.conn.close(graceMs);
  }
}
