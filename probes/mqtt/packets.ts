// MQTT control packets otaudit sends and reads: CONNECT (MQTT 3.1 §3.1, 3.1.1 §3.1, 5.0 §3.1),
// CONNACK (3.1.1 §3.2, 5.0 §3.2 with its properties §3.2.2.3) and DISCONNECT (§3.14). Pure and
// bounded: the Remaining Length is at most 4 bytes (3.1.1 §2.2.3, 5.0 §1.5.5), a CONNACK longer than
// MAX_CONNACK is refused, at most MAX_PROPERTIES properties are read, strings are cut at
// MAX_STRING characters, and an unknown property identifier stops property parsing (its length
// cannot be known) and is reported instead of guessed.

export const MAX_CONNACK = 4096;
export const MAX_PROPERTIES = 64;
export const MAX_STRING = 256;

export class MqttWireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MqttWireError";
  }
}

export type ProtocolLevel = 3 | 4 | 5;
export const LEVEL_NAMES: Record<ProtocolLevel, string> = { 3: "MQTT 3.1", 4: "MQTT 3.1.1", 5: "MQTT 5.0" };

/** Variable Byte Integer (5.0 §1.5.5; 3.1.1 §2.2.3): encode. */
export function encodeVarint(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0 && out.length < 4);
  return Buffer.from(out);
}

/** Decode at `at`: the value and its size, undefined when more bytes are needed. Throws past 4 bytes. */
export function decodeVarint(buf: Buffer, at: number): { value: number; size: number } | undefined {
  let value = 0;
  for (let i = 0; i < 4; i++) {
    if (at + i >= buf.length) return undefined;
    const b = buf[at + i]!;
    value += (b & 0x7f) * 128 ** i;
    if ((b & 0x80) === 0) return { value, size: i + 1 };
  }
  throw new MqttWireError("malformed Remaining Length (more than 4 bytes)");
}

function utf8(s: string): Buffer {
  const b = Buffer.from(s, "utf8");
  const len = Buffer.alloc(2);
  len.writeUInt16BE(b.length);
  return Buffer.concat([len, b]);
}

export interface ConnectOptions {
  level: ProtocolLevel;
  clientId: string;
  keepAliveSec?: number;
  username?: string;
  password?: string;
}

/** CONNECT with Clean Session / Clean Start set, no Will (3.1.1 §3.1.2.3-6, 5.0 §3.1.2.4-5). */
export function encodeConnect(o: ConnectOptions): Buffer {
  const name = o.level === 3 ? "MQIsdp" : "MQTT";
  let flags = 0x02; // Clean Session (3.1.1) / Clean Start (5.0): no session state kept by the broker
  if (o.username !== undefined) flags |= 0x80;
  if (o.password !== undefined) flags |= 0x40;
  const keepAlive = Buffer.alloc(2);
  keepAlive.writeUInt16BE(o.keepAliveSec ?? 30);
  const variable = [utf8(name), Buffer.from([o.level, flags]), keepAlive];
  if (o.level === 5) variable.push(Buffer.from([0])); // no properties (5.0 §3.1.2.11)
  const payload = [utf8(o.clientId)];
  if (o.username !== undefined) payload.push(utf8(o.username));
  if (o.password !== undefined) payload.push(utf8(o.password));
  const body = Buffer.concat([...variable, ...payload]);
  return Buffer.concat([Buffer.from([0x10]), encodeVarint(body.length), body]);
}

/** DISCONNECT: remaining length 0 (5.0 §3.14.2.1: reason 0x00 Normal disconnection is implied). */
export const DISCONNECT = Buffer.from([0xe0, 0x00]);

/** Frame for the first packet from the broker: fixed header + Remaining Length, bounded. */
export function packetFrame(buf: Buffer): number | undefined {
  if (buf.length < 2) return undefined;
  const rl = decodeVarint(buf, 1);
  if (!rl) return undefined;
  const total = 1 + rl.size + rl.value;
  if (total > MAX_CONNACK) throw new MqttWireError(`first packet claims ${rl.value} bytes; a CONNACK is a few bytes`);
  return total;
}

export interface ConnackProperties {
  sessionExpiryInterval?: number;
  receiveMaximum?: number;
  maximumQoS?: number;
  retainAvailable?: boolean;
  maximumPacketSize?: number;
  assignedClientIdentifier?: string;
  topicAliasMaximum?: number;
  reasonString?: string;
  userProperties?: [string, string][];
  wildcardSubscriptionAvailable?: boolean;
  subscriptionIdentifiersAvailable?: boolean;
  sharedSubscriptionAvailable?: boolean;
  serverKeepAlive?: number;
  responseInformation?: string;
  serverReference?: string;
  authenticationMethod?: string;
  /** a property identifier otaudit does not know stopped the parse here */
  unparsed?: string;
}

export interface Connack {
  sessionPresent: boolean;
  /** 3.x return code or 5.0 reason code */
  code: number;
  /** a 2-byte CONNACK answering a 5.0 CONNECT: the broker speaks 3.x */
  shortForm: boolean;
  properties?: ConnackProperties;
}

class Reader {
  constructor(
    private b: Buffer,
    public at: number,
    private end: number,
  ) {}
  need(n: number): void {
    if (this.at + n > this.end) throw new MqttWireError("CONNACK property runs past its packet");
  }
  u8(): number {
    this.need(1);
    return this.b[this.at++]!;
  }
  u16(): number {
    this.need(2);
    const v = this.b.readUInt16BE(this.at);
    this.at += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.b.readUInt32BE(this.at);
    this.at += 4;
    return v;
  }
  str(): string {
    const n = this.u16();
    this.need(n);
    const s = this.b.subarray(this.at, this.at + n).toString("utf8");
    this.at += n;
    return s.length > MAX_STRING ? s.slice(0, MAX_STRING) : s;
  }
  bin(): void {
    const n = this.u16();
    this.need(n);
    this.at += n;
  }
}

/** 5.0 §3.2.2.3: CONNACK properties, bounded; unknown identifiers stop the parse. */
export function parseConnackProperties(b: Buffer, at: number, end: number): ConnackProperties {
  const p: ConnackProperties = {};
  const r = new Reader(b, at, end);
  for (let count = 0; r.at < end; count++) {
    if (count >= MAX_PROPERTIES) {
      p.unparsed = `more than ${MAX_PROPERTIES} properties`;
      break;
    }
    const id = r.u8();
    switch (id) {
      case 0x11:
        p.sessionExpiryInterval = r.u32();
        break;
      case 0x21:
        p.receiveMaximum = r.u16();
        break;
      case 0x24:
        p.maximumQoS = r.u8();
        break;
      case 0x25:
        p.retainAvailable = r.u8() === 1;
        break;
      case 0x27:
        p.maximumPacketSize = r.u32();
        break;
      case 0x12:
        p.assignedClientIdentifier = r.str();
        break;
      case 0x22:
        p.topicAliasMaximum = r.u16();
        break;
      case 0x1f:
        p.reasonString = r.str();
        break;
      case 0x26: {
        const pair: [string, string] = [r.str(), r.str()];
        p.userProperties = [...(p.userProperties ?? []), pair].slice(0, 16);
        break;
      }
      case 0x28:
        p.wildcardSubscriptionAvailable = r.u8() === 1;
        break;
      case 0x29:
        p.subscriptionIdentifiersAvailable = r.u8() === 1;
        break;
      case 0x2a:
        p.sharedSubscriptionAvailable = r.u8() === 1;
        break;
      case 0x13:
        p.serverKeepAlive = r.u16();
        break;
      case 0x1a:
        p.responseInformation = r.str();
        break;
      case 0x1c:
        p.serverReference = r.str();
        break;
      case 0x15:
        p.authenticationMethod = r.str();
        break;
      case 0x16:
        r.bin();
        break; // Authentication Data: not kept
      default:
        p.unparsed = `unknown property identifier 0x${id.toString(16).padStart(2, "0")}`;
        return p;
    }
  }
  return p;
}

/** Parse one framed packet as the CONNACK answering a CONNECT of `level`. */
export function parseConnack(packet: Buffer, level: ProtocolLevel): Connack {
  const type = packet[0]! >> 4;
  if (type !== 2) throw new MqttWireError(`expected CONNACK (packet type 2), got packet type ${type}`);
  const rl = decodeVarint(packet, 1)!;
  const start = 1 + rl.size;
  const end = start + rl.value;
  if (rl.value < 2) throw new MqttWireError(`CONNACK of ${rl.value} bytes (at least 2)`);
  const sessionPresent = (packet[start]! & 0x01) === 1;
  const code = packet[start + 1]!;
  if (level !== 5 || rl.value === 2) return { sessionPresent, code, shortForm: level === 5 && rl.value === 2 };
  const plen = decodeVarint(packet, start + 2);
  if (!plen || start + 2 + plen.size + plen.value > end) throw new MqttWireError("CONNACK property length runs past the packet");
  const from = start + 2 + plen.size;
  return { sessionPresent, code, shortForm: false, properties: parseConnackProperties(packet, from, from + plen.value) };
}

/** CONNACK codes: 3.1.1 §3.2.2.3 Table 3.1 and 5.0 §3.2.2.2. */
const V3_CODES: Record<number, string> = {
  0: "Connection Accepted",
  1: "unacceptable protocol version",
  2: "identifier rejected",
  3: "server unavailable",
  4: "bad user name or password",
  5: "not authorized",
};
const V5_CODES: Record<number, string> = {
  0x00: "Success",
  0x80: "Unspecified error",
  0x81: "Malformed Packet",
  0x82: "Protocol Error",
  0x83: "Implementation specific error",
  0x84: "Unsupported Protocol Version",
  0x85: "Client Identifier not valid",
  0x86: "Bad User Name or Password",
  0x87: "Not authorized",
  0x88: "Server unavailable",
  0x89: "Server busy",
  0x8a: "Banned",
  0x8c: "Bad authentication method",
  0x95: "Packet too large",
  0x97: "Quota exceeded",
  0x99: "Payload format invalid",
  0x9a: "Retain not supported",
  0x9b: "QoS not supported",
  0x9c: "Use another server",
  0x9d: "Server moved",
  0x9f: "Connection rate exceeded",
};

export type ConnectVerdict = "accepted" | "auth-refused" | "version-refused" | "other";

/** What a CONNACK code means for the CONNECT otaudit sent at `level`. */
export function judgeConnack(c: Pick<Connack, "code" | "shortForm">, level: ProtocolLevel): { verdict: ConnectVerdict; name: string } {
  const v3 = level !== 5 || c.shortForm;
  const name = (v3 ? V3_CODES : V5_CODES)[c.code] ?? `unknown code 0x${c.code.toString(16).padStart(2, "0")}`;
  if (c.code === 0) return { verdict: "accepted", name };
  if (v3) return { verdict: c.code === 4 || c.code === 5 ? "auth-refused" : c.code === 1 ? "version-refused" : "other", name };
  return { verdict: c.code === 0x86 || c.code === 0x87 || c.code === 0x8c ? "auth-refused" : c.code === 0x84 ? "version-refused" : "other", name };
}

// --- broker side (simulator, fuzzing) ------------------------------------------------------------

export interface ParsedConnect {
  protocolName: string;
  level: number;
  flags: number;
  clientId: string;
  username?: string;
  /** the CONNECT carried a password (its value is only compared, never kept by the simulator's stats) */
  password?: string;
}

/** Parse a framed CONNECT (3.1.1 §3.1, 5.0 §3.1); throws MqttWireError on anything malformed. */
export function parseConnect(packet: Buffer): ParsedConnect {
  if (packet[0] !== 0x10) throw new MqttWireError("not a CONNECT");
  const rl = decodeVarint(packet, 1);
  if (!rl) throw new MqttWireError("truncated CONNECT");
  const end = 1 + rl.size + rl.value;
  if (end > packet.length) throw new MqttWireError("truncated CONNECT");
  const r = new Reader(packet, 1 + rl.size, end);
  const protocolName = r.str();
  const level = r.u8();
  const flags = r.u8();
  r.u16(); // keep alive
  if (level === 5) {
    const plen = decodeVarint(packet, r.at);
    if (!plen) throw new MqttWireError("truncated CONNECT properties");
    r.need(plen.size + plen.value);
    r.at += plen.size + plen.value;
  }
  const out: ParsedConnect = { protocolName, level, flags, clientId: r.str() };
  if (flags & 0x04) {
    if (level === 5) {
      const wl = decodeVarint(packet, r.at);
      if (!wl) throw new MqttWireError("truncated Will properties");
      r.need(wl.size + wl.value);
      r.at += wl.size + wl.value;
    }
    r.str(); // Will topic
    r.bin(); // Will payload
  }
  if (flags & 0x80) out.username = r.str();
  if (flags & 0x40) {
    const n = r.u16();
    r.need(n);
    out.password = packet.subarray(r.at, r.at + n).toString("utf8");
    r.at += n;
  }
  return out;
}

/** CONNACK for `level`: 3.x two bytes; 5.0 with properties (§3.2.2.3). */
export function encodeConnack(
  level: number,
  code: number,
  props: { maximumQoS?: number; retainAvailable?: boolean; serverKeepAlive?: number; topicAliasMaximum?: number; reasonString?: string } = {},
): Buffer {
  if (level !== 5) return Buffer.from([0x20, 0x02, 0x00, code]);
  const p: Buffer[] = [];
  if (props.maximumQoS !== undefined) p.push(Buffer.from([0x24, props.maximumQoS]));
  if (props.retainAvailable !== undefined) p.push(Buffer.from([0x25, props.retainAvailable ? 1 : 0]));
  if (props.serverKeepAlive !== undefined) p.push(Buffer.from([0x13, props.serverKeepAlive >> 8, props.serverKeepAlive & 0xff]));
  if (props.topicAliasMaximum !== undefined) p.push(Buffer.from([0x22, props.topicAliasMaximum >> 8, props.topicAliasMaximum & 0xff]));
  if (props.reasonString !== undefined) p.push(Buffer.from([0x1f]), utf8(props.reasonString));
  const pb = Buffer.concat(p);
  const body = Buffer.concat([Buffer.from([0x00, code]), encodeVarint(pb.length), pb]);
  return Buffer.concat([Buffer.from([0x20]), encodeVarint(body.length), body]);
}
