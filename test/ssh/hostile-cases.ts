// The hostile SSH peer corpus (issue 13) used by hostile.test.ts: each case scripts what a peer
// sends on every connection. Comments name the lie. Builders come from peers.ts and the probe's own
// wire encoders (lengths that lie are written by hand below).
import type { Socket } from "node:net";
import { expect } from "vitest";
import type { DeviceResult } from "../../src/model/result.js";
import type { SshService } from "../../probes/ssh/facts.js";
import { encodeBinaryPacket, encodeString, encodeUint32, MSG } from "../../probes/ssh/wire.js";
import { ecdhReply, IDENT, kexInit, kexResponder, type ScriptedServer } from "./peers.js";

export interface HostileCase {
  name: string;
  behave: (s: Socket, index: number) => void;
  /** rules that may pass on what this peer shows (positive evidence); ssh.protocol.ssh1 always may */
  mayPass?: string[];
  check?: (r: { device: DeviceResult; service?: SshService; ms: number; server: ScriptedServer }) => void;
}

/** Rules a normal KEXINIT (curve25519, ssh-ed25519, aes128-ctr, hmac-sha2-256, none) may pass. */
const ALGO_PASSES = ["ssh.kex.weak", "ssh.hostkey.algorithm", "ssh.cipher.weak", "ssh.mac.weak", "ssh.compression.preauth", "ssh.terrapin"];

/** Write `chunk` every `ms` until the socket closes. */
function every(s: Socket, ms: number, chunk: () => Buffer | string): void {
  const t = setInterval(() => {
    if (!s.writable) return clearInterval(t);
    if (s.writableLength < 1 << 20) s.write(chunk());
  }, ms);
  s.on("close", () => clearInterval(t));
}

/** Write `data` one byte per `ms`. */
function drip(s: Socket, data: Buffer, ms: number): void {
  let i = 0;
  every(s, ms, () => (i < data.length ? data.subarray(i, ++i) : Buffer.alloc(0)));
}

const hello = (k = kexInit()) => Buffer.concat([Buffer.from(IDENT), k]);
const packet = (payload: Buffer) => encodeBinaryPacket(payload);
const ed25519Blob = (pk = Buffer.alloc(32, 9)) => Buffer.concat([encodeString("ssh-ed25519"), encodeString(pk)]);

/** An OpenSSH host certificate blob (PROTOCOL.certkeys) for an Ed25519 key. */
function certBlob(o: { ca: Buffer; principals?: Buffer[]; certType?: number }): Buffer {
  return Buffer.concat([
    encodeString("ssh-ed25519-cert-v01@openssh.com"),
    encodeString(Buffer.alloc(32, 1)), // nonce
    encodeString(Buffer.alloc(32, 2)), // pk
    Buffer.alloc(8), // serial
    encodeUint32(o.certType ?? 2),
    encodeString("hostile"),
    encodeString(Buffer.concat(o.principals ?? [encodeString("plc-7")])),
    Buffer.alloc(8),
    Buffer.from("ffffffffffffffff", "hex"),
    encodeString(""),
    encodeString(""),
    encodeString(""),
    encodeString(o.ca),
    encodeString(Buffer.concat([encodeString("ssh-ed25519"), encodeString(Buffer.alloc(64))])),
  ]);
}

/** A header that claims `len` bytes of packet with padding `pad` (RFC 4253 §6 fields that lie). */
function header(len: number, pad: number): Buffer {
  const h = Buffer.alloc(5);
  h.writeUInt32BE(len >>> 0);
  h[4] = pad;
  return h;
}

const failed = (code: string | RegExp) => (r: { device: DeviceResult }) => {
  expect(r.device.facts.ssh!.status).toBe("error");
  expect(`${r.device.facts.ssh!.error?.code}: ${r.device.facts.ssh!.error?.message}`).toMatch(code);
};

export const CORPUS_CASES: HostileCase[] = [
  // --- identification string (RFC 4253 §4.2) ---
  { name: "silence: no identification string at all", behave: () => {}, check: failed(/timeout/) },
  { name: "an HTTP server answers", behave: (s) => s.end("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"), check: failed(/protocol/) },
  {
    name: "a TLS record with NUL bytes instead of a banner",
    behave: (s) => s.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x0a, 0x00, 0x0a])),
    check: failed(/binary data/),
  },
  { name: "an endless identification line", behave: (s) => (s.write("SSH-2.0-"), every(s, 2, () => Buffer.alloc(4096, 0x41))), check: failed(/exceeds 255/) },
  {
    name: "60 text lines before the identification string (limit 50)",
    behave: (s) => s.write("hello\r\n".repeat(60) + IDENT),
    check: failed(/more than 50 lines/),
  },
  { name: "an endless stream of short pre-banner lines", behave: (s) => every(s, 1, () => "x\r\n".repeat(100)), check: failed(/more than 50 lines/) },
  { name: "a pre-banner line with NUL bytes", behave: (s) => s.write("Welcome\x00\x00\r\n" + IDENT), check: failed(/binary data/) },
  { name: "a 2000-byte pre-banner line without a line end", behave: (s) => s.write(Buffer.alloc(2000, 0x42)), check: failed(/exceeds 1024/) },
  {
    name: "ESC, BEL and U+202E in the banner and a pre-banner ESC[2J: kept as sent, flagged",
    behave: (s) =>
      s.write(
        Buffer.concat([Buffer.from("\x1b[2J\x07Welcome \u202e\r\n", "utf8"), Buffer.from("SSH-2.0-Evil\x1b[31m_1.0 \x07\u202ecomment\r\n", "utf8"), kexInit()]),
      ),
    mayPass: ALGO_PASSES,
    check: ({ service }) => {
      expect(service!.banner!.raw).toContain("\x1b[31m");
      expect(service!.banner!.violations).toEqual(["non-printable characters"]);
      expect(service!.banner!.preBannerLines[0]).toContain("\x1b[2J");
    },
  },
  {
    name: "non-UTF-8 bytes in the banner comments",
    behave: (s) => s.write(Buffer.concat([Buffer.from("SSH-2.0-Odd_1.0 "), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from("\r\n"), kexInit()])),
    mayPass: ALGO_PASSES,
    check: ({ service }) => expect(service!.banner!.comments).toBe("\xff\xfe\xc3"),
  },
  {
    name: "a slow drip of the banner (one byte every 50 ms): absolute deadline, not per chunk",
    behave: (s) => drip(s, Buffer.from("SSH-2.0-" + "A".repeat(200)), 50),
    check: failed(/timeout: .*identification string/),
  },
  { name: "a reset in the middle of the banner", behave: (s) => s.write("SSH-2.0-Half", () => s.resetAndDestroy()), check: failed(/protocol/) },
  { name: "FIN right after the banner", behave: (s) => s.end(IDENT), check: failed(/closed the connection before KEXINIT/) },
  {
    name: "SSH-1 only: nothing SSH-2 to judge",
    behave: (s) => s.write("SSH-1.5-Old_1.0\r\n"),
    check: ({ device }) => expect(device.findings.find((f) => f.ruleId === "ssh.protocol.ssh1")!.status).toBe("fail"),
  },
  // --- binary packets (RFC 4253 §6) ---
  { name: "packet_length 0xffffffff", behave: (s) => s.write(Buffer.concat([Buffer.from(IDENT), header(0xffffffff, 4)])), check: failed(/packet_length/) },
  { name: "packet_length 0", behave: (s) => s.write(Buffer.concat([Buffer.from(IDENT), header(0, 4), Buffer.alloc(64)])), check: failed(/padding_length/) },
  {
    name: "padding_length 2 (below 4)",
    behave: (s) => s.write(Buffer.concat([Buffer.from(IDENT), header(12, 2), Buffer.alloc(11)])),
    check: failed(/padding_length 2/),
  },
  {
    name: "padding_length larger than the packet",
    behave: (s) => s.write(Buffer.concat([Buffer.from(IDENT), header(12, 200), Buffer.alloc(11)])),
    check: failed(/leaves no payload/),
  },
  {
    name: "a name-list length that points past the packet",
    behave: (s) => {
      const k = Buffer.from(kexInit());
      k.writeUInt32BE(0x7fffffff, 5 + 1 + 16);
      s.write(Buffer.concat([Buffer.from(IDENT), k]));
    },
    check: failed(/kex_algorithms: length field/),
  },
  {
    name: "a name-list length that is too short (fields misaligned)",
    behave: (s) => {
      const k = Buffer.from(kexInit());
      k.writeUInt32BE(3, 5 + 1 + 16);
      s.write(Buffer.concat([Buffer.from(IDENT), k]));
    },
  },
  {
    name: "a KEXINIT payload of 10 bytes (cookie cut)",
    behave: (s) => s.write(Buffer.concat([Buffer.from(IDENT), packet(Buffer.concat([Buffer.from([MSG.KEXINIT]), Buffer.alloc(9)]))])),
    check: failed(/truncated: cookie/),
  },
  {
    name: "an unexpected message (50) before KEXINIT",
    behave: (s) => s.write(Buffer.concat([Buffer.from(IDENT), packet(Buffer.from([50, 0, 0, 0, 0]))])),
    check: failed(/unexpected message 50/),
  },
  {
    name: "a flood of 1000 SSH_MSG_IGNORE before KEXINIT",
    behave: (s) =>
      s.write(
        Buffer.concat([Buffer.from(IDENT), ...Array.from({ length: 1000 }, () => packet(Buffer.concat([Buffer.from([MSG.IGNORE]), encodeString("x")])))]),
      ),
    check: failed(/more than 10 packets/),
  },
  {
    name: "a drip of SSH_MSG_IGNORE, one every 30 ms, forever",
    behave: (s) => (s.write(IDENT), every(s, 30, () => packet(Buffer.concat([Buffer.from([MSG.IGNORE]), encodeString("x")])))),
    check: failed(/more than 10 packets|timeout/),
  },
  {
    name: "SSH_MSG_DISCONNECT whose description paints the terminal",
    behave: (s) =>
      s.end(
        Buffer.concat([
          Buffer.from(IDENT),
          packet(Buffer.concat([Buffer.from([MSG.DISCONNECT]), encodeUint32(2), encodeString("\x1b[2J\x1b[Hall good"), encodeString("")])),
        ]),
      ),
    check: failed(/DISCONNECT/),
  },
  {
    name: "KEXINIT in 1-byte chunks, fast",
    behave: (s) => {
      const data = hello();
      let i = 0;
      const next = () => (i < data.length && s.writable ? s.write(data.subarray(i, ++i), () => setImmediate(next)) : undefined);
      next();
    },
    mayPass: ALGO_PASSES,
    check: ({ service }) => expect(service!.algorithms!.kex).toEqual(["curve25519-sha256"]),
  },
  { name: "KEXINIT in a slow 1-byte drip past the deadline", behave: (s) => (s.write(IDENT), drip(s, kexInit(), 40)), check: failed(/timeout: .*KEXINIT/) },
  // --- name-lists (RFC 4251 §5, §6) ---
  {
    name: "240 KB KEXINIT repeating one host-key name 20,000 times: linear, deduplicated",
    behave: (s) => s.write(hello(kexInit({ serverHostKeyAlgorithms: Array.from({ length: 20_000 }, () => "ssh-ed25519") }))),
    mayPass: ALGO_PASSES,
    check: ({ service }) => {
      expect(service!.algorithms!.hostKey).toEqual(["ssh-ed25519"]);
      expect(service!.algorithms!.irregularities).toContainEqual(
        expect.objectContaining({ list: "server_host_key_algorithms", total: 20_000, duplicates: 19_999 }),
      );
    },
  },
  {
    name: "240 KB KEXINIT repeating a one-letter host-key name 120,000 times",
    behave: (s) => s.write(hello(kexInit({ serverHostKeyAlgorithms: Array.from({ length: 120_000 }, () => "x") }))),
    mayPass: ALGO_PASSES.filter((r) => r !== "ssh.hostkey.algorithm"),
    check: ({ service }) => expect(service!.algorithms!.hostKey).toEqual(["x"]),
  },
  {
    name: "50,000 distinct unknown host-key names: names capped, counted, findings bounded",
    behave: (s) => s.write(hello(kexInit({ serverHostKeyAlgorithms: Array.from({ length: 50_000 }, (_, i) => i.toString(36)) }))),
    mayPass: ALGO_PASSES.filter((r) => r !== "ssh.hostkey.algorithm"),
    check: ({ service, device }) => {
      expect(service!.algorithms!.hostKey.length).toBe(128);
      expect(service!.algorithms!.irregularities).toContainEqual(
        expect.objectContaining({ list: "server_host_key_algorithms", total: 50_000, truncated: true }),
      );
      expect(service!.hostKeys.length).toBeLessThanOrEqual(32);
      expect(service!.hostKeyOverflow).toBeDefined();
      expect(device.findings.length).toBeLessThan(60);
    },
  },
  {
    name: "50,000 unknown kex names",
    behave: (s) => s.write(hello(kexInit({ kexAlgorithms: ["curve25519-sha256", ...Array.from({ length: 50_000 }, (_, i) => i.toString(36))] }))),
    mayPass: ALGO_PASSES.filter((r) => r !== "ssh.kex.weak"),
    check: ({ device }) => expect(device.findings.find((f) => f.ruleId === "ssh.kex.weak")).toMatchObject({ status: "undetermined", reason: "unknown-value" }),
  },
  {
    name: "names with ESC, BEL, U+202E, empty names and a 300-character name",
    behave: (s) =>
      s.write(
        hello(kexInit({ encryptionServerToClient: ["aes128-ctr", "\x1b[2Jx\x07", Buffer.from("\u202eevil", "utf8").toString("latin1"), "", "z".repeat(300)] })),
      ),
    mayPass: ALGO_PASSES.filter((r) => r !== "ssh.cipher.weak" && r !== "ssh.terrapin"),
    check: ({ service }) => {
      const irr = service!.algorithms!.irregularities!.find((i) => i.list === "encryption_algorithms_server_to_client")!;
      expect(irr).toMatchObject({ nonPrintable: 2, overlong: 1, empty: 1 }); // names counted once each
      expect(service!.algorithms!.cipherServerToClient.every((n) => n.length <= 80)).toBe(true);
    },
  },
  {
    name: "two KEXINITs: the second arrives where the key exchange reply belongs",
    behave: kexResponder(kexInit(), kexInit({ kexAlgorithms: ["diffie-hellman-group1-sha1"] })),
    mayPass: ALGO_PASSES,
    check: ({ service }) => expect(service!.hostKeys[0]).toMatchObject({ status: "error", error: { message: expect.stringMatching(/got message 20/) } }),
  },
  {
    name: "first_kex_packet_follows set, then a guessed packet",
    behave: (s) => s.write(Buffer.concat([hello(kexInit({ firstKexPacketFollows: true })), packet(Buffer.from([30, 1, 2, 3]))])),
    mayPass: ALGO_PASSES,
  },
  // --- after KEXINIT: the host-key exchange ---
  {
    name: "a reset right after our key exchange request",
    behave: kexResponder(kexInit(), (s) => s.resetAndDestroy()),
    mayPass: ALGO_PASSES,
    check: ({ service }) => expect(service!.hostKeys[0]!.status).toBe("error"),
  },
  {
    name: "10 MB of garbage after KEXINIT",
    behave: (s) => (s.write(hello()), every(s, 1, () => Buffer.alloc(64 * 1024, 0x41))),
    mayPass: ALGO_PASSES,
    check: ({ service }) => expect(service!.hostKeys[0]!.status).toBe("error"),
  },
  {
    name: "a key exchange reply whose host-key length lies",
    behave: kexResponder(kexInit(), packet(Buffer.concat([Buffer.from([MSG.KEXDH_REPLY]), encodeUint32(0x7ffffff0), Buffer.alloc(40)]))),
    mayPass: ALGO_PASSES,
    check: ({ service }) => expect(service!.hostKeys[0]).toMatchObject({ status: "error", error: { message: expect.stringMatching(/length field/) } }),
  },
  {
    name: "an Ed25519 key of 31 bytes",
    behave: kexResponder(kexInit(), ecdhReply(ed25519Blob(Buffer.alloc(31, 3)))),
    mayPass: ALGO_PASSES,
    check: ({ service, device }) => {
      expect(service!.hostKeys[0]).toMatchObject({ status: "unparsed", fingerprintSha256: expect.stringMatching(/^SHA256:/) });
      expect(device.findings.find((f) => f.ruleId === "ssh.hostkey.size")).toMatchObject({ status: "undetermined", reason: "unparsed" });
    },
  },
  {
    name: "a host certificate whose CA key is itself a certificate (nesting)",
    behave: kexResponder(
      kexInit({ serverHostKeyAlgorithms: ["ssh-ed25519-cert-v01@openssh.com"] }),
      ecdhReply(certBlob({ ca: certBlob({ ca: ed25519Blob() }) })),
    ),
    mayPass: ALGO_PASSES.filter((r) => r !== "ssh.hostkey.algorithm").concat(["ssh.hostkey.algorithm", "ssh.hostkey.size"]),
    check: ({ device }) =>
      expect(device.findings.find((f) => f.ruleId === "ssh.hostkey.certificate")).toMatchObject({
        status: "undetermined",
        reason: "unparsed",
        message: expect.stringMatching(/nested/),
      }),
  },
  {
    name: "a host certificate listing 40,000 principals: stored bounded, counted",
    behave: kexResponder(
      kexInit({ serverHostKeyAlgorithms: ["ssh-ed25519-cert-v01@openssh.com"] }),
      ecdhReply(certBlob({ ca: ed25519Blob(), principals: Array.from({ length: 40_000 }, () => encodeString("p")) })),
    ),
    mayPass: [...ALGO_PASSES, "ssh.hostkey.size", "ssh.hostkey.certificate"],
    check: ({ service }) => expect(service!.hostKeys[0]!.certificate).toMatchObject({ principalsTotal: 40_000, principals: expect.any(Array) }),
  },
  {
    name: "group exchange: a 512-bit group for every request, then silence",
    behave: kexResponder(
      kexInit({ kexAlgorithms: ["diffie-hellman-group-exchange-sha256"] }),
      packet(
        Buffer.concat([
          Buffer.from([MSG.KEXDH_REPLY]),
          encodeString(Buffer.concat([Buffer.from([0x00, 0xc1]), Buffer.alloc(63, 0xff)])),
          encodeString(Buffer.from([2])),
        ]),
      ),
    ),
    mayPass: ALGO_PASSES.filter((r) => r !== "ssh.kex.weak").concat(["ssh.kex.weak"]),
    check: ({ device }) => expect(device.findings.find((f) => f.ruleId === "ssh.kex.gex-modulus")).toMatchObject({ status: "fail", severity: "critical" }),
  },
  {
    name: "group exchange: an empty modulus and a 4096-bit generator",
    behave: kexResponder(
      kexInit({ kexAlgorithms: ["diffie-hellman-group-exchange-sha1"] }),
      packet(Buffer.concat([Buffer.from([MSG.KEXDH_REPLY]), encodeString(Buffer.alloc(0)), encodeString(Buffer.alloc(512, 0x7f))])),
    ),
    mayPass: ALGO_PASSES.filter((r) => r !== "ssh.kex.weak"),
  },
];
