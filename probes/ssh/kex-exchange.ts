// The key exchanges our raw client runs (raw-session.ts), with the ephemeral secret kept so that
// one of them can be completed (transport-auth.ts): our public value (the init message), the shared
// secret K from the server's public value, and the exchange hash H, whose input layout differs per
// family: RFC 4253 §8 (DH), RFC 5656 §4 (ECDH), RFC 8731 §3.1 (curve25519), RFC 4419 §3 (group
// exchange). Pure code over node:crypto and BigInt; every public value is range-checked.
import { createECDH, createHash, createPublicKey, diffieHellman, generateKeyPairSync, getDiffieHellman, randomBytes } from "node:crypto";
import { encodeMpint, encodeString, encodeUint32, MSG, SshWireError } from "./wire.js";

export type KexKind = { kind: "x25519" } | { kind: "ecdh"; curve: string } | { kind: "modp"; group: string } | { kind: "gex" };

/** In our order of preference (cheap first), with the hash each one uses for H and the keys. */
export const KEX_IMPLEMENTED: [string, KexKind, string][] = [
  ["curve25519-sha256", { kind: "x25519" }, "sha256"], // RFC 8731 §3
  ["curve25519-sha256@libssh.org", { kind: "x25519" }, "sha256"],
  ["ecdh-sha2-nistp256", { kind: "ecdh", curve: "prime256v1" }, "sha256"], // RFC 5656 §6.2.1
  ["ecdh-sha2-nistp384", { kind: "ecdh", curve: "secp384r1" }, "sha384"],
  ["ecdh-sha2-nistp521", { kind: "ecdh", curve: "secp521r1" }, "sha512"],
  ["diffie-hellman-group14-sha256", { kind: "modp", group: "modp14" }, "sha256"], // RFC 8268 §3
  ["diffie-hellman-group14-sha1", { kind: "modp", group: "modp14" }, "sha1"], // RFC 4253 §8.2
  ["diffie-hellman-group1-sha1", { kind: "modp", group: "modp2" }, "sha1"], // RFC 4253 §8.1: Oakley Group 2
  ["diffie-hellman-group16-sha512", { kind: "modp", group: "modp16" }, "sha512"],
  ["diffie-hellman-group-exchange-sha256", { kind: "gex" }, "sha256"], // RFC 4419 §4.2
  ["diffie-hellman-group-exchange-sha1", { kind: "gex" }, "sha1"], // RFC 4419 §4.1
  ["diffie-hellman-group18-sha512", { kind: "modp", group: "modp18" }, "sha512"],
];

export function kexKind(kex: string): { kind: KexKind; hash: string } | undefined {
  const k = KEX_IMPLEMENTED.find(([n]) => n === kex);
  return k && { kind: k[1], hash: k[2] };
}

const big = (b: Buffer) => BigInt(`0x${b.toString("hex") || "0"}`);
function bytesOf(n: bigint): Buffer {
  const hex = n.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex");
}
function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let r = 1n;
  base %= mod;
  while (exp > 0n) {
    if (exp & 1n) r = (r * base) % mod;
    base = (base * base) % mod;
    exp >>= 1n;
  }
  return r;
}

/** RFC 4253 §8: values of e or f not in [1, p-1] must not be sent or accepted; we also refuse 1 and p-1. */
function checkDhPublic(v: bigint, p: bigint, what: string): void {
  if (v <= 1n || v >= p - 1n) throw new SshWireError(`${what} is outside 1 < ${what} < p-1 (RFC 4253 §8)`);
}

/** Our side of one exchange: what we sent, and how to get K from the server's public value. */
export interface Ephemeral {
  /** the init message payload (SSH_MSG_KEXDH_INIT / KEX_ECDH_INIT / KEX_DH_GEX_INIT) */
  message: Buffer;
  /** our public value as it enters H: Q_C (string) or e (mpint) */
  ours: Buffer;
  /** K (its magnitude) from the server's public value (f as an mpint body, or Q_S); throws SshWireError */
  secret(theirs: Buffer): Buffer;
  /** DH-style (e, f as mpint) or ECDH-style (Q_C, Q_S as string) in H */
  mpints: boolean;
}

/** A fixed-group or elliptic-curve exchange (every kind but group exchange). */
export function startKex(kind: KexKind): Ephemeral {
  switch (kind.kind) {
    case "x25519": {
      const { publicKey, privateKey } = generateKeyPairSync("x25519");
      const raw = Buffer.from(publicKey.export({ format: "jwk" }).x!, "base64url");
      return {
        message: Buffer.concat([Buffer.from([MSG.KEXDH_INIT]), encodeString(raw)]), // RFC 8731 §3: Q_C
        ours: raw,
        mpints: false,
        secret(theirs) {
          if (theirs.length !== 32) throw new SshWireError(`curve25519 public key of ${theirs.length} bytes (RFC 8731 §3: 32)`);
          const pub = createPublicKey({ key: { kty: "OKP", crv: "X25519", x: theirs.toString("base64url") }, format: "jwk" });
          const k = diffieHellman({ privateKey, publicKey: pub });
          // RFC 8731 §3: an all-zero shared secret must abort the exchange
          if (k.every((b) => b === 0)) throw new SshWireError("curve25519 shared secret is all zeroes (RFC 8731 §3)");
          return k; // §3.1: the 32 bytes read as a big-endian integer, encoded as an mpint
        },
      };
    }
    case "ecdh": {
      const ecdh = createECDH(kind.curve);
      const q = ecdh.generateKeys();
      return {
        message: Buffer.concat([Buffer.from([MSG.KEXDH_INIT]), encodeString(q)]), // RFC 5656 §4
        ours: q,
        mpints: false,
        secret(theirs) {
          try {
            return ecdh.computeSecret(theirs); // RFC 5656 §4: the point is validated (§3.2.2.1 via OpenSSL)
          } catch (e) {
            throw new SshWireError(`server ECDH public key is not a point of ${kind.curve}: ${(e as Error).message}`);
          }
        },
      };
    }
    case "modp": {
      const dh = getDiffieHellman(kind.group);
      const e = dh.generateKeys();
      const p = big(dh.getPrime());
      return {
        message: Buffer.concat([Buffer.from([MSG.KEXDH_INIT]), encodeMpint(e)]), // RFC 4253 §8: e
        ours: e,
        mpints: true,
        secret(theirs) {
          checkDhPublic(big(theirs), p, "f");
          return dh.computeSecret(theirs);
        },
      };
    }
    case "gex":
      throw new Error("group exchange starts with a request");
  }
}

/**
 * Our side of a group exchange in the group the server chose (RFC 4419 §3): e = g^x mod p with a
 * random 256-bit x (RFC 4419 §6.2: twice the 128 bits of security wanted). Not Node's
 * createDiffieHellman: for a prime it does not know it runs OpenSSL's DH_check, a primality test
 * of p that took 524 ms for a 2048-bit group from /etc/ssh/moduli here (and longer for the
 * 8192-bit, or deliberately composite, group a hostile server may send). Square-and-multiply over
 * a modulus of at most 1025 bytes: 256 steps, a few ms for 2048 bits.
 */
export function startGex(p: Buffer, g: Buffer): Ephemeral {
  const mod = big(p);
  if (mod < 5n) throw new SshWireError(`group-exchange modulus ${mod} cannot be used`);
  const x = big(randomBytes(32)) | (1n << 255n);
  const eBytes = bytesOf(modPow(big(g.length ? g : Buffer.from([2])), x, mod));
  return {
    message: Buffer.concat([Buffer.from([MSG.KEX_DH_GEX_INIT]), encodeMpint(eBytes)]),
    ours: eBytes,
    mpints: true,
    secret(theirs) {
      const f = big(theirs);
      checkDhPublic(f, mod, "f");
      return bytesOf(modPow(f, x, mod));
    },
  };
}

/** What enters the exchange hash besides the public values. */
export interface HashInput {
  hash: string;
  vC: string;
  vS: string;
  iC: Buffer;
  iS: Buffer;
  kS: Buffer;
  /** RFC 4419 §3: min, n, max, p, g of a group exchange */
  gex?: { min: number; n: number; max: number; p: Buffer; g: Buffer };
}

/**
 * H (RFC 4253 §8, RFC 5656 §4, RFC 8731 §3.1, RFC 4419 §3): HASH(V_C || V_S || I_C || I_S || K_S
 * [|| min || n || max || p || g] || e || f || K) with e, f mpints (DH), or Q_C, Q_S strings (ECDH).
 */
export function exchangeHash(h: HashInput, eph: Ephemeral, theirs: Buffer, k: Buffer): Buffer {
  const hash = createHash(h.hash);
  for (const part of [encodeString(h.vC), encodeString(h.vS), encodeString(h.iC), encodeString(h.iS), encodeString(h.kS)]) hash.update(part);
  if (h.gex) {
    const x = h.gex;
    hash.update(Buffer.concat([encodeUint32(x.min), encodeUint32(x.n), encodeUint32(x.max), encodeMpint(x.p), encodeMpint(x.g)]));
  }
  if (eph.mpints) hash.update(Buffer.concat([encodeMpint(eph.ours), encodeMpint(theirs)]));
  else hash.update(Buffer.concat([encodeString(eph.ours), encodeString(theirs)]));
  hash.update(encodeMpint(k));
  return hash.digest();
}
