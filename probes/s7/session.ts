// One S7comm connection on the transport kit (src/net Connection): COTP connect for one TSAP,
// then request/answer exchanges of whole TPKT frames with absolute deadlines and a bounded buffer.
// It refuses to send any S7 PDU but Setup communication and Read SZL (first and follow-up): no
// write, no PLC control (start/stop), no block upload/download, no password (defence in depth, the
// probe builds nothing else either). Closing is a TCP FIN (snap7's and nmap's clients send no COTP DR).
import { Connection, type Deadline, NetError } from "../../src/net/index.js";
import { FUNCTION_SETUP_COMMUNICATION, ROSCTR, S7_PROTOCOL_ID, S7WireError, connectionRequest, parseTpkt, tpktFrameLength, type CotpTpdu } from "./wire.js";

/** A TPKT frame is at most 65,535 bytes; the buffer holds two before the peer counts as flooding. */
export const MAX_BUFFERED = 2 * 65_536;
/** DT frames read while waiting for one answer (unsolicited or fragmented TPDUs) at most. */
const MAX_FRAMES_PER_ANSWER = 16;

export type S7ErrorKind = "timeout" | "closed" | "reset" | "refused" | "unreachable" | "aborted" | "protocol" | "forbidden";

export class S7Error extends Error {
  override name = "S7Error";
  constructor(
    readonly kind: S7ErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export function fromNet(e: unknown): S7Error {
  if (e instanceof S7Error) return e;
  if (e instanceof S7WireError) return new S7Error("protocol", e.message);
  if (!(e instanceof NetError)) return new S7Error("protocol", (e as Error).message);
  const kind: Record<string, S7ErrorKind> = {
    refused: "refused",
    timeout: "timeout",
    aborted: "aborted",
    closed: "closed",
    reset: "reset",
    "too-large": "protocol",
  };
  return new S7Error(kind[e.code] ?? "unreachable", e.message);
}

/** Throws unless `frame` is a COTP CR or a DT carrying Setup communication or Read SZL. */
export function assertSendable(frame: Buffer): void {
  const t = parseTpkt(frame);
  if (t.kind === "cr") return;
  if (t.kind !== "dt") throw new S7Error("forbidden", `COTP ${t.kind} is never sent`);
  const p = t.payload;
  if (p[0] !== S7_PROTOCOL_ID) throw new S7Error("forbidden", "only S7comm (0x32) PDUs are sent");
  const rosctr = p[1];
  const plen = p.length >= 8 ? p.readUInt16BE(6) : 0;
  const param = p.subarray(10, 10 + plen);
  if (rosctr === ROSCTR.JOB && param[0] === FUNCTION_SETUP_COMMUNICATION && param.length === 8) return;
  // userdata: head 00 01 12, type request (4) / response-ack (1 for follow-ups), group 4 (CPU functions), subfunction 1 (read SZL)
  if (rosctr === ROSCTR.USERDATA && param[0] === 0x00 && param[1] === 0x01 && param[2] === 0x12 && (param[5]! & 0x0f) === 0x4 && param[6] === 0x01) return;
  throw new S7Error("forbidden", `S7 PDU (ROSCTR ${rosctr}, function 0x${(param[0] ?? 0).toString(16)}) is never sent by this probe`);
}

export class S7Session {
  private pduRef = 1 + Math.floor(Math.random() * 0x7fff);
  /** set after a framing violation or a close: the stream cannot be trusted any more */
  broken: string | undefined;

  private constructor(
    readonly conn: Connection,
    private readonly sent: string[],
  ) {}

  /** TCP connect (NetError mapped to S7Error). */
  static async open(o: { host: string; port: number; timeoutMs: number; signal?: AbortSignal }, sent: string[]): Promise<S7Session> {
    try {
      return new S7Session(await Connection.open({ ...o, maxBuffered: MAX_BUFFERED }), sent);
    } catch (e) {
      throw fromNet(e);
    }
  }

  nextRef(): number {
    this.pduRef = (this.pduRef + 1) & 0xffff;
    return this.pduRef;
  }

  private async readTpdu(deadline: Deadline, what: string): Promise<CotpTpdu> {
    try {
      return parseTpkt(await this.conn.read(tpktFrameLength, deadline, what));
    } catch (e) {
      const err = fromNet(e);
      this.broken ??= err.message;
      throw err;
    }
  }

  /** COTP CR -> CC (accepted) or DR (refused); anything else is a protocol error. */
  async connect(calledTsap: number, callingTsap: number, deadline: Deadline): Promise<Extract<CotpTpdu, { kind: "cc" } | { kind: "dr" }>> {
    const cr = connectionRequest(calledTsap, callingTsap);
    this.send(cr, `COTP CR called TSAP 0x${calledTsap.toString(16).padStart(4, "0")} calling 0x${callingTsap.toString(16).padStart(4, "0")}`);
    const t = await this.readTpdu(deadline, "a COTP connection confirm");
    if (t.kind === "cc" || t.kind === "dr") return t;
    this.broken ??= `COTP ${t.kind} in answer to a connection request`;
    throw new S7Error("protocol", this.broken);
  }

  send(frame: Buffer, label: string): void {
    assertSendable(frame);
    if (this.broken) throw new S7Error("protocol", `connection unusable: ${this.broken}`);
    this.sent.push(label);
    this.conn.write(frame);
  }

  /**
   * Send one DT frame and return the next DT payload (the answer). A DR, or a DT whose TPDU spans
   * several frames beyond the cap, ends the session. S7 PDUs fit one TPDU in practice (PDU <= 960).
   */
  async exchange(frame: Buffer, label: string, deadline: Deadline): Promise<Buffer> {
    this.send(frame, label);
    const parts: Buffer[] = [];
    for (let i = 0; i < MAX_FRAMES_PER_ANSWER; i++) {
      const t = await this.readTpdu(deadline, `an answer to ${label}`);
      if (t.kind === "dr") {
        this.broken ??= "the peer sent a COTP disconnect request";
        throw new S7Error("closed", `the peer disconnected (COTP DR) after ${label}`);
      }
      if (t.kind !== "dt") continue; // an ED/AK or unknown TPDU between data: skipped, bounded by the frame cap
      parts.push(t.payload);
      if (t.lastUnit) return Buffer.concat(parts);
    }
    this.broken ??= "too many COTP frames for one answer";
    throw new S7Error("protocol", `more than ${MAX_FRAMES_PER_ANSWER} COTP frames without an end of TSDU after ${label}`);
  }

  close(graceMs = 1000): Promise<void> {
    return this.conn.close(graceMs);
  }
}
