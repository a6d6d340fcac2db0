// ChunkFramer (probes/opcua/uacp-codec.ts): the same chunks whatever the TCP segmentation: one
// byte at a time, all at once, or segments that end inside a header or a body.
import { describe, expect, it } from "vitest";
import { ChunkFramer, frame } from "../../probes/opcua/uacp-codec.js";

const stream = Buffer.concat([
  frame("ACK", Buffer.from("a".repeat(20))),
  frame("MSG", Buffer.alloc(3000, 7), "C"),
  frame("MSG", Buffer.from("tail")),
  frame("ERR", Buffer.alloc(8, 1)),
]);

function feed(sizes: (i: number) => number) {
  const f = new ChunkFramer();
  const got: { type: string; chunk: string; body: string }[] = [];
  for (let at = 0, i = 0; at < stream.length; i++) {
    const n = Math.max(1, sizes(i));
    for (const c of f.push(stream.subarray(at, at + n))) got.push({ type: c.type, chunk: c.chunk, body: c.body.toString("hex") });
    at += n;
  }
  expect(f.pending).toBe(0);
  return got;
}

describe("opcua ChunkFramer", () => {
  const whole = feed(() => stream.length);
  it("splits a stream into its chunks", () => {
    expect(whole.map((c) => `${c.type}${c.chunk}`)).toEqual(["ACKF", "MSGC", "MSGF", "ERRF"]);
    expect(whole[2]!.body).toBe(Buffer.from("tail").toString("hex"));
  });
  it("gives the same chunks for 1-byte segments", () => {
    expect(feed(() => 1)).toEqual(whole);
  });
  it("gives the same chunks for uneven segments (ending inside headers and bodies)", () => {
    expect(feed((i) => [3, 5, 13, 1, 700, 2][i % 6]!)).toEqual(whole);
  });
});
