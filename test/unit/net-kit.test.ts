// Transport kit (src/net): absolute read deadlines against a slow-drip peer, bounded buffering
// against a flood, a polite close (the peer sees FIN, not RST), and the shared login pacing loop.
import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { attemptLogins, Connection, Deadline, NetError } from "../../src/net/index.js";

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

function listen(onConn: (s: Socket) => void): Promise<number> {
  return new Promise((resolve) => {
    server = createServer(onConn);
    server.listen(0, "127.0.0.1", () => resolve((server!.address() as { port: number }).port));
  });
}

describe("Connection", () => {
  it("a slow-drip peer cannot stretch a read past its absolute deadline", async () => {
    const port = await listen((s) => {
      const t = setInterval(() => s.write("x"), 20); // one byte just inside any per-chunk timeout, forever
      s.on("close", () => clearInterval(t));
      s.on("error", () => clearInterval(t));
    });
    const c = await Connection.open({ host: "127.0.0.1", port, timeoutMs: 1000 });
    const err = await c.read((b) => (b.includes(0x0a) ? b.indexOf(0x0a) + 1 : undefined), new Deadline(150), "a line").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetError);
    expect((err as NetError).code).toBe("timeout");
    await c.close(200);
  });

  it("stops buffering a flood and fails the read with too-large", async () => {
    const port = await listen((s) => {
      s.on("error", () => {});
      s.write(Buffer.alloc(256 * 1024, 0x41));
    });
    const c = await Connection.open({ host: "127.0.0.1", port, timeoutMs: 1000, maxBuffered: 64 * 1024 });
    const err = await c.read(() => undefined, new Deadline(1000)).catch((e: unknown) => e);
    expect((err as NetError).code).toBe("too-large");
    await c.close(200);
  });

  it("reads framed messages and closes with FIN (the peer sees an orderly end)", async () => {
    let peerSawEnd = false;
    const port = await listen((s) => {
      s.write(Buffer.from([0, 3, 1, 2, 3, 0, 1, 9]));
      s.on("end", () => {
        peerSawEnd = true;
        s.end();
      });
      s.on("error", () => {});
    });
    const c = await Connection.open({ host: "127.0.0.1", port, timeoutMs: 1000 });
    const frame = (b: Buffer) => (b.length >= 2 && b.length >= 2 + b.readUInt16BE(0) ? 2 + b.readUInt16BE(0) : undefined);
    expect([...(await c.read(frame, new Deadline(1000)))]).toEqual([0, 3, 1, 2, 3]);
    expect([...(await c.read(frame, new Deadline(1000)))]).toEqual([0, 1, 9]);
    await c.close(1000);
    expect(peerSawEnd).toBe(true);
  });

  it("names a refused connection and a closed stream", async () => {
    const port = await listen((s) => s.end());
    const c = await Connection.open({ host: "127.0.0.1", port, timeoutMs: 1000 });
    expect(((await c.readExactly(4, new Deadline(1000)).catch((e: unknown) => e)) as NetError).code).toBe("closed");
    await c.close();
    await new Promise<void>((r) => server!.close(() => r()));
    server = undefined;
    expect(((await Connection.open({ host: "127.0.0.1", port, timeoutMs: 1000 }).catch((e: unknown) => e)) as NetError).code).toBe("refused");
  });
});

describe("attemptLogins", () => {
  it("stops at the first accepted entry and stays within the budget", async () => {
    const tried: string[] = [];
    const run = await attemptLogins(
      ["a", "b", "c", "d"],
      { budget: 3, delayMs: 0 },
      async (e) => (tried.push(e), e === "b" ? { outcome: "accepted" } : { outcome: "rejected" }),
    );
    expect(tried).toEqual(["a", "b"]);
    expect(run.accepted).toBe("b");
    expect(run.complete).toBe(true);
    expect(run.notTried).toEqual([{ entry: "c", why: "accepted-earlier" }]);
  });

  it("an attempt without a definite answer stops the loop and the run is not complete (never 'none accepted')", async () => {
    const run = await attemptLogins(["a", "b"], { budget: 5, delayMs: 0 }, async () => ({ outcome: "error", error: "no answer" }));
    expect(run.complete).toBe(false);
    expect(run.accepted).toBeUndefined();
    expect(run.notTried).toEqual([{ entry: "b", why: "stopped-after-error" }]);
  });

  it("an abort between attempts leaves the rest untried", async () => {
    const ac = new AbortController();
    const run = await attemptLogins(["a", "b"], { budget: 5, delayMs: 10_000 }, async () => (ac.abort(), { outcome: "rejected" }), ac.signal);
    expect(run.attempts).toHaveLength(1);
    expect(run.complete).toBe(false);
    expect(run.notTried[0]!.why).toBe("aborted");
  });
});

describe("Connection buffering", () => {
  it("a large frame dripped in small chunks is assembled with linear copying", async () => {
    const total = 2 * 1024 * 1024;
    const port = await listen((s) => {
      s.on("error", () => {});
      const header = Buffer.alloc(4);
      header.writeUInt32BE(total);
      s.write(header);
      let sent = 0;
      const step = () => {
        while (sent < total) {
          const n = Math.min(512, total - sent);
          sent += n;
          if (!s.write(Buffer.alloc(n, 0x61))) return void s.once("drain", step);
        }
      };
      step();
    });
    const c = await Connection.open({ host: "127.0.0.1", port, timeoutMs: 1000, maxBuffered: 4 * 1024 * 1024 });
    const frame = (b: Buffer) => (b.length >= 4 ? 4 + b.readUInt32BE(0) : undefined);
    const msg = await c.read(frame, new Deadline(20_000));
    expect(msg.length).toBe(total + 4);
    expect(msg[msg.length - 1]).toBe(0x61);
    await c.close(200);
  });
});
