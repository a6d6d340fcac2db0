// The Telnet stream parser (probes/telnet/nvt.ts): IAC commands, option negotiation with refusals
// (RFC 854/855/1143), subnegotiations, IAC IAC, caps; fast-check: any bytes, any chunking, same
// result, bounded state, and a refusal never answers a refusal.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DO, DONT, IAC, MAX_DATA, MAX_EVENTS, MAX_REPLIES_PER_OPTION, nvtLine, SB, SE, TelnetReader, WILL, WONT } from "../../probes/telnet/nvt.js";

const push = (bytes: number[] | Buffer, reader = new TelnetReader()) => ({ reader, ...reader.push(Buffer.from(bytes)) });

describe("negotiation (RFC 854/1143)", () => {
  it("DO gets WONT, WILL gets DONT; WONT and DONT get nothing", () => {
    const { reply, reader } = push([IAC, DO, 24, IAC, WILL, 1, IAC, WONT, 5, IAC, DONT, 6]);
    expect([...reply]).toEqual([IAC, WONT, 24, IAC, DONT, 1]);
    expect(reader.state).toMatchObject({
      iac: true,
      refusals: 2,
      events: [
        { verb: "DO", option: 24 },
        { verb: "WILL", option: 1 },
        { verb: "WONT", option: 5 },
        { verb: "DONT", option: 6 },
      ],
    });
  });

  it("a peer asking again and again is answered at most MAX_REPLIES_PER_OPTION times", () => {
    const { reply } = push(Array.from({ length: 50 }, () => [IAC, DO, 31]).flat());
    expect(reply.length).toBe(3 * MAX_REPLIES_PER_OPTION);
  });

  it("subnegotiations are skipped to IAC SE; IAC IAC is a data byte 255", () => {
    const { data, reader } = push([IAC, SB, 24, 1, IAC, IAC, 2, IAC, SE, 0x41, IAC, IAC, 0x42]);
    expect([...data]).toEqual([0x41, 0xff, 0x42]);
    expect(reader.state.subnegotiations).toBe(1);
  });

  it("other commands (NOP, GA, AYT) are counted, not data", () => {
    const { data, reader } = push([IAC, 241, 0x61, IAC, 249, IAC, 246]);
    expect(data.toString()).toBe("a");
    expect(reader.state.commands).toBe(3);
  });

  it("an IAC split across chunks parses the same", () => {
    const r = new TelnetReader();
    r.push(Buffer.from([0x61, IAC]));
    const { reply } = r.push(Buffer.from([DO, 24, 0x62]));
    expect([...reply]).toEqual([IAC, WONT, 24]);
    expect(r.text).toBe("ab");
  });

  it("data beyond MAX_DATA is counted, not kept; events beyond MAX_EVENTS are counted", () => {
    const { reader } = push(Buffer.alloc(MAX_DATA + 100, 0x41));
    expect(reader.text.length).toBe(MAX_DATA);
    expect(reader.dataTruncated).toBe(true);
    const many = push(Array.from({ length: MAX_EVENTS + 10 }, (_, i) => [IAC, WONT, i]).flat()).reader;
    expect(many.state.events.length).toBe(MAX_EVENTS);
    expect(many.state.eventsDropped).toBe(10);
  });
});

describe("typing", () => {
  it("CR LF ends a line; a 255 is doubled; line breaks inside are refused", () => {
    expect([...nvtLine("admin")]).toEqual([...Buffer.from("admin\r\n")]);
    expect([...nvtLine("\xff")]).toEqual([IAC, IAC, 13, 10]);
    expect(() => nvtLine("a\r\nrm -rf /")).toThrow();
  });
});

describe("properties (fast-check)", () => {
  it("any bytes, any chunking: same data, same replies, bounded state", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 40 }), (b, cuts) => {
        const whole = push(Buffer.from(b));
        const r = new TelnetReader();
        const replies: number[] = [];
        let at = 0;
        for (const c of [...cuts, b.length]) {
          const end = Math.min(b.length, at + c);
          replies.push(...r.push(Buffer.from(b.subarray(at, end))).reply);
          at = end;
          if (at >= b.length) break;
        }
        expect(r.text).toBe(whole.reader.text);
        expect(replies).toEqual([...whole.reply]);
        expect(r.text.length).toBeLessThanOrEqual(MAX_DATA);
        expect(r.state.events.length).toBeLessThanOrEqual(MAX_EVENTS);
      }),
    );
  });

  it("replies are only refusals (WONT/DONT), each to an option the peer proposed", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(WILL, WONT, DO, DONT), fc.integer({ min: 0, max: 255 })), { maxLength: 100 }), (neg) => {
        const { reply } = push(neg.flatMap(([v, o]) => [IAC, v, o]));
        for (let i = 0; i < reply.length; i += 3) {
          expect(reply[i]).toBe(IAC);
          expect([WONT, DONT]).toContain(reply[i + 1]);
          const asked = reply[i + 1] === WONT ? DO : WILL;
          expect(neg.some(([v, o]) => v === asked && o === reply[i + 2])).toBe(true);
        }
      }),
    );
  });
});
