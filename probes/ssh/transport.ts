// Our minimal encrypted SSH transport (RFC 4253 §6), used for one `none` request on a connection
// whose key exchange we complete (transport-auth.ts): which cipher / MAC / compression we offer
// (the ones we implement, in our order, that the server offers too; §7.1: the client's first
// that the server supports is chosen), key derivation (§7.2), and packets sealed and opened with
// sequence numbers that count every packet since the connection started (§6.4). Ciphers: AES-GCM
// as OpenSSH does it (RFC 5647 §7.1: packet length in clear as AAD, 12-byte nonce with a 64-bit
// invocation counter; the MAC lists are ignored), AES-CTR (RFC 4344 §4), AES-CBC and 3DES-CBC
// (RFC 4253 §6.3); MACs (§6.4) HMAC-SHA2 (RFC 6668), HMAC-SHA1, HMAC-MD5 and their
// encrypt-then-MAC variants (OpenSSH PROTOCOL §1.5: the length in clear, the MAC over the
// ciphertext). Every length is checked before bytes are awaited; any MAC, tag or padding failure
// is an SshWireError.
import { type Cipher, createCipheriv, createDecipheriv, createHash, createHmac, type Decipher, randomBytes, timingSafeEqual } from "node:crypto";
import type { KexInit } from "./kexinit.js";
import type { ClientLists } from "./raw-session.js";
import { ByteQueue, checkPacketHeader, encodeMpint, encodeUint32, MAX_PACKET_LENGTH, SshWireError } from "./wire.js";

interface CipherSpec {
  node: string;
  keyLen: number;
  ivLen: number;
  block: number;
  gcm?: boolean;
}
const CIPHERS: Record<string, CipherSpec> = {
  "aes128-gcm@openssh.com": { node: "aes-128-gcm", keyLen: 16, ivLen: 12, block: 16, gcm: true },
  "aes256-gcm@openssh.com": { node: "aes-256-gcm", keyLen: 32, ivLen: 12, block: 16, gcm: true },
  "aes128-ctr": { node: "aes-128-ctr", keyLen: 16, ivLen: 16, block: 16 },
  "aes192-ctr": { node: "aes-192-ctr", keyLen: 24, ivLen: 16, block: 16 },
  "aes256-ctr": { node: "aes-256-ctr", keyLen: 32, ivLen: 16, block: 16 },
  "aes128-cbc": { node: "aes-128-cbc", keyLen: 16, ivLen: 16, block: 16 },
  "aes192-cbc": { node: "aes-192-cbc", keyLen: 24, ivLen: 16, block: 16 },
  "aes256-cbc": { node: "aes-256-cbc", keyLen: 32, ivLen: 16, block: 16 },
  "3des-cbc": { node: "des-ede3-cbc", keyLen: 24, ivLen: 8, block: 8 },
};
interface MacSpec {
  hash: string;
  keyLen: number;
  etm: boolean;
}
const MACS: Record<string, MacSpec> = {
  "hmac-sha2-256-etm@openssh.com": { hash: "sha256", keyLen: 32, etm: true },
  "hmac-sha2-512-etm@openssh.com": { hash: "sha512", keyLen: 64, etm: true },
  "hmac-sha2-256": { hash: "sha256", keyLen: 32, etm: false },
  "hmac-sha2-512": { hash: "sha512", keyLen: 64, etm: false },
  "hmac-sha1-etm@openssh.com": { hash: "sha1", keyLen: 20, etm: true },
  "hmac-sha1": { hash: "sha1", keyLen: 20, etm: false },
  "hmac-md5-etm@openssh.com": { hash: "md5", keyLen: 16, etm: true },
  "hmac-md5": { hash: "md5", keyLen: 16, etm: false },
};

const MAC_LENGTH: Record<string, number> = { sha256: 32, sha512: 64, sha1: 20, md5: 16 };

/** One direction's negotiated algorithms. */
export interface Direction {
  cipher: string;
  mac?: string;
}
export interface TransportChoice {
  cs: Direction;
  sc: Direction;
  lists: ClientLists;
}

/** Our list for one direction, or why there is none. */
function direction(ciphers: readonly string[], macs: readonly string[]): { dir: Direction; enc: string[]; mac: string[] } | string {
  const offeredC = new Set(ciphers);
  const offeredM = new Set(macs);
  const enc = Object.keys(CIPHERS).filter((c) => offeredC.has(c));
  const mac = Object.keys(MACS).filter((m) => offeredM.has(m));
  if (enc.length === 0) return `no cipher otaudit implements (offered: ${ciphers.slice(0, 6).join(", ") || "none"})`;
  if (mac.length === 0) {
    // AEAD only: the MAC list is not used (OpenSSH kex.c skips it), mirror the server's
    const aead = enc.filter((c) => CIPHERS[c]!.gcm);
    if (aead.length === 0) return `no MAC otaudit implements (offered: ${macs.slice(0, 6).join(", ") || "none"})`;
    return { dir: { cipher: aead[0]! }, enc: aead, mac: [...macs] };
  }
  return CIPHERS[enc[0]!]!.gcm ? { dir: { cipher: enc[0]! }, enc, mac } : { dir: { cipher: enc[0]!, mac: mac[0]! }, enc, mac };
}

/** What our KEXINIT offers on the connection that authenticates, or why our transport cannot be used. */
export function chooseTransport(server: KexInit): TransportChoice | string {
  if (server.firstKexPacketFollows) return "the server sends a guessed key-exchange packet (first_kex_packet_follows)";
  if (!server.compressionClientToServer.includes("none") || !server.compressionServerToClient.includes("none"))
    return "the server does not offer compression none";
  const cs = direction(server.encryptionClientToServer, server.macClientToServer);
  if (typeof cs === "string") return cs;
  const sc = direction(server.encryptionServerToClient, server.macServerToClient);
  if (typeof sc === "string") return sc;
  return {
    cs: cs.dir,
    sc: sc.dir,
    lists: {
      encryptionClientToServer: cs.enc,
      encryptionServerToClient: sc.enc,
      macClientToServer: cs.mac,
      macServerToClient: sc.mac,
      compressionClientToServer: ["none"],
      compressionServerToClient: ["none"],
    },
  };
}

export interface DirectionKeys {
  iv: Buffer;
  key: Buffer;
  macKey: Buffer;
}

/** RFC 4253 §7.2: HASH(K || H || X || session_id), extended by HASH(K || H || K1 || ...) as needed. */
export function deriveKey(hash: string, k: Buffer, h: Buffer, letter: string, sessionId: Buffer, length: number): Buffer {
  const kEnc = encodeMpint(k);
  let out = createHash(hash).update(kEnc).update(h).update(letter, "latin1").update(sessionId).digest();
  while (out.length < length) out = Buffer.concat([out, createHash(hash).update(kEnc).update(h).update(out).digest()]);
  return out.subarray(0, length);
}

/** Keys for one direction: letters A/C/E client to server, B/D/F server to client (§7.2). */
export function directionKeys(dir: Direction, clientToServer: boolean, derive: (letter: string, len: number) => Buffer): DirectionKeys {
  const c = CIPHERS[dir.cipher]!;
  const [iv, key, mac] = clientToServer ? ["A", "C", "E"] : ["B", "D", "F"];
  return { iv: derive(iv!, c.ivLen), key: derive(key!, c.keyLen), macKey: dir.mac ? derive(mac!, MACS[dir.mac]!.keyLen) : Buffer.alloc(0) };
}

/** GCM nonce: 4-byte fixed field and 8-byte invocation counter, +1 per packet (RFC 5647 §7.1). */
function nextGcmIv(iv: Buffer): void {
  for (let i = 11; i >= 4; i--) if (++iv[i]! <= 0xff) break;
}

abstract class DirectionState {
  protected readonly c: CipherSpec;
  protected readonly m: MacSpec | undefined;
  protected readonly stream: Cipher | Decipher | undefined;
  constructor(
    dir: Direction,
    protected readonly keys: DirectionKeys,
    public seq: number,
    encrypt: boolean,
  ) {
    this.c = CIPHERS[dir.cipher]!;
    this.m = dir.mac ? MACS[dir.mac] : undefined;
    if (!this.c.gcm) {
      this.stream = encrypt ? createCipheriv(this.c.node, keys.key, keys.iv) : createDecipheriv(this.c.node, keys.key, keys.iv);
      this.stream.setAutoPadding(false); // CBC: the packet is already a whole number of blocks
    }
  }
  protected get macLen(): number {
    return this.c.gcm ? 16 : this.m ? MAC_LENGTH[this.m.hash]! : 0;
  }
  protected mac(...parts: Buffer[]): Buffer {
    const hmac = createHmac(this.m!.hash, this.keys.macKey).update(encodeUint32(this.seq));
    for (const p of parts) hmac.update(p);
    return hmac.digest();
  }
  protected bump(): void {
    this.seq = (this.seq + 1) >>> 0; // §6.4: wraps around after 2^32
    if (this.c.gcm) nextGcmIv(this.keys.iv);
  }
}

/** Client to server: payload -> encrypted packet (with MAC or tag). */
export class PacketSealer extends DirectionState {
  constructor(dir: Direction, keys: DirectionKeys, seq: number) {
    super(dir, { ...keys, iv: Buffer.from(keys.iv) }, seq, true);
  }
  seal(payload: Buffer): Buffer {
    const lengthInClear = this.c.gcm || this.m?.etm === true;
    const block = Math.max(8, this.c.block);
    const covered = 1 + payload.length + (lengthInClear ? 0 : 4);
    let pad = block - (covered % block);
    if (pad < 4) pad += block;
    const len = encodeUint32(1 + payload.length + pad);
    const body = Buffer.concat([Buffer.from([pad]), payload, randomBytes(pad)]);
    let out: Buffer;
    if (this.c.gcm) {
      const g = createCipheriv(this.c.node as "aes-128-gcm", this.keys.key, this.keys.iv, { authTagLength: 16 });
      g.setAAD(len);
      out = Buffer.concat([len, g.update(body), g.final(), g.getAuthTag()]);
    } else if (lengthInClear) {
      const enc = this.stream!.update(body);
      out = Buffer.concat([len, enc, this.mac(len, enc)]);
    } else {
      const plain = Buffer.concat([len, body]);
      out = Buffer.concat([this.stream!.update(plain), this.m ? this.mac(plain) : Buffer.alloc(0)]);
    }
    this.bump();
    return out;
  }
}

/** Server to client: bytes in, payloads out (null until a whole packet and its MAC arrived). */
export class PacketOpener extends DirectionState {
  private readonly q = new ByteQueue();
  private head: { len: number; lenBytes: Buffer; first?: Buffer } | undefined;
  constructor(dir: Direction, keys: DirectionKeys, seq: number) {
    super(dir, { ...keys, iv: Buffer.from(keys.iv) }, seq, false);
  }
  push(chunk: Buffer): void {
    this.q.push(chunk);
  }
  /** the next payload, or null when more bytes are needed; SshWireError on any failure */
  next(): Buffer | null {
    const block = Math.max(8, this.c.block);
    const lengthInClear = this.c.gcm || this.m?.etm === true;
    if (!this.head) {
      if (this.q.length < (lengthInClear ? 4 : block)) return null;
      let lenBytes: Buffer;
      let first: Buffer | undefined;
      if (lengthInClear) lenBytes = this.q.take(4);
      else {
        first = this.stream!.update(this.q.take(block)); // the first block carries the length (§6)
        lenBytes = first.subarray(0, 4);
      }
      const len = lenBytes.readUInt32BE(0);
      if (len > MAX_PACKET_LENGTH) throw new SshWireError(`encrypted packet_length ${len} exceeds the ${MAX_PACKET_LENGTH}-byte limit`);
      // §6: the encrypted part is a multiple of the block size (the length too, unless in clear)
      if ((len + (lengthInClear ? 0 : 4)) % block !== 0 || len < (lengthInClear ? block : block - 4))
        throw new SshWireError(`encrypted packet_length ${len} is not a multiple of the ${block}-byte block (bad decryption or a lying peer)`);
      this.head = first ? { len, lenBytes, first } : { len, lenBytes };
    }
    const h = this.head;
    const rest = h.len + 4 - (h.first ? block : 4);
    if (this.q.length < rest + this.macLen) return null;
    const enc = this.q.take(rest);
    const tag = this.q.take(this.macLen);
    let plain: Buffer; // padding_length || payload || padding
    if (this.c.gcm) {
      const g = createDecipheriv(this.c.node as "aes-128-gcm", this.keys.key, this.keys.iv, { authTagLength: 16 });
      g.setAAD(h.lenBytes);
      g.setAuthTag(tag);
      plain = g.update(enc);
      try {
        g.final();
      } catch {
        throw new SshWireError("AES-GCM authentication tag does not verify (corrupt or forged packet)");
      }
    } else if (lengthInClear) {
      if (!timingSafeEqual(this.mac(h.lenBytes, enc), tag)) throw new SshWireError(`${this.macName} does not verify (corrupt or forged packet)`);
      plain = this.stream!.update(enc);
    } else {
      const whole = Buffer.concat([h.first!, this.stream!.update(enc)]);
      if (this.m && !timingSafeEqual(this.mac(whole), tag)) throw new SshWireError(`${this.macName} does not verify (corrupt or forged packet)`);
      plain = whole.subarray(4);
    }
    this.head = undefined;
    this.bump();
    checkPacketHeader(h.len, plain[0]!); // padding at least 4, a payload of at least one byte
    return plain.subarray(1, h.len - plain[0]!);
  }
  private get macName(): string {
    return `the ${this.m?.hash ?? "?"} HMAC`;
  }
}
