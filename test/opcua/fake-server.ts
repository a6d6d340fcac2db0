// Tiny scripted OPC UA TCP peers for tests: well-formed Acknowledge / OpenSecureChannel /
// GetEndpoints responses built from the spec layouts (Part 6 §7.1.2, §6.7.2; Part 4 §5.4.4), and
// the misbehaving variants the probe must survive. Loopback only.
import { createServer, type Server, type Socket } from "node:net";
import { BinaryWriter, ENCODING_IDS, POLICY_NONE, frame } from "../../probes/opcua/uacp.js";

export function ack(overrides: Partial<{ receiveBufferSize: number; maxMessageSize: number }> = {}): Buffer {
  return frame("ACK", new BinaryWriter().uint32(0).uint32(overrides.receiveBufferSize ?? 65536).uint32(65536).uint32(overrides.maxMessageSize ?? 0).uint32(0).toBuffer());
}

export function errMessage(code: number, reason: string): Buffer {
  return frame("ERR", new BinaryWriter().uint32(code).string(reason).toBuffer());
}

function responseHeader(w: BinaryWriter, handle: number, result = 0) {
  w.dateTime(new Date()).uint32(handle).uint32(result).uint8(0).int32(-1).uint8(0).uint8(0).uint8(0);
}

export function opnResponse(channelId = 7, tokenId = 1): Buffer {
  const w = new BinaryWriter().uint32(channelId).string(POLICY_NONE).byteString(null).byteString(null).uint32(1).uint32(1);
  w.fourByteNodeId(0, ENCODING_IDS.OpenSecureChannelResponse);
  responseHeader(w, 1);
  w.uint32(0).uint32(channelId).uint32(tokenId).dateTime(new Date()).uint32(60000).byteString(null);
  return frame("OPN", w.toBuffer());
}

export interface FakeEndpoint {
  url: string;
  policyUri: string;
  mode: 1 | 2 | 3;
  tokens: { policyId: string; type: 0 | 1 | 2 | 3; policyUri?: string | null }[];
  certificate?: Buffer | null;
  level?: number;
}

export function endpointDescription(w: BinaryWriter, e: FakeEndpoint) {
  w.string(e.url).string("urn:fake:server").string("urn:fake:product").uint8(0x02).string("Fake server").int32(0).string(null).string(null).int32(1).string(e.url);
  w.byteString(e.certificate ?? null).int32(e.mode).string(e.policyUri);
  w.int32(e.tokens.length);
  for (const t of e.tokens) w.string(t.policyId).int32(t.type).string(null).string(null).string(t.policyUri ?? null);
  w.string("http://opcfoundation.org/UA-Profile/Transport/uatcp-uasc-uabinary").uint8(e.level ?? 0);
}

export function getEndpointsBody(endpoints: FakeEndpoint[], channelId = 7, tokenId = 1): Buffer {
  const w = new BinaryWriter().uint32(channelId).uint32(tokenId).uint32(2).uint32(2);
  w.fourByteNodeId(0, ENCODING_IDS.GetEndpointsResponse);
  responseHeader(w, 2);
  w.int32(endpoints.length);
  for (const e of endpoints) endpointDescription(w, e);
  return w.toBuffer();
}

export function getEndpointsResponse(endpoints: FakeEndpoint[]): Buffer {
  return frame("MSG", getEndpointsBody(endpoints));
}

/** A peer driven by a script: called with each complete client message type, answers by writing to the socket. */
export interface FakePeer {
  port: number;
  /** sockets the peer accepted, and how each ended ("end" = client FIN first) */
  connections: { ended: "end" | "close" | "open" }[];
  messages: string[];
  close(): Promise<void>;
}

export async function startFakePeer(onMessage: (type: string, socket: Socket) => void): Promise<FakePeer> {
  const connections: FakePeer["connections"] = [];
  const messages: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const state: { ended: "end" | "close" | "open" } = { ended: "open" };
    connections.push(state);
    let buf = Buffer.alloc(0);
    socket.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 8) {
        const size = buf.readUInt32LE(4);
        if (buf.length < size) break;
        const type = buf.toString("latin1", 0, 3);
        buf = buf.subarray(size);
        messages.push(type);
        onMessage(type, socket);
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
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
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
