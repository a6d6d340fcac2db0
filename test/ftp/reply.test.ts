// FTP reply framing and parsing (probes/ftp/reply.ts, RFC 959 §4.2): single and multi-line replies,
// lines that look like codes inside a multi-line reply, limits; fast-check: framing is chunking-
// independent and linear, and any bytes frame, wait or throw FtpWireError.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { featAuthMechanisms, featureList, FtpWireError, MAX_LINES, MAX_REPLY, parseReply, ReplyFramer, replyText } from "../../probes/ftp/reply.js";

function frameAll(data: Buffer, cuts: number[] = []): number | undefined {
  const f = new ReplyFramer();
  let end = 0;
  for (const c of [...cuts, data.length]) {
    end = Math.min(data.length, end + Math.max(1, c));
    const n = f.frame(data.subarray(0, end));
    if (n !== undefined) return n;
    if (end >= data.length) return undefined;
  }
  return undefined;
}

describe("framing", () => {
  it("a single-line reply, with CRLF or a bare LF", () => {
    expect(frameAll(Buffer.from("220 (vsFTPd 3.0.3)\r\nrest"))).toBe(20);
    expect(frameAll(Buffer.from("331 Please specify the password.\n"))).toBe(33);
  });

  it("a multi-line reply ends at 'xyz ' with the same code, not at inner code-like lines", () => {
    const r = "211-Features:\r\n EPRT\r\n211-not the end\r\n230 other code\r\n211 End\r\n";
    expect(frameAll(Buffer.from(r + "220 next"))).toBe(r.length);
    expect(parseReply(Buffer.from(r))).toEqual({ code: 211, lines: ["211-Features:", " EPRT", "211-not the end", "230 other code", "211 End"] });
  });

  it("waits for more, and throws on a line without a code, too many lines or too many bytes", () => {
    expect(frameAll(Buffer.from("220 half a line"))).toBeUndefined();
    expect(() => frameAll(Buffer.from("hello\r\n"))).toThrow(FtpWireError);
    expect(() => frameAll(Buffer.from("220-x\r\n" + "x\r\n".repeat(MAX_LINES + 1)))).toThrow(/lines/);
    expect(() => frameAll(Buffer.alloc(MAX_REPLY + 10, 0x41))).toThrow(FtpWireError);
  });

  it("control characters stay byte for byte", () => {
    const line = "220 \x1b[2J\x07evil\x00 banner";
    expect(parseReply(Buffer.from(line + "\r\n", "latin1")).lines).toEqual([line]);
  });
});

describe("FEAT and text", () => {
  const feat = parseReply(Buffer.from("211-Features:\r\n auth TLS;TLS-C\r\n PBSZ\r\n UTF8\r\n211 End\r\n"));
  it("feature lines, command names upper-cased; AUTH mechanisms (RFC 4217 §6)", () => {
    expect(featureList(feat)).toEqual(["AUTH TLS;TLS-C", "PBSZ", "UTF8"]);
    expect(featAuthMechanisms(featureList(feat))).toEqual(["TLS", "TLS-C"]);
    expect(featureList(parseReply(Buffer.from("500 Unknown command.\r\n")))).toEqual([]);
  });
  it("reply text without codes", () => {
    expect(replyText(parseReply(Buffer.from("530 Login incorrect.\r\n")))).toBe("Login incorrect.");
  });
});

describe("properties (fast-check)", () => {
  const replyArb = fc.oneof(
    fc.tuple(fc.integer({ min: 100, max: 599 }), fc.stringMatching(/^[ -~]{0,60}$/)).map(([c, t]) => `${c} ${t}\r\n`),
    fc
      .tuple(fc.integer({ min: 100, max: 599 }), fc.array(fc.stringMatching(/^[ -~]{0,30}$/), { maxLength: 10 }))
      .map(([c, ls]) => `${c}-first\r\n${ls.map((l) => ` ${l}\r\n`).join("")}${c} last\r\n`),
  );

  it("the frame length does not depend on how the bytes arrive", () => {
    fc.assert(
      fc.property(replyArb, fc.array(fc.integer({ min: 1, max: 20 }), { maxLength: 30 }), (r, cuts) => {
        const data = Buffer.from(r + "999 trailing\r\n");
        expect(frameAll(data, cuts)).toBe(Buffer.byteLength(r));
        expect(parseReply(data.subarray(0, Buffer.byteLength(r))).lines.length).toBeGreaterThan(0);
      }),
    );
  });

  it("any bytes: a frame within the buffer, a wait, or FtpWireError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 800 }), (b) => {
        try {
          const n = frameAll(Buffer.from(b), [7, 13, 1]);
          if (n !== undefined) expect(n).toBeLessThanOrEqual(b.length);
        } catch (e) {
          expect(e).toBeInstanceOf(FtpWireError);
        }
      }),
    );
  });

  it("a reply dripped one byte at a time frames exactly once, at its end", () => {
    const data = Buffer.from("220-x\r\n" + " line\r\n".repeat(90) + "220 end\r\n");
    const f = new ReplyFramer();
    let n: number | undefined;
    for (let i = 1; i <= data.length && n === undefined; i++) n = f.frame(data.subarray(0, i));
    expect(n).toBe(data.length);
  });
});
