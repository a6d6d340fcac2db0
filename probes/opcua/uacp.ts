// A small, strict OPC UA TCP (UACP) client for the passive part of the probe: Hello/Acknowledge,
// OpenSecureChannel with SecurityPolicy None, GetEndpoints, CloseSecureChannel. Written by hand
// (no node-opcua import: fast start, full control over hostile peers). Every read is
// bounds-checked, every size is capped by what *we* announced, every wait has a timeout.
// Spec: OPC 10000-6 (Part 6) §7.1 UACP, §6.7 secure conversation, §5.2 OPC UA Binary encoding;
// OPC 10000-4 (Part 4) §5.4.4 GetEndpoints, §5.5 secure channel services.
import { Socket, connect } from "node:net";

export const POLICY_NONE = "http://opcfoundation.org/UA/SecurityPolicy#None";

/** What we announce in Hello (Part 6 §7.1.2.3); the peer must not send chunks larger than this. */
export const CLIENT_LIMITS = {
  protocolVersion: 0,
  receiveBufferSize: 65_536,
  sendBufferSize: 65_536,
  maxMessageSize: 4 * 1024 * 1024,
  maxChunkCount: 64,
} as const;

/** Binary encoding ids of the services we use (Part 6 Annex / NodeIds.csv, namespace 0). */
export const ENCODING_IDS = {
  ServiceFault: 397,
  GetEndpointsRequest: 428,
  GetEndpointsResponse: 431,
  OpenSecureChannelRequest: 446,
  OpenSecureChannelResponse: 449,
  CloseSecureChannelRequest: 452,
} as const;

/** The peer broke the protocol (malformed, oversized, unexpected message). */
export class UacpProtocolError extends Error {
  override name = "UacpProtocolError";
}
/** The peer answered with an ERR message or a ServiceFault / bad service result. */
export class UacpRemoteError extends Error {
  override name = "UacpRemoteError";
  constructor(readonly statusCode: number, message: string) {
    super(message);
  }
}
export class UacpTimeoutError extends Error {
  override name = "UacpTimeoutError";
}

// ---------------------------------------------------------------------------------------------
// OPC UA Binary encoding (Part 6 §5.2)

export class BinaryWriter {
  private parts: Buffer[] = [];
  uint8(v: number) { const b = Buffer.alloc(1); b.writeUInt8(v); this.parts.push(b); return this; }
  uint16(v: number) { const b = Buffer.alloc(2); b.writeUInt16LE(v); this.parts.push(b); return this; }
  uint32(v: number) { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); this.parts.push(b); return this; }
  int32(v: number) { const b = Buffer.alloc(4); b.writeInt32LE(v); this.parts.push(b); return this; }
  int64(v: bigint) { const b = Buffer.alloc(8); b.writeBigInt64LE(v); this.parts.push(b); return this; }
  bytes(b: Buffer) { this.parts.push(b); return this; }
  /** String / ByteString: Int32 length, -1 = null (§5.2.2.4) */
  string(s: string | null) {
    if (s === null) return this.int32(-1);
    const b = Buffer.from(s, "utf8");
    return this.int32(b.length).bytes(b);
  }
  byteString(b: Buffer | null) { return b === null ? this.int32(-1) : this.int32(b.length).bytes(b); }
  /** DateTime: 100 ns ticks since 1601-01-01 UTC (§5.2.2.5) */
  dateTime(d: Date) { return this.int64(BigInt(d.getTime() + 11_644_473_600_000) * 10_000n); }
  /** NodeId in the four-byte form: namespace < 256, id < 65536 (§5.2.2.9) */
  fourByteNodeId(ns: number, id: number) { return this.uint8(0x01).uint8(ns).uint16(id); }
  toBuffer() { return Buffer.concat(this.parts); }
}

/** Complete messages kept while no request waits for them (we never pipeline requests). */
const MAX_QUEUED_MESSAGES = 64;

/** Array length caps: a hostile peer must not make us loop or allocate without bound. */
const MAX_ARRAY = 10_000;

export class BinaryReader {
  offset = 0;
  constructor(readonly buf: Buffer) {}
  private need(n: number, what: string) {
    if (n < 0 || this.offset + n > this.buf.length) throw new UacpProtocolError(`truncated message: ${what} needs ${n} bytes at offset ${this.offset}, ${this.buf.length - this.offset} left`);
  }
  remaining() { return this.buf.length - this.offset; }
  uint8(what = "byte") { this.need(1, what); return this.buf.readUInt8(this.offset++); }
  uint16(what = "uint16") { this.need(2, what); const v = this.buf.readUInt16LE(this.offset); this.offset += 2; return v; }
  uint32(what = "uint32") { this.need(4, what); const v = this.buf.readUInt32LE(this.offset); this.offset += 4; return v; }
  int32(what = "int32") { this.need(4, what); const v = this.buf.readInt32LE(this.offset); this.offset += 4; return v; }
  int64(what = "int64") { this.need(8, what); const v = this.buf.readBigInt64LE(this.offset); this.offset += 8; return v; }
  skip(n: number, what: string) { this.need(n, what); this.offset += n; }
  byteString(what = "ByteString"): Buffer | null {
    const len = this.int32(what);
    if (len < 0) return null;
    this.need(len, what);
    const b = this.buf.subarray(this.offset, this.offset + len);
    this.offset += len;
    return b;
  }
  string(what = "String"): string | null {
    const b = this.byteString(what);
    return b === null ? null : b.toString("utf8");
  }
  array<T>(read: () => T, what: string): T[] {
    const n = this.int32(`${what} length`);
    if (n < 0) return [];
    if (n > MAX_ARRAY) throw new UacpProtocolError(`${what}: array of ${n} elements exceeds the cap of ${MAX_ARRAY}`);
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(read());
    return out;
  }
  /** NodeId / ExpandedNodeId (§5.2.2.9, §5.2.2.10); returns "ns=x;i=y"-like text */
  nodeId(what = "NodeId"): string {
    const enc = this.uint8(what);
    let text: string;
    switch (enc & 0x3f) {
      case 0x00: text = `i=${this.uint8(what)}`; break;
      case 0x01: { const ns = this.uint8(what); text = `ns=${ns};i=${this.uint16(what)}`; break; }
      case 0x02: { const ns = this.uint16(what); text = `ns=${ns};i=${this.uint32(what)}`; break; }
      case 0x03: { const ns = this.uint16(what); text = `ns=${ns};s=${this.string(what) ?? ""}`; break; }
      case 0x04: { const ns = this.uint16(what); this.need(16, what); text = `ns=${ns};g=${this.buf.subarray(this.offset, this.offset + 16).toString("hex")}`; this.offset += 16; break; }
      case 0x05: { const ns = this.uint16(what); text = `ns=${ns};b=${(this.byteString(what) ?? Buffer.alloc(0)).toString("base64")}`; break; }
      default: throw new UacpProtocolError(`${what}: unknown NodeId encoding 0x${enc.toString(16)}`);
    }
    if (enc & 0x80) this.string(`${what} namespace URI`);
    if (enc & 0x40) this.uint32(`${what} server index`);
    return text;
  }
  /** numeric encoding id of a namespace-0 type NodeId, or -1 for another form */
  typeId(what: string): number {
    const t = this.nodeId(what);
    const m = /^ns=0;i=(\d+)$|^i=(\d+)$/.exec(t);
    return m ? Number(m[1] ?? m[2]) : -1;
  }
  localizedText(what = "LocalizedText"): string {
    const mask = this.uint8(what);
    if (mask & 0x01) this.string(`${what} locale`);
    return mask & 0x02 ? (this.string(`${what} text`) ?? "") : "";
  }
  /** DiagnosticInfo (§5.2.2.12), skipped; depth-limited against recursion bombs */
  diagnosticInfo(depth = 0): void {
    if (depth > 4) throw new UacpProtocolError("DiagnosticInfo nested too deeply");
    const mask = this.uint8("DiagnosticInfo");
    if (mask & 0x01) this.int32("SymbolicId");
    if (mask & 0x02) this.int32("NamespaceUri");
    if (mask & 0x08) this.int32("Locale");
    if (mask & 0x04) this.int32("LocalizedText");
    if (mask & 0x10) this.string("AdditionalInfo");
    if (mask & 0x20) this.uint32("InnerStatusCode");
    if (mask & 0x40) this.diagnosticInfo(depth + 1);
  }
  /** ExtensionObject (§5.2.2.15), skipped */
  extensionObject(what = "ExtensionObject"): void {
    this.nodeId(what);
    const enc = this.uint8(what);
    if (enc === 0x01 || enc === 0x02) this.byteString(what);
    else if (enc !== 0x00) throw new UacpProtocolError(`${what}: unknown encoding byte 0x${enc.toString(16)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Message framing (Part 6 §7.1.2.2 message header; §6.7.2 secure conversation message header)

export function frame(type: "HEL" | "OPN" | "MSG" | "CLO" | "ACK" | "ERR", body: Buffer, chunk: "F" | "C" | "A" = "F"): Buffer {
  const header = Buffer.alloc(8);
  header.write(type, 0, "ascii");
  header.write(chunk, 3, "ascii");
  header.writeUInt32LE(body.length + 8, 4);
  return Buffer.concat([header, body]);
}

export function encodeHello(endpointUrl: string): Buffer {
  const w = new BinaryWriter()
    .uint32(CLIENT_LIMITS.protocolVersion)
    .uint32(CLIENT_LIMITS.receiveBufferSize)
    .uint32(CLIENT_LIMITS.sendBufferSize)
    .uint32(CLIENT_LIMITS.maxMessageSize)
    .uint32(CLIENT_LIMITS.maxChunkCount)
    .string(endpointUrl);
  return frame("HEL", w.toBuffer());
}

/** RequestHeader (Part 4 §7.32) with a null authentication token. */
function requestHeader(w: BinaryWriter, requestHandle: number, timeoutHint: number) {
  w.uint8(0x00).uint8(0x00); // AuthenticationToken: null NodeId (two-byte form)
  w.dateTime(new Date());
  w.uint32(requestHandle);
  w.uint32(0); // ReturnDiagnostics
  w.string(null); // AuditEntryId
  w.uint32(timeoutHint);
  w.uint8(0x00).uint8(0x00).uint8(0x00); // AdditionalHeader: null ExtensionObject
}

/** Skip a ResponseHeader (Part 4 §7.33) and return its ServiceResult. */
function readResponseHeader(r: BinaryReader): number {
  r.int64("ResponseHeader.Timestamp");
  r.uint32("ResponseHeader.RequestHandle");
  const serviceResult = r.uint32("ResponseHeader.ServiceResult");
  r.diagnosticInfo();
  r.array(() => r.string("StringTable"), "StringTable");
  r.extensionObject("ResponseHeader.AdditionalHeader");
  return serviceResult;
}

export interface RawUserTokenPolicy {
  policyId: string;
  tokenType: number;
  issuedTokenType: string | null;
  securityPolicyUri: string | null;
}

export interface RawEndpoint {
  endpointUrl: string;
  applicationUri: string;
  productUri: string;
  applicationName: string;
  serverCertificate: Buffer | null;
  securityMode: number;
  securityPolicyUri: string;
  userIdentityTokens: RawUserTokenPolicy[];
  transportProfileUri: string;
  securityLevel: number;
}

/** EndpointDescription (Part 4 §7.14) with its ApplicationDescription (§7.2) and UserTokenPolicy (§7.41). */
export function readEndpointDescription(r: BinaryReader): RawEndpoint {
  const endpointUrl = r.string("EndpointUrl") ?? "";
  const applicationUri = r.string("ApplicationUri") ?? "";
  const productUri = r.string("ProductUri") ?? "";
  const applicationName = r.localizedText("ApplicationName");
  r.int32("ApplicationType");
  r.string("GatewayServerUri");
  r.string("DiscoveryProfileUri");
  r.array(() => r.string("DiscoveryUrl"), "DiscoveryUrls");
  const cert = r.byteString("ServerCertificate");
  const securityMode = r.int32("SecurityMode");
  const securityPolicyUri = r.string("SecurityPolicyUri") ?? "";
  const userIdentityTokens = r.array(() => {
    const policyId = r.string("PolicyId") ?? "";
    const tokenType = r.int32("TokenType");
    const issuedTokenType = r.string("IssuedTokenType");
    r.string("IssuerEndpointUrl");
    const securityPolicyUri = r.string("UserTokenPolicy.SecurityPolicyUri");
    return { policyId, tokenType, issuedTokenType, securityPolicyUri };
  }, "UserIdentityTokens");
  const transportProfileUri = r.string("TransportProfileUri") ?? "";
  const securityLevel = r.uint8("SecurityLevel");
  return { endpointUrl, applicationUri, productUri, applicationName, serverCertificate: cert ? Buffer.from(cert) : null, securityMode, securityPolicyUri, userIdentityTokens, transportProfileUri, securityLevel };
}

export interface AckFacts {
  protocolVersion: number;
  receiveBufferSize: number;
  sendBufferSize: number;
  maxMessageSize: number;
  maxChunkCount: number;
}

// ---------------------------------------------------------------------------------------------
// The connection

interface Message {
  type: string;
  chunk: string;
  body: Buffer;
}

export interface UacpOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/** One UACP connection: strictly one request outstanding at a time. */
export class UacpClient {
  private buffered: Buffer = Buffer.alloc(0);
  private inbox: Message[] = [];
  private waiter: ((m: Message | Error) => void) | undefined;
  private failure: Error | undefined;
  private channelId = 0;
  private tokenId = 0;
  private sequenceNumber = 1;
  private requestId = 1;
  ack: AckFacts | undefined;

  private constructor(private readonly socket: Socket, private readonly opts: UacpOptions) {
    socket.on("data", (d) => this.onData(d));
    socket.on("error", (e) => this.fail(e));
    socket.on("close", () => this.fail(new UacpProtocolError("connection closed by the server")));
    socket.on("end", () => socket.end()); // answer the peer's FIN with ours
  }

  /** TCP connect + Hello/Acknowledge (Part 6 §7.1.2.3, §7.1.2.4). */
  static async connect(host: string, port: number, endpointUrl: string, opts: UacpOptions): Promise<UacpClient> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host, port });
      const timer = setTimeout(() => { s.destroy(); reject(new UacpTimeoutError(`TCP connect to ${host}:${port} timed out after ${opts.timeoutMs} ms`)); }, opts.timeoutMs);
      const onAbort = () => { clearTimeout(timer); s.destroy(); reject(new UacpTimeoutError("aborted")); };
      opts.signal?.addEventListener("abort", onAbort, { once: true });
      s.once("connect", () => { clearTimeout(timer); opts.signal?.removeEventListener("abort", onAbort); resolve(s); });
      s.once("error", (e) => { clearTimeout(timer); opts.signal?.removeEventListener("abort", onAbort); reject(e); });
    });
    const client = new UacpClient(socket, opts);
    try {
      socket.write(encodeHello(endpointUrl));
      const m = await client.next("Acknowledge");
      if (m.type !== "ACK") throw new UacpProtocolError(`expected ACK after Hello, got '${m.type}'`);
      const r = new BinaryReader(m.body);
      client.ack = {
        protocolVersion: r.uint32("Ack.ProtocolVersion"),
        receiveBufferSize: r.uint32("Ack.ReceiveBufferSize"),
        sendBufferSize: r.uint32("Ack.SendBufferSize"),
        maxMessageSize: r.uint32("Ack.MaxMessageSize"),
        maxChunkCount: r.uint32("Ack.MaxChunkCount"),
      };
      // Part 6 §7.1.2.4: buffers are at least 8192 bytes
      if (client.ack.receiveBufferSize < 8192) throw new UacpProtocolError(`server ReceiveBufferSize ${client.ack.receiveBufferSize} is below the 8192 minimum`);
      return client;
    } catch (e) {
      client.end();
      throw e;
    }
  }

  private fail(e: Error) {
    if (!this.failure) this.failure = e;
    const w = this.waiter;
    this.waiter = undefined;
    w?.(this.failure);
  }

  private onData(d: Buffer) {
    if (this.failure) return;
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, d]) : d;
    while (this.buffered.length >= 8) {
      const type = this.buffered.toString("latin1", 0, 3);
      const chunk = this.buffered.toString("latin1", 3, 4);
      const size = this.buffered.readUInt32LE(4);
      if (!/^(ACK|ERR|MSG|OPN|CLO|RHE)$/.test(type) || !/^[FCA]$/.test(chunk)) {
        this.fail(new UacpProtocolError(`not an OPC UA TCP message: header bytes ${this.buffered.subarray(0, 8).toString("hex")}`));
        this.end();
        return;
      }
      // Part 6 §7.1.2.3: the peer must not send chunks larger than our ReceiveBufferSize
      if (size < 8 || size > CLIENT_LIMITS.receiveBufferSize) {
        this.fail(new UacpProtocolError(`message size ${size} outside 8..${CLIENT_LIMITS.receiveBufferSize} (our ReceiveBufferSize)`));
        this.end();
        return;
      }
      if (this.buffered.length < size) return;
      const body = this.buffered.subarray(8, size);
      this.buffered = this.buffered.subarray(size);
      this.inbox.push({ type, chunk, body: Buffer.from(body) });
      // one request is outstanding at a time: a peer that streams unrequested messages is hostile
      if (this.inbox.length > MAX_QUEUED_MESSAGES) {
        this.fail(new UacpProtocolError(`more than ${MAX_QUEUED_MESSAGES} unrequested messages queued`));
        this.end();
        return;
      }
    }
    if (this.inbox.length && this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(this.inbox.shift()!);
    }
  }

  /** Next complete message chunk; ERR messages (Part 6 §7.1.2.5) become UacpRemoteError. */
  private async next(what: string): Promise<Message> {
    const m = await new Promise<Message | Error>((resolve) => {
      if (this.inbox.length) return resolve(this.inbox.shift()!);
      if (this.failure) return resolve(this.failure);
      const timer = setTimeout(() => { this.waiter = undefined; resolve(new UacpTimeoutError(`no ${what} within ${this.opts.timeoutMs} ms`)); }, this.opts.timeoutMs);
      const onAbort = () => { clearTimeout(timer); this.waiter = undefined; resolve(new UacpTimeoutError("aborted")); };
      this.opts.signal?.addEventListener("abort", onAbort, { once: true });
      this.waiter = (v) => { clearTimeout(timer); this.opts.signal?.removeEventListener("abort", onAbort); resolve(v); };
    });
    if (m instanceof Error) throw m;
    if (m.type === "ERR") {
      const r = new BinaryReader(m.body);
      const code = r.uint32("Error.Error");
      const reason = r.remaining() >= 4 ? r.string("Error.Reason") : null;
      throw new UacpRemoteError(code, `server sent ERR 0x${code.toString(16).padStart(8, "0")}${reason ? `: ${reason.slice(0, 200)}` : ""}`);
    }
    return m;
  }

  /** Collect the chunks of one response until the final chunk (Part 6 §6.7.2.1, chunk types F/C/A). */
  private async response(type: "OPN" | "MSG", what: string): Promise<BinaryReader> {
    const parts: Buffer[] = [];
    let total = 0;
    for (;;) {
      const m = await this.next(what);
      if (m.type !== type) throw new UacpProtocolError(`expected ${type} for ${what}, got ${m.type}`);
      const r = new BinaryReader(m.body);
      r.uint32("SecureChannelId");
      if (type === "OPN") {
        const policy = r.string("SecurityPolicyUri");
        if (policy !== POLICY_NONE) throw new UacpProtocolError(`OPN response uses policy ${policy}, expected None`);
        r.byteString("SenderCertificate");
        r.byteString("ReceiverCertificateThumbprint");
      } else {
        r.uint32("TokenId");
      }
      r.uint32("SequenceNumber");
      r.uint32("RequestId");
      if (m.chunk === "A") {
        const code = r.uint32("Abort.Error");
        throw new UacpRemoteError(code, `server aborted the ${what} response (0x${code.toString(16).padStart(8, "0")})`);
      }
      const part = m.body.subarray(r.offset);
      total += part.length;
      parts.push(part);
      if (parts.length > CLIENT_LIMITS.maxChunkCount) throw new UacpProtocolError(`${what}: more than ${CLIENT_LIMITS.maxChunkCount} chunks`);
      if (total > CLIENT_LIMITS.maxMessageSize) throw new UacpProtocolError(`${what}: larger than ${CLIENT_LIMITS.maxMessageSize} bytes`);
      if (m.chunk === "F") return new BinaryReader(Buffer.concat(parts));
    }
  }

  private sequenceHeader(w: BinaryWriter) {
    w.uint32(this.sequenceNumber++).uint32(this.requestId++);
  }

  /** OpenSecureChannel, SecurityPolicy None, SecurityMode None (Part 4 §5.5.2; Part 6 §6.7.4). */
  async openSecureChannel(): Promise<void> {
    const w = new BinaryWriter().uint32(0).string(POLICY_NONE).byteString(null).byteString(null);
    this.sequenceHeader(w);
    w.fourByteNodeId(0, ENCODING_IDS.OpenSecureChannelRequest);
    requestHeader(w, 1, this.opts.timeoutMs);
    w.uint32(0); // ClientProtocolVersion
    w.int32(0); // RequestType: Issue
    w.int32(1); // SecurityMode: None
    w.byteString(null); // ClientNonce
    w.uint32(60_000); // RequestedLifetime (ms)
    this.socket.write(frame("OPN", w.toBuffer()));
    const r = await this.response("OPN", "OpenSecureChannel response");
    const typeId = r.typeId("OPN response type");
    if (typeId === ENCODING_IDS.ServiceFault) {
      const code = readResponseHeader(r);
      throw new UacpRemoteError(code, `OpenSecureChannel refused: ServiceFault 0x${code.toString(16).padStart(8, "0")}`);
    }
    if (typeId !== ENCODING_IDS.OpenSecureChannelResponse) throw new UacpProtocolError(`unexpected OPN response type i=${typeId}`);
    const result = readResponseHeader(r);
    if (result & 0x80000000) throw new UacpRemoteError(result, `OpenSecureChannel failed: 0x${result.toString(16).padStart(8, "0")}`);
    r.uint32("ServerProtocolVersion");
    this.channelId = r.uint32("SecurityToken.ChannelId");
    this.tokenId = r.uint32("SecurityToken.TokenId");
  }

  private symmetricHeader(w: BinaryWriter) {
    w.uint32(this.channelId).uint32(this.tokenId);
    this.sequenceHeader(w);
  }

  /** GetEndpoints (Part 4 §5.4.4). */
  async getEndpoints(endpointUrl: string): Promise<RawEndpoint[]> {
    const w = new BinaryWriter();
    this.symmetricHeader(w);
    w.fourByteNodeId(0, ENCODING_IDS.GetEndpointsRequest);
    requestHeader(w, 2, this.opts.timeoutMs);
    w.string(endpointUrl);
    w.int32(0); // LocaleIds: empty
    w.int32(0); // ProfileUris: empty
    this.socket.write(frame("MSG", w.toBuffer()));
    const r = await this.response("MSG", "GetEndpoints response");
    const typeId = r.typeId("GetEndpoints response type");
    if (typeId === ENCODING_IDS.ServiceFault) {
      const code = readResponseHeader(r);
      throw new UacpRemoteError(code, `GetEndpoints refused: ServiceFault 0x${code.toString(16).padStart(8, "0")}`);
    }
    if (typeId !== ENCODING_IDS.GetEndpointsResponse) throw new UacpProtocolError(`unexpected GetEndpoints response type i=${typeId}`);
    const result = readResponseHeader(r);
    if (result & 0x80000000) throw new UacpRemoteError(result, `GetEndpoints failed: 0x${result.toString(16).padStart(8, "0")}`);
    return r.array(() => readEndpointDescription(r), "Endpoints");
  }

  /** CloseSecureChannel (Part 4 §5.5.3): no response is sent; then FIN. */
  async close(): Promise<void> {
    if (this.channelId !== 0 && !this.failure) {
      const w = new BinaryWriter();
      this.symmetricHeader(w);
      w.fourByteNodeId(0, ENCODING_IDS.CloseSecureChannelRequest);
      requestHeader(w, 3, this.opts.timeoutMs);
      this.socket.write(frame("CLO", w.toBuffer()));
    }
    this.end();
    await new Promise<void>((resolve) => {
      if (this.socket.closed) return resolve();
      const timer = setTimeout(() => { this.socket.destroy(); resolve(); }, Math.min(this.opts.timeoutMs, 1000));
      this.socket.once("close", () => { clearTimeout(timer); resolve(); });
    });
  }

  /** Half-close (FIN); the peer's FIN or the close timer finishes it. */
  end() {
    // from here on nothing the peer sends is read (bounded memory while the close completes)
    this.failure ??= new UacpProtocolError("connection closed by the client");
    this.inbox = [];
    this.buffered = Buffer.alloc(0);
    if (!this.socket.destroyed) this.socket.end();
    const t = setTimeout(() => this.socket.destroy(), Math.min(this.opts.timeoutMs, 1000));
    t.unref();
  }
}
