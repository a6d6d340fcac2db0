// A strict EtherNet/IP encapsulation client on the transport kit (src/net Connection): one request
// in flight, absolute deadlines, a bounded receive buffer, the reply's command and sender context
// checked against the request (CIP Vol. 2 §2-3: the target echoes the sender context), polite close
// (UnRegisterSession when a session is open, then FIN). It refuses to send anything but the five
// commands of a read-only audit and CIP read services (Get_Attributes_All / Get_Attribute_Single).
import { randomBytes } from "node:crypto";
import { Connection, type Deadline, NetError } from "../../src/net/index.js";
import { CMD, EnipWireError, HEADER_LENGTH, READ_SERVICES, encode, frameLength, parseHeader, type EncapHeader } from "./wire.js";

/** An encapsulation message is at most 24 + 65,535 bytes; two fit before the peer counts as flooding. */
export const MAX_BUFFERED = 2 * (HEADER_LENGTH + 65_535);
/** unrelated replies skipped while waiting for one answer, at most */
const MAX_SKIPPED = 8;
const ALLOWED = new Set<number>([CMD.LIST_IDENTITY, CMD.LIST_SERVICES, CMD.REGISTER_SESSION, CMD.UNREGISTER_SESSION, CMD.SEND_RR_DATA]);

export type EnipErrorKind = "timeout" | "closed" | "refused" | "unreachable" | "aborted" | "protocol" | "forbidden";

export class EnipError extends Error {
  override name = "EnipError";
  constructor(
    readonly kind: EnipErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export function enipError(e: unknown): EnipError {
  if (e instanceof EnipError) return e;
  if (e instanceof EnipWireError) return new EnipError("protocol", e.message);
  if (!(e instanceof NetError)) return new EnipError("protocol", (e as Error).message);
  const kind: Record<string, EnipErrorKind> = {
    refused: "refused",
    timeout: "timeout",
    aborted: "aborted",
    closed: "closed",
    reset: "closed",
    "too-large": "protocol",
  };
  return new EnipError(kind[e.code] ?? "unreachable", e.message);
}

/** Throws unless the message is one a read-only audit sends (and a SendRRData carries a read service). */
export function assertSendable(msg: Buffer): void {
  const h = parseHeader(msg);
  if (!ALLOWED.has(h.command)) throw new EnipError("forbidden", `encapsulation command 0x${h.command.toString(16)} is never sent`);
  if (h.command === CMD.SEND_RR_DATA) {
    // interface handle (4), timeout (2), item count (2), null address item (4), data item header (4), then the CIP service
    const service = msg[HEADER_LENGTH + 16];
    if (service === undefined || !READ_SERVICES.has(service)) throw new EnipError("forbidden", `CIP service 0x${(service ?? 0).toString(16)} is never sent`);
  }
}

export class EnipChannel {
  broken: string | undefined;
  session = 0;

  private constructor(
    readonly conn: Connection,
    private readonly sent: string[],
  ) {}

  static async open(o: { host: string; port: number; timeoutMs: number; signal?: AbortSignal }, sent: string[]): Promise<EnipChannel> {
    try {
      return new EnipChannel(await Connection.open({ ...o, maxBuffered: MAX_BUFFERED }), sent);
    } catch (e) {
      throw enipError(e);
    }
  }

  /** Send one encapsulation message and read the reply with the same command and sender context. */
  async request(command: number, data: Buffer, label: string, deadline: Deadline): Promise<{ header: EncapHeader; body: Buffer }> {
    if (this.broken) throw new EnipError("protocol", `connection unusable: ${this.broken}`);
    // sender context: echoed by the target (§2-3.1); its first two bytes are read as the ListIdentity
    // reply delay in ms by devices answering a broadcast (§2-4.2.1): zero, the other six random
    const context = Buffer.concat([Buffer.alloc(2), randomBytes(6)]);
    const msg = encode(command, data, this.session, context);
    assertSendable(msg);
    this.sent.push(label);
    this.conn.write(msg);
    for (let skipped = 0; ; skipped++) {
      let frame: Buffer;
      try {
        frame = await this.conn.read(frameLength, deadline, `an answer to ${label}`);
      } catch (e) {
        const err = enipError(e);
        if (err.kind !== "timeout" || this.conn.pending > 0) this.broken ??= err.message;
        throw err;
      }
      const header = parseHeader(frame);
      if (header.command !== command || !header.context.equals(context)) {
        if (skipped < MAX_SKIPPED) continue; // an unsolicited or stale message: skipped, bounded
        this.broken ??= "replies that match no request";
        throw new EnipError("protocol", `reply command 0x${header.command.toString(16)} / sender context do not match ${label}`);
      }
      return { header, body: frame.subarray(HEADER_LENGTH) };
    }
  }

  /** §2-4.5 UnRegisterSession: no reply; the target closes the connection. */
  unregister(): void {
    if (!this.session || this.broken || this.conn.isEnded) return;
    const msg = encode(CMD.UNREGISTER_SESSION, Buffer.alloc(0), this.session);
    assertSendable(msg);
    this.sent.push("UnRegisterSession");
    this.conn.write(msg);
    this.session = 0;
  }

  close(graceMs = 1000): Promise<void> {
    return this.conn.close(graceMs);
  }
}
