// The raw SSH parser (probes/ssh/kexinit.ts): identification strings (RFC 4253 §4.2), binary
// packets (§6) and KEXINIT name-lists (§7.1), with fast-check properties for hostile input.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  encodeBinaryPacket,
  encodeKexInitPayload,
  encodeString,
  identifyProduct,
  MAX_IDENT_LINE,
  parseIdentificationLine,
  readBinaryPacket,
  ServerHelloReader,
  SshWireError,
  type KexInit,
} from "../../probes/ssh/kexinit.js";

const IDENT = Buffer.from("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");

const SAMPLE: Omit<KexInit, "cookie" | "irregularities"> = {
  kexAlgorithms: ["curve25519-sha256", "diffie-hellman-group1-sha1", "kex-strict-s-v00@openssh.com"],
  serverHostKeyAlgorithms: ["ssh-ed25519", "ssh-rsa"],
  encryptionClientToServer: ["aes128-ctr", "3des-cbc"],
  encryptionServerToClient: ["aes128-ctr"],
  macClientToServer: ["hmac-sha2-256-etm@openssh.com"],
  macServerToClient: ["hmac-md5"],
  compressionClientToServer: ["none", "zlib@openssh.com"],
  compressionServerToClient: ["none"],
  languagesClientToServer: [],
  languagesServerToClient: [],
  firstKexPacketFollows: false,
};

function hello(k = SAMPLE): Buffer {
  return Buffer.concat([IDENT, encodeBinaryPacket(encodeKexInitPayload(k))]);
}

/** Feed `data` in the given chunk sizes; returns the result, null, or the thrown error. */
function feed(data: Buffer, cuts: number[] = []): unknown {
  const r = new ServerHelloReader();
  let pos = 0;
  try {
    for (const c of [...cuts, data.length]) {
      const end = Math.min(data.length, pos + Math.max(1, c));
      const out = r.push(data.subarray(pos, end));
      pos = end;
      if (out) return out;
      if (pos >= data.length) return null;
    }
    return null;
  } catch (e) {
    return e;
  }
}

describe("identification string (RFC 4253 §4.2)", () => {
  it("parses protocol version, software and comments", () => {
    const id = parseIdentificationLine("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3");
    expect(id).toMatchObject({ protocolVersion: "2.0", software: "OpenSSH_9.2p1", comments: "Debian-2+deb12u3" });
    expect(parseIdentificationLine("SSH-1.99-Cisco-1.25").protocolVersion).toBe("1.99");
    expect(() => parseIdentificationLine("SSH-2.0")).toThrow(SshWireError);
  });

  it("accepts text lines before the version line, and a bare LF", () => {
    const out = feed(Buffer.concat([Buffer.from("Welcome to PLC\r\nauthorised use only\n"), hello()])) as { identification: { preBannerLines: string[] } };
    expect(out.identification.preBannerLines).toEqual(["Welcome to PLC", "authorised use only"]);
  });

  it("stops an endless identification line at 255 bytes", () => {
    const err = feed(Buffer.concat([Buffer.from("SSH-2.0-"), Buffer.alloc(400, 0x41)]));
    expect(err).toBeInstanceOf(SshWireError);
    expect((err as Error).message).toMatch(/exceeds 255/);
    expect(MAX_IDENT_LINE).toBe(255);
  });

  it("refuses binary data in place of the banner", () => {
    expect(feed(Buffer.from([0x00, 0x01, 0x02, 0x0a]))).toBeInstanceOf(SshWireError);
  });

  it("recognises common server software", () => {
    expect(identifyProduct("OpenSSH_9.2p1")).toEqual({ product: "OpenSSH", productVersion: "9.2p1" });
    expect(identifyProduct("dropbear_2022.83")).toEqual({ product: "Dropbear", productVersion: "2022.83" });
    expect(identifyProduct("ROSSSH")).toEqual({ product: "MikroTik RouterOS" });
    expect(identifyProduct("SomethingElse")).toEqual({});
  });
});

describe("KEXINIT (RFC 4253 §6, §7.1)", () => {
  it("reads every offered name-list", () => {
    const out = feed(hello()) as { kexInit: KexInit };
    expect(out.kexInit).toMatchObject(SAMPLE);
  });

  it("skips SSH_MSG_IGNORE before KEXINIT and reports SSH_MSG_DISCONNECT", () => {
    const ignore = encodeBinaryPacket(Buffer.concat([Buffer.from([2]), encodeString(Buffer.from("x"))]));
    expect((feed(Buffer.concat([IDENT, ignore, encodeBinaryPacket(encodeKexInitPayload(SAMPLE))])) as { kexInit: KexInit }).kexInit.kexAlgorithms).toEqual(
      SAMPLE.kexAlgorithms,
    );
    const disc = encodeBinaryPacket(
      Buffer.concat([Buffer.from([1, 0, 0, 0, 2]), encodeString(Buffer.from("too many connections")), encodeString(Buffer.alloc(0))]),
    );
    expect((feed(Buffer.concat([IDENT, disc])) as Error).message).toMatch(/DISCONNECT.*too many connections/);
  });

  // Corrupted variants of one valid packet; each altered field named.
  const valid = encodeBinaryPacket(encodeKexInitPayload(SAMPLE));
  const corrupt: [string, (b: Buffer) => void, RegExp][] = [
    ["packet_length 0xffffffff", (b) => b.writeUInt32BE(0xffffffff, 0), /packet_length/],
    ["padding_length 2 (< 4)", (b) => (b[4] = 2), /padding_length 2/],
    ["padding_length 255 > packet", (b) => (b[4] = 255), /padding_length/],
    ["first name-list length 0x7fffffff", (b) => b.writeUInt32BE(0x7fffffff, 5 + 1 + 16), /kex_algorithms: length field/],
    ["message number 21 instead of 20", (b) => (b[5] = 21), /unexpected message 21/],
  ];
  for (const [what, mutate, message] of corrupt) {
    it(`rejects a KEXINIT with ${what}`, () => {
      const b = Buffer.from(valid);
      mutate(b);
      const err = feed(Buffer.concat([IDENT, b]));
      expect(err).toBeInstanceOf(SshWireError);
      expect((err as Error).message).toMatch(message);
    });
  }

  // Irregular names are kept (bounded) and counted instead of losing the whole KEXINIT (issue 13).
  it("keeps a KEXINIT with an empty name or a NUL byte in a name, and counts the irregularity", () => {
    const empty = Buffer.from(valid);
    empty.write(",,", 5 + 1 + 16 + 4, "latin1");
    const a = feed(Buffer.concat([IDENT, empty])) as { kexInit: KexInit };
    expect(a.kexInit.irregularities).toEqual([expect.objectContaining({ list: "kex_algorithms", empty: 2 })]);
    const nul = Buffer.from(valid);
    nul[5 + 1 + 16 + 4 + 3] = 0;
    const b = feed(Buffer.concat([IDENT, nul])) as { kexInit: KexInit };
    expect(b.kexInit.kexAlgorithms[0]).toBe("cur\x00e25519-sha256");
    expect(b.kexInit.irregularities).toEqual([expect.objectContaining({ list: "kex_algorithms", nonPrintable: 1 })]);
  });

  it("stays linear when a 240 KB KEXINIT arrives one byte at a time (no rescans, no repeated copies)", () => {
    const big = encodeBinaryPacket(encodeKexInitPayload({ ...SAMPLE, serverHostKeyAlgorithms: Array.from({ length: 120_000 }, () => "x") }));
    const data = Buffer.concat([IDENT, big]);
    const cpu0 = process.cpuUsage();
    const r = new ServerHelloReader();
    let out: unknown = null;
    for (let i = 0; i < data.length && !out; i++) out = r.push(data.subarray(i, i + 1));
    const cpuMs = process.cpuUsage(cpu0).user / 1000;
    expect((out as { kexInit: KexInit }).kexInit.serverHostKeyAlgorithms).toEqual(["x"]);
    expect(cpuMs).toBeLessThan(10_000); // a queue that copied or shifted per chunk took ~28 s here
  });

  it("waits for more bytes on a truncated packet instead of reading past its end", () => {
    expect(readBinaryPacket(valid.subarray(0, valid.length - 1))).toBeNull();
    expect(feed(Buffer.concat([IDENT, valid.subarray(0, 40)]))).toBeNull();
  });
});

const name = fc.stringMatching(/^[a-z0-9@.+_-]{1,20}$/);
const nameList = fc.uniqueArray(name, { maxLength: 6 });
const kexInitArb: fc.Arbitrary<Omit<KexInit, "cookie" | "irregularities">> = fc.record({
  kexAlgorithms: nameList,
  serverHostKeyAlgorithms: nameList,
  encryptionClientToServer: nameList,
  encryptionServerToClient: nameList,
  macClientToServer: nameList,
  macServerToClient: nameList,
  compressionClientToServer: nameList,
  compressionServerToClient: nameList,
  languagesClientToServer: nameList,
  languagesServerToClient: nameList,
  firstKexPacketFollows: fc.boolean(),
});
const cutsArb = fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 40 });

describe("parser properties (fast-check)", () => {
  it("round-trips any KEXINIT, however the bytes are chunked", () => {
    fc.assert(
      fc.property(kexInitArb, cutsArb, (k, cuts) => {
        const out = feed(hello(k), cuts) as { kexInit: KexInit };
        expect(out.kexInit).toMatchObject(k);
      }),
      { numRuns: 300 },
    );
  });

  it("never throws anything but SshWireError on arbitrary bytes after a banner", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), cutsArb, (bytes, cuts) => {
        const r = feed(Buffer.concat([IDENT, Buffer.from(bytes)]), cuts);
        expect(r === null || r instanceof SshWireError || (typeof r === "object" && r !== null && "identification" in r)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("never throws anything but SshWireError on arbitrary byte flips in a valid KEXINIT", () => {
    fc.assert(
      fc.property(kexInitArb, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), (k, flips) => {
        const pkt = encodeBinaryPacket(encodeKexInitPayload(k));
        for (const [at, v] of flips) pkt[at % pkt.length] = v;
        const r = feed(Buffer.concat([IDENT, pkt]));
        expect(r === null || r instanceof SshWireError || (typeof r === "object" && r !== null && "kexInit" in r)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("never buffers more than the bounds before deciding (no line end, huge length field)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1100, maxLength: 1400 }), (bytes) => {
        const noNewline = Buffer.from(bytes.map((b) => (b === 0x0a ? 0x41 : b)));
        expect(feed(noNewline)).toBeInstanceOf(SshWireError);
      }),
      { numRuns: 100 },
    );
  });
});
