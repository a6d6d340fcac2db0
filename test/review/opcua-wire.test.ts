// Review regression for the passive OPC UA client (robustness): a peer that streams messages nobody
// asked for is cut off, and nothing is queued or buffered once the client has started to close.
import { afterEach, describe, expect, it } from "vitest";
import { UacpClient, frame } from "../../probes/opcua/uacp.js";
import { ack, startFakePeer, type FakePeer } from "../opcua/fake-server.js";

let peer: FakePeer | undefined;
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

describe("review: UACP client vs a flooding peer", () => {
  it("queues at most a bounded number of unrequested messages, and none after closing", async () => {
    let flood: NodeJS.Timeout | undefined;
    const tiny = frame("MSG", Buffer.alloc(0)); // an 8-byte header-only message
    peer = await startFakePeer((type, socket) => {
      if (type === "HEL") socket.write(ack());
      if (type === "OPN") {
        socket.write(Buffer.concat(Array.from({ length: 500 }, () => tiny)));
        flood = setInterval(() => socket.writable && socket.write(Buffer.concat(Array.from({ length: 500 }, () => tiny))), 2);
      }
    });
    const client = await UacpClient.connect("127.0.0.1", peer.port, `opc.tcp://127.0.0.1:${peer.port}`, { timeoutMs: 1000 });
    await expect(client.openSecureChannel()).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 100));
    const inside = client as unknown as { inbox: unknown[]; framer: { pending: number } };
    expect(inside.inbox.length).toBeLessThanOrEqual(64);
    client.end();
    await new Promise((r) => setTimeout(r, 100));
    expect(inside.inbox.length).toBe(0);
    expect(inside.framer.pending).toBe(0);
    clearInterval(flood);
  });
});
