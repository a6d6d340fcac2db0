// Transport kit: a connect aborted while in flight (Ctrl-C, a worker stopping, a lease running out)
// is closed with a FIN once it completes, never destroyed into a reset: on loopback the device has
// already accepted it and sent its banner when the abort comes, seen here from the device's side.
import { createServer, type Server } from "node:net";
import { afterEach, expect, it } from "vitest";
import { Connection, NetError } from "../../src/net/index.js";

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

it("an aborted connect ends with a FIN at the device, not a reset", async () => {
  const seen: { fin: boolean; reset: boolean }[] = [];
  const closed = new Promise<void>((resolve) => {
    server = createServer((s) => {
      const rec = { fin: false, reset: false };
      seen.push(rec);
      s.write("login: "); // unread by the client: a destroy would answer it with RST
      s.on("end", () => {
        rec.fin = true;
        s.end();
      });
      s.on("error", (e: NodeJS.ErrnoException) => (rec.reset = e.code === "ECONNRESET"));
      s.on("close", () => resolve());
    });
  });
  const port = await new Promise<number>((r) => server!.listen(0, "127.0.0.1", () => r((server!.address() as { port: number }).port)));
  const ac = new AbortController();
  const opening = Connection.open({ host: "127.0.0.1", port, timeoutMs: 2000, signal: ac.signal });
  ac.abort(); // before the connect event: the kernel has already completed the handshake
  const err = await opening.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(NetError);
  expect((err as NetError).code).toBe("aborted");
  await Promise.race([closed, new Promise((r) => setTimeout(r, 5000))]);
  expect(seen).toEqual([{ fin: true, reset: false }]);
});
