// SSH wire parsers under property-based fuzzing (run by scripts/fuzz.ts at 10,000+ cases per
// target; test/ssh/fuzz.test.ts runs the same properties at 500): the server-hello reader (lines,
// packets, KEXINIT) on arbitrary bytes in arbitrary chunks, byte flips of valid KEXINIT packets,
// raw KEXINIT payloads, host-key blobs (plain, security-key, certificates; mutated and random) and
// DH group-exchange groups, encrypted packets (byte flips, any chunking) and host-key signature
// checks. Only SshWireError may escape the stream parsers; the host-key blob
// parser must never throw at all.
import fc from "fast-check";
import { pathToFileURL } from "node:url";
import { runSuite, type FuzzSuite } from "./lib.js";
import { encodeKexInitPayload, parseKexInitPayload, ServerHelloReader, type KexInit } from "../../probes/ssh/kexinit.js";
import { describeHostKeyBlob } from "../../probes/ssh/host-key-blob.js";
import { parseGexGroup } from "../../probes/ssh/raw-session.js";
import { encodeBinaryPacket, encodeString, encodeUint32, SshWireError } from "../../probes/ssh/wire.js";
import { type Direction, PacketOpener, PacketSealer } from "../../probes/ssh/transport.js";
import { VERIFIABLE_HOST_KEYS, verifyExchangeSignature } from "../../probes/ssh/host-key-verify.js";

const TRANSPORTS: Direction[] = [
  { cipher: "aes128-gcm@openssh.com" },
  { cipher: "aes128-ctr", mac: "hmac-sha2-256" },
  { cipher: "aes256-ctr", mac: "hmac-sha2-512-etm@openssh.com" },
  { cipher: "aes128-cbc", mac: "hmac-sha1" },
  { cipher: "3des-cbc", mac: "hmac-md5-etm@openssh.com" },
];
const TRANSPORT_KEYS = { iv: Buffer.alloc(16, 1), key: Buffer.alloc(32, 2), macKey: Buffer.alloc(64, 3) };
const keysOf = (d: Direction) => ({
  iv: TRANSPORT_KEYS.iv.subarray(0, d.cipher.includes("gcm") ? 12 : d.cipher === "3des-cbc" ? 8 : 16),
  key: TRANSPORT_KEYS.key.subarray(0, /128/.test(d.cipher) ? 16 : d.cipher === "3des-cbc" ? 24 : 32),
  macKey: TRANSPORT_KEYS.macKey,
});

const IDENT = Buffer.from("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");

/** Only the parser's own typed error may escape. */
function onlyWireErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof SshWireError)) throw e;
  }
}

/** Feed `data` cut at the given sizes; returns when done or at the first result. */
function feed(data: Buffer, cuts: number[]): void {
  const r = new ServerHelloReader();
  let pos = 0;
  for (const c of [...cuts, data.length]) {
    const end = Math.min(data.length, pos + Math.max(1, c));
    if (r.push(data.subarray(pos, end))) return;
    pos = end;
    if (pos >= data.length) return;
  }
}

const name = fc.stringMatching(/^[a-z0-9@.+_-]{1,20}$/);
const nameList = fc.array(name, { maxLength: 6 });
export const kexInitArb: fc.Arbitrary<Omit<KexInit, "cookie" | "irregularities">> = fc.record({
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
const cuts = fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 40 });
const flips = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 });

const mpint = (n: number, fill = 0xc3) => encodeString(Buffer.concat([Buffer.from([0]), Buffer.alloc(n, fill)]));
/** Valid blobs of every type the parser knows, to mutate. */
export const SAMPLE_BLOBS: Buffer[] = (() => {
  const ed = Buffer.concat([encodeString("ssh-ed25519"), encodeString(Buffer.alloc(32, 5))]);
  const rsa = Buffer.concat([encodeString("ssh-rsa"), encodeString(Buffer.from([1, 0, 1])), mpint(256)]);
  const dss = Buffer.concat([encodeString("ssh-dss"), mpint(128), mpint(20), mpint(128), mpint(128)]);
  const ecdsa = Buffer.concat([
    encodeString("ecdsa-sha2-nistp256"),
    encodeString("nistp256"),
    encodeString(Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 6)])),
  ]);
  const skEd = Buffer.concat([encodeString("sk-ssh-ed25519@openssh.com"), encodeString(Buffer.alloc(32, 5)), encodeString("ssh:")]);
  const skEc = Buffer.concat([
    encodeString("sk-ecdsa-sha2-nistp256@openssh.com"),
    encodeString("nistp256"),
    encodeString(Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 6)])),
    encodeString("ssh:"),
  ]);
  const cert = Buffer.concat([
    encodeString("ssh-ed25519-cert-v01@openssh.com"),
    encodeString(Buffer.alloc(32, 1)),
    encodeString(Buffer.alloc(32, 2)),
    Buffer.alloc(8),
    encodeUint32(2),
    encodeString("id"),
    encodeString(Buffer.concat([encodeString("plc-7"), encodeString("10.0.0.7")])),
    Buffer.alloc(8),
    Buffer.from("ffffffffffffffff", "hex"),
    encodeString(""),
    encodeString(Buffer.concat([encodeString("permit-pty"), encodeString("")])),
    encodeString(""),
    encodeString(rsa),
    encodeString(Buffer.concat([encodeString("rsa-sha2-512"), encodeString(Buffer.alloc(256, 1))])),
  ]);
  return [ed, rsa, dss, ecdsa, skEd, skEc, cert];
})();

const suite: FuzzSuite = {
  protocol: "ssh",
  targets: [
    {
      name: "hello reader: arbitrary bytes after a banner, any chunking",
      property: () =>
        fc.property(fc.uint8Array({ maxLength: 800 }), cuts, (bytes, c) => onlyWireErrors(() => feed(Buffer.concat([IDENT, Buffer.from(bytes)]), c))) as never,
    },
    {
      name: "hello reader: arbitrary bytes with line ends, no banner",
      property: () =>
        fc.property(
          fc.array(fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.constant(new Uint8Array([0x0d, 0x0a])), fc.constant(new Uint8Array(Buffer.from("SSH-")))), {
            maxLength: 60,
          }),
          cuts,
          (parts, c) => onlyWireErrors(() => feed(Buffer.concat(parts.map((p) => Buffer.from(p))), c)),
        ) as never,
    },
    {
      name: "hello reader: byte flips in a valid KEXINIT packet",
      property: () =>
        fc.property(kexInitArb, flips, cuts, (k, f, c) => {
          const pkt = encodeBinaryPacket(encodeKexInitPayload(k));
          for (const [at, v] of f) pkt[at % pkt.length] = v;
          onlyWireErrors(() => feed(Buffer.concat([IDENT, pkt]), c));
        }) as never,
    },
    {
      name: "KEXINIT payload: message 20 then arbitrary bytes",
      property: () =>
        fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) =>
          onlyWireErrors(() => parseKexInitPayload(Buffer.concat([Buffer.from([20]), Buffer.from(bytes)]))),
        ) as never,
    },
    {
      name: "host-key blob: arbitrary bytes (never throws)",
      property: () => fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => void describeHostKeyBlob(Buffer.from(bytes))) as never,
    },
    {
      name: "host-key blob: flips and cuts of valid blobs (never throws)",
      property: () =>
        fc.property(fc.nat({ max: SAMPLE_BLOBS.length - 1 }), flips, fc.nat(), (i, f, cut) => {
          const b = Buffer.from(SAMPLE_BLOBS[i]!);
          for (const [at, v] of f) b[at % b.length] = v;
          void describeHostKeyBlob(b.subarray(0, 1 + (cut % b.length)));
        }) as never,
    },
    {
      name: "encrypted packets (every cipher family): valid packets with byte flips, in arbitrary chunks",
      property: () =>
        fc.property(
          fc.nat({ max: TRANSPORTS.length - 1 }),
          fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { minLength: 1, maxLength: 4 }),
          flips,
          cuts,
          (t, payloads, f, c) => {
            const dir = TRANSPORTS[t]!;
            const sealer = new PacketSealer(dir, keysOf(dir), 3);
            const wire = Buffer.concat(payloads.map((p) => sealer.seal(Buffer.from(p))));
            for (const [at, v] of f) wire[at % wire.length] = v;
            const opener = new PacketOpener(dir, keysOf(dir), 3);
            onlyWireErrors(() => {
              let pos = 0;
              for (const n of [...c, wire.length]) {
                opener.push(wire.subarray(pos, (pos = Math.min(wire.length, pos + Math.max(1, n)))));
                while (opener.next());
              }
            });
          },
        ) as never,
    },
    {
      name: "host-key signature check: arbitrary or mutated key and signature blobs, every algorithm",
      property: () =>
        fc.property(
          fc.nat({ max: VERIFIABLE_HOST_KEYS.size - 1 }),
          fc.nat({ max: SAMPLE_BLOBS.length - 1 }),
          fc.uint8Array({ maxLength: 300 }),
          (a, k, sig) => {
            const alg = [...VERIFIABLE_HOST_KEYS][a]!;
            const sigBlob = Buffer.concat([encodeString(alg), encodeString(Buffer.from(sig))]);
            for (const blob of [Buffer.from(SAMPLE_BLOBS[k]!), Buffer.from(sig)])
              for (const s of [sigBlob, Buffer.from(sig)]) onlyWireErrors(() => verifyExchangeSignature(alg, blob, Buffer.alloc(32, 9), s));
          },
        ) as never,
    },
    {
      name: "DH group-exchange group: message 31 then arbitrary bytes",
      property: () =>
        fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) =>
          onlyWireErrors(() => parseGexGroup(Buffer.concat([Buffer.from([31]), Buffer.from(bytes)]))),
        ) as never,
    },
  ],
};

export default suite;

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await runSuite(suite);
