// otaudit's own SSH transport (transport.ts, transport-auth.ts): packets sealed and opened for every
// cipher x MAC we implement (fed one byte at a time), and, against Debian's OpenSSH, the `none`
// request riding on a host-key exchange for each key exchange, host-key algorithm, cipher and MAC
// family we implement: the same methods as before, listed by otaudit's transport, and one
// connection per key type as sshd's own log counts them (no separate `none` connection). A server
// offering only ciphers we do not implement is asked over ssh2, as before.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeWithDaemon } from "../helpers/daemons.js";
import type { SshFacts } from "../../probes/ssh/facts.js";
import { chooseTransport, type Direction, directionKeys, PacketOpener, PacketSealer } from "../../probes/ssh/transport.js";
import { parseKexInitPayload } from "../../probes/ssh/kexinit.js";
import { authCanRide } from "../../probes/ssh/host-keys.js";
import { readBinaryPacket, SshWireError } from "../../probes/ssh/wire.js";
import { auditSsh } from "./helpers.js";
import { kexInit } from "./peers.js";
import { connectionsInLog, connectionsSoFar, IS_ROOT, SSH_KEYGEN, SSHD, startSshd, type RunningDaemon } from "./sshd.js";

const HOST = "127.0.0.1";
const CIPHERS = ["aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr", "aes128-cbc", "aes256-cbc", "3des-cbc"];
const MACS = [
  "hmac-sha2-256",
  "hmac-sha2-512",
  "hmac-sha1",
  "hmac-md5",
  "hmac-sha2-256-etm@openssh.com",
  "hmac-sha2-512-etm@openssh.com",
  "hmac-sha1-etm@openssh.com",
];

describe("packets sealed and opened (RFC 4253 §6)", () => {
  const keysFor = (dir: Direction) => directionKeys(dir, true, (_l, n) => randomBytes(n));
  for (const cipher of CIPHERS)
    for (const mac of cipher.includes("gcm") ? [undefined] : MACS) {
      it(`${cipher}${mac ? ` + ${mac}` : ""}: round trip fed byte by byte, sequence numbers from 7, a flipped bit refused`, () => {
        const dir: Direction = mac ? { cipher, mac } : { cipher };
        const keys = keysFor(dir);
        const sealer = new PacketSealer(dir, keys, 7);
        const opener = new PacketOpener(dir, keys, 7);
        const payloads = [Buffer.from([5, 1, 2, 3]), randomBytes(1000), Buffer.from([50])];
        const wire = Buffer.concat(payloads.map((p) => sealer.seal(p)));
        const got: Buffer[] = [];
        for (const b of wire) {
          opener.push(Buffer.from([b]));
          for (let p = opener.next(); p; p = opener.next()) got.push(p);
        }
        expect(got).toEqual(payloads);
        const bad = new PacketOpener(dir, keys, 7);
        const one = new PacketSealer(dir, keys, 7).seal(payloads[1]!);
        one[one.length - 20]! ^= 0x40;
        bad.push(one);
        expect(() => bad.next()).toThrow(SshWireError);
        // a sequence number off by one is a MAC failure too (every packet counts, §6.4); with GCM
        // the nonce's invocation counter moves on: the same packet twice is refused
        const shifted = new PacketOpener(dir, keys, mac ? 8 : 7);
        const first = new PacketSealer(dir, keys, 7).seal(payloads[0]!);
        shifted.push(first);
        if (!mac) {
          expect(shifted.next()).toEqual(payloads[0]);
          shifted.push(first);
        }
        expect(() => shifted.next()).toThrow(SshWireError);
      });
    }

  it("random bytes after NEWKEYS: only SshWireError or more-bytes-needed, never another exception, work bounded", () => {
    for (const cipher of CIPHERS)
      for (const mac of cipher.includes("gcm") ? [undefined] : ["hmac-sha2-256", "hmac-sha1-etm@openssh.com"]) {
        const dir: Direction = mac ? { cipher, mac } : { cipher };
        for (let round = 0; round < 20; round++) {
          const opener = new PacketOpener(dir, keysFor(dir), round);
          // a length in clear that fits the limit, or random: both must end in an error, not a crash
          const junk = randomBytes(64 + round * 97);
          if (round % 2) junk.writeUInt32BE(16 * (1 + round), 0);
          opener.push(junk);
          try {
            while (opener.next());
          } catch (e) {
            expect(e).toBeInstanceOf(SshWireError);
          }
        }
      }
  });

  it("predicted from the hello's KEXINIT: ssh2 is needed (and preloaded) only when no exchange can carry the request", () => {
    const server = (over: Parameters<typeof kexInit>[0]) => parseKexInitPayload(readBinaryPacket(kexInit(over))!.payload);
    expect(authCanRide(server({}))).toBe(true);
    expect(authCanRide(server({ serverHostKeyAlgorithms: ["ssh-dss", "ssh-ed25519-cert-v01@openssh.com"] }))).toBe(false);
    expect(authCanRide(server({ serverHostKeyAlgorithms: ["ssh-dss", "ecdsa-sha2-nistp521"] }))).toBe(true);
    expect(authCanRide(server({ encryptionServerToClient: ["chacha20-poly1305@openssh.com"] }))).toBe(false);
    expect(authCanRide(server({ kexAlgorithms: ["sntrup761x25519-sha512@openssh.com"] }))).toBe(false);
  });

  it("our KEXINIT lists only what we implement, in our order, that the server offers; none in common: ssh2", () => {
    const offer = (over: Parameters<typeof kexInit>[0]) => chooseTransport(parseKexInitPayload(readBinaryPacket(kexInit(over))!.payload));
    expect(offer({ encryptionServerToClient: ["chacha20-poly1305@openssh.com", "aes256-ctr", "aes128-gcm@openssh.com"] })).toMatchObject({
      sc: { cipher: "aes128-gcm@openssh.com" },
      cs: { cipher: "aes128-ctr", mac: "hmac-sha2-256" },
      lists: { encryptionServerToClient: ["aes128-gcm@openssh.com", "aes256-ctr"], compressionClientToServer: ["none"] },
    });
    // AEAD only: the server's MAC list is mirrored (not used)
    expect(offer({ encryptionClientToServer: ["aes256-gcm@openssh.com"], macClientToServer: ["umac-64@openssh.com"] })).toMatchObject({
      cs: { cipher: "aes256-gcm@openssh.com" },
      lists: { macClientToServer: ["umac-64@openssh.com"] },
    });
    expect(offer({ encryptionClientToServer: ["chacha20-poly1305@openssh.com"] })).toMatch(/no cipher otaudit implements/);
    expect(offer({ macServerToClient: ["umac-64-etm@openssh.com"] })).toMatch(/no MAC otaudit implements/);
    expect(offer({ compressionServerToClient: ["zlib"] })).toMatch(/compression none/);
    expect(offer({ firstKexPacketFollows: true })).toMatch(/first_kex_packet_follows/);
  });
});

interface Config {
  name: string;
  keys: { type: string; bits?: number }[];
  options: string[];
  /** connections sshd sees for one default scan */
  connections: number;
  transport: "otaudit" | "ssh2";
}

const CONFIGS: Config[] = [
  {
    name: "default configuration, three host keys: the group exchange's small request reads the RSA key and carries the `none` request; 4 connections (5 before)",
    keys: [{ type: "rsa", bits: 3072 }, { type: "ecdsa" }, { type: "ed25519" }],
    options: [],
    connections: 4,
    transport: "otaudit",
  },
  {
    name: "the benchmark's weak configuration (group1/group14/curve25519, 3des/aes-cbc/aes128-ctr, md5/sha1/sha2-256, ssh-rsa + ssh-ed25519): 2 connections (3 before)",
    keys: [{ type: "rsa", bits: 1024 }, { type: "ed25519" }],
    options: [
      "KexAlgorithms diffie-hellman-group1-sha1,diffie-hellman-group14-sha1,curve25519-sha256",
      "Ciphers 3des-cbc,aes128-cbc,aes128-ctr",
      "MACs hmac-md5,hmac-sha1,hmac-sha2-256",
      "HostKeyAlgorithms ssh-rsa,ssh-ed25519",
    ],
    connections: 2,
    transport: "otaudit",
  },
  {
    name: "ecdh-sha2-nistp384, ecdsa-sha2-nistp384, aes256-gcm",
    keys: [{ type: "ecdsa", bits: 384 }],
    options: ["KexAlgorithms ecdh-sha2-nistp384", "Ciphers aes256-gcm@openssh.com"],
    connections: 1,
    transport: "otaudit",
  },
  {
    name: "ecdh-sha2-nistp521, ecdsa-sha2-nistp521, aes192-ctr, hmac-sha2-512-etm",
    keys: [{ type: "ecdsa", bits: 521 }],
    options: ["KexAlgorithms ecdh-sha2-nistp521", "Ciphers aes192-ctr", "MACs hmac-sha2-512-etm@openssh.com"],
    connections: 1,
    transport: "otaudit",
  },
  {
    name: "diffie-hellman-group14-sha256, rsa-sha2-256, aes128-cbc, hmac-sha2-512",
    keys: [{ type: "rsa", bits: 2048 }],
    options: ["KexAlgorithms diffie-hellman-group14-sha256", "HostKeyAlgorithms rsa-sha2-256", "Ciphers aes128-cbc", "MACs hmac-sha2-512"],
    connections: 1,
    transport: "otaudit",
  },
  {
    name: "diffie-hellman-group16-sha512, ecdsa-sha2-nistp256, 3des-cbc, hmac-sha1-etm",
    keys: [{ type: "ecdsa", bits: 256 }],
    options: ["KexAlgorithms diffie-hellman-group16-sha512", "Ciphers 3des-cbc", "MACs hmac-sha1-etm@openssh.com"],
    connections: 1,
    transport: "otaudit",
  },
  {
    name: "diffie-hellman-group1-sha1, ssh-rsa (SHA-1), aes256-ctr, hmac-md5",
    keys: [{ type: "rsa", bits: 1024 }],
    options: ["KexAlgorithms diffie-hellman-group1-sha1", "HostKeyAlgorithms ssh-rsa", "Ciphers aes256-ctr", "MACs hmac-md5"],
    connections: 1,
    transport: "otaudit",
  },
  {
    name: "group exchange only (RFC 4419, sha1), ssh-ed25519, aes256-cbc, hmac-sha2-256-etm: the small request carries it, the large one has its own",
    keys: [{ type: "ed25519" }],
    options: ["KexAlgorithms diffie-hellman-group-exchange-sha1", "Ciphers aes256-cbc", "MACs hmac-sha2-256-etm@openssh.com"],
    connections: 2,
    transport: "otaudit",
  },
  {
    name: "chacha20-poly1305 only (not implemented): asked over ssh2, as before",
    keys: [{ type: "ed25519" }],
    options: ["KexAlgorithms curve25519-sha256@libssh.org", "Ciphers chacha20-poly1305@openssh.com"],
    connections: 2,
    transport: "ssh2",
  },
];

describeWithDaemon("otaudit's transport against OpenSSH sshd", Boolean(SSHD && SSH_KEYGEN && IS_ROOT), "needs sshd, ssh-keygen and root", () => {
  const daemons: RunningDaemon[] = [];
  beforeAll(async () => {
    daemons.push(
      ...(await Promise.all(CONFIGS.map((c) => startSshd(c.keys, [...c.options, "PasswordAuthentication yes", "KbdInteractiveAuthentication no"])))),
    );
  });
  afterAll(async () => {
    await Promise.all(daemons.map((d) => d.stop()));
  });

  CONFIGS.forEach((c, i) => {
    it(c.name, async () => {
      const sshd = daemons[i]!;
      const before = await connectionsSoFar(sshd);
      const d = await auditSsh(HOST, sshd.port);
      const s = (d.facts.ssh!.data as SshFacts).services[0]!;
      expect(s.hostKeys.map((k) => k.status)).toEqual(c.keys.map(() => "collected"));
      expect(s.auth).toEqual({ username: "otaudit", methods: ["publickey", "password"], noneAccepted: false, transport: c.transport });
      // sshd logs each connection when it accepts it; give the last one's log line a moment
      await new Promise((r) => setTimeout(r, 200));
      expect(connectionsInLog(sshd.log()) - before).toBe(c.connections);
      expect(sshd.log()).toMatch(/userauth-request for user otaudit service ssh-connection method none/);
      expect(sshd.log()).not.toMatch(/Corrupted MAC|Bad packet length|incorrect signature|method password/);
    });
  });
});
