// Tiny scripted OPC UA TCP peers for tests: well-formed Acknowledge / OpenSecureChannel /
// GetEndpoints / FindServers responses built from the spec layouts (Part 6 §7.1.2, §6.7.2; Part 4
// §5.4.2, §5.4.4), a dispatcher that answers each request by its type, and the pieces the hostile
// corpus bends. Loopback only.
import { createServer, type Server, type Socket } from "node:net";
import { BinaryReader, BinaryWriter, ENCODING_IDS, POLICY_NONE, frame } from "../../probes/opcua/uacp.js";

export function ack(overrides: Partial<{ receiveBufferSize: number; maxMessageSize: number; maxChunkCount: number }> = {}): Buffer {
  return frame(
    "ACK",
    new BinaryWriter()
      .uint32(0)
      .uint32(overrides.receiveBufferSize ?? 65536)
      .uint32(65536)
      .uint32(overrides.maxMessageSize ?? 0)
      .uint32(overrides.maxChunkCount ?? 0)
      .toBuffer(),
  );
}

export function errMessage(code: number, reason: string): Buffer {
  return frame("ERR", new BinaryWriter().uint32(code).string(reason).toBuffer());
}

export function responseHeader(w: BinaryWriter, handle: number, result = 0) {
  w.dateTime(new Date()).uint32(handle).uint32(result).uint8(0).int32(-1).uint8(0).uint8(0).uint8(0);
}

export function opnBody(channelId = 7, tokenId = 1): Buffer {
  const w = new BinaryWriter().uint32(channelId).string(POLICY_NONE).byteString(null).byteString(null).uint32(1).uint32(1);
  w.fourByteNodeId(0, ENCODING_IDS.OpenSecureChannelResponse);
  responseHeader(w, 1);
  w.uint32(0).uint32(channelId).uint32(tokenId).dateTime(new Date()).uint32(60000).byteString(null);
  return w.toBuffer();
}

export function opnResponse(channelId = 7, tokenId = 1): Buffer {
  return frame("OPN", opnBody(channelId, tokenId));
}

export interface FakeEndpoint {
  url: string;
  policyUri: string;
  /** MessageSecurityMode value (0 Invalid .. 3 SignAndEncrypt; others are not valid) */
  mode: number;
  tokens: { policyId: string; type: number; policyUri?: string | null }[];
  certificate?: Buffer | null;
  level?: number;
  applicationUri?: string;
  applicationName?: string;
}

export function endpointDescription(w: BinaryWriter, e: FakeEndpoint) {
  w.string(e.url)
    .string(e.applicationUri ?? "urn:fake:server")
    .string("urn:fake:product")
    .uint8(0x02)
    .string(e.applicationName ?? "Fake server")
    .int32(0)
    .string(null)
    .string(null)
    .int32(1)
    .string(e.url);
  w.byteString(e.certificate ?? null)
    .int32(e.mode)
    .string(e.policyUri);
  w.int32(e.tokens.length);
  for (const t of e.tokens)
    w.string(t.policyId)
      .int32(t.type)
      .string(null)
      .string(null)
      .string(t.policyUri ?? null);
  w.string("http://opcfoundation.org/UA-Profile/Transport/uatcp-uasc-uabinary").uint8(e.level ?? 0);
}

/** A symmetric MSG body prefix (channel, token, sequence, request id) and the response type id. */
export function msgPrefix(typeId: number, channelId = 7, tokenId = 1, requestId = 2): BinaryWriter {
  const w = new BinaryWriter().uint32(channelId).uint32(tokenId).uint32(requestId).uint32(requestId);
  w.fourByteNodeId(0, typeId);
  responseHeader(w, requestId);
  return w;
}

export function getEndpointsBody(endpoints: FakeEndpoint[], channelId = 7, tokenId = 1): Buffer {
  const w = msgPrefix(ENCODING_IDS.GetEndpointsResponse, channelId, tokenId);
  w.int32(endpoints.length);
  for (const e of endpoints) endpointDescription(w, e);
  return w.toBuffer();
}

export function getEndpointsResponse(endpoints: FakeEndpoint[]): Buffer {
  return frame("MSG", getEndpointsBody(endpoints));
}

export interface FakeServerEntry {
  applicationUri: string;
  applicationName?: string;
  applicationType?: number;
  discoveryUrls: string[];
}

export function findServersBody(servers: FakeServerEntry[]): Buffer {
  const w = msgPrefix(ENCODING_IDS.FindServersResponse);
  w.int32(servers.length);
  for (const s of servers) {
    w.string(s.applicationUri)
      .string("urn:fake:product")
      .uint8(0x02)
      .string(s.applicationName ?? "Listed server")
      .int32(s.applicationType ?? 0)
      .string(null)
      .string(null);
    w.int32(s.discoveryUrls.length);
    for (const u of s.discoveryUrls) w.string(u);
  }
  return w.toBuffer();
}

/** ServiceFault (Part 4 §7.33 header only) answering any request, e.g. FindServers unsupported. */
export function serviceFault(code = 0x800b0000): Buffer {
  const w = new BinaryWriter().uint32(7).uint32(1).uint32(3).uint32(3);
  w.fourByteNodeId(0, ENCODING_IDS.ServiceFault);
  responseHeader(w, 3, code);
  return frame("MSG", w.toBuffer());
}

/** The request type id of a client MSG body (after the 16-byte symmetric header). */
export function requestTypeId(body: Buffer): number {
  try {
    return new BinaryReader(body.subarray(16)).typeId("request type");
  } catch {
    return -1;
  }
}

/** A peer driven by a script: called with each complete client message, answers by writing to the socket. */
export interface FakePeer {
  port: number;
  /** sockets the peer accepted, and how each ended ("end" = client FIN first) */
  connections: { ended: "end" | "close" | "open" }[];
  messages: string[];
  close(): Promise<void>;
}

export type OnMessage = (type: string, socket: Socket, body: Buffer, connection: number) => void;

export async function startFakePeer(onMessage: OnMessage, host = "127.0.0.1"): Promise<FakePeer> {
  const connections: FakePeer["connections"] = [];
  const messages: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const state: { ended: "end" | "close" | "open" } = { ended: "open" };
    connections.push(state);
    const index = connections.length;
    let buf = Buffer.alloc(0);
    socket.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 8) {
        const size = buf.readUInt32LE(4);
        if (buf.length < size) break;
        const type = buf.toString("latin1", 0, 3);
        const body = buf.subarray(8, size);
        buf = buf.subarray(size);
        messages.push(type);
        onMessage(type, socket, body, index);
      }
    });
    socket.on("end", () => {
      if (state.ended === "open") state.ended = "end";
      socket.end();
    });
    socket.on("close", () => {
      if (state.ended === "open") state.ended = "close";
      sockets.delete(socket);
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  return {
    port: (server.address() as { port: number }).port,
    connections,
    messages,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A well-behaved discovery conversation: ACK, OPN, GetEndpoints and FindServers answered by type. */
export function conversation(endpoints: FakeEndpoint[] | (() => Buffer), servers?: FakeServerEntry[] | (() => Buffer)): OnMessage {
  return (type, socket, body) => {
    if (type === "HEL") socket.write(ack());
    if (type === "OPN") socket.write(opnResponse());
    if (type !== "MSG") return;
    const id = requestTypeId(body);
    if (id === ENCODING_IDS.GetEndpointsRequest) socket.write(typeof endpoints === "function" ? endpoints() : getEndpointsResponse(endpoints));
    else if (id === ENCODING_IDS.FindServersRequest)
      socket.write(servers === undefined ? serviceFault() : typeof servers === "function" ? servers() : frame("MSG", findServersBody(servers)));
    else socket.write(serviceFault());
  };
}
