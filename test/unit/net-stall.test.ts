// Transport kit (src/net) when the event loop is busy: an answer that arrived while this process
// was blocked (a large module loading in the background, GC, a busy sweep) is read, never reported
// as a timeout. The peer runs in a child process, so it answers while this process is blocked.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { Connection, Deadline } from "../../src/net/index.js";

const PEER = `
const net = require("node:net");
const srv = net.createServer((s) => s.on("data", () => s.write("pong\\n")));
srv.listen(0, "127.0.0.1", () => console.log(srv.address().port));
process.stdin.on("end", () => process.exit(0)).resume();
`;

let peer: ChildProcess | undefined;
afterEach(() => {
  peer?.stdin?.end();
  peer?.kill();
  peer = undefined;
});

async function startPeer(): Promise<number> {
  peer = spawn(process.execPath, ["-e", PEER], { stdio: ["pipe", "pipe", "inherit"] });
  const line = await new Promise<string>((resolve) => createInterface({ input: peer!.stdout! }).once("line", resolve));
  return Number(line);
}

/** Block this process (no event loop turn) for `ms`. */
function block(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy: nothing is read from any socket meanwhile
  }
}

describe("Connection under a busy event loop", () => {
  it("a read whose deadline passed while the loop was blocked returns the answer that arrived meanwhile", async () => {
    const port = await startPeer();
    const c = await Connection.open({ host: "127.0.0.1", port, timeoutMs: 5000 });
    c.write("ping\n");
    const reading = c.read((b) => (b.includes(0x0a) ? b.indexOf(0x0a) + 1 : undefined), new Deadline(20), "a line");
    block(1500); // the peer answers within this; the read's 20 ms deadline passes
    expect((await reading).toString()).toBe("pong\n");
    await c.close(500);
  });

  it("a connect that completed while the loop was blocked is taken, not a timeout", async () => {
    const port = await startPeer();
    const opening = Connection.open({ host: "127.0.0.1", port, timeoutMs: 20 });
    block(1500);
    const c = await opening;
    c.write("ping\n");
    expect((await c.read((b) => (b.includes(0x0a) ? b.indexOf(0x0a) + 1 : undefined), new Deadline(5000), "a line")).toString()).toBe("pong\n");
    await c.close(500);
  });
});
