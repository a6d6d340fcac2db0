// Verify the server's signature over the exchange hash H with the host key it sent (RFC 4253 §8:
// the client MUST verify it), through node:crypto: public KeyObjects built from the SSH blob as
// JWK. ssh-ed25519 (RFC 8709 §6), rsa-sha2-256/512 (RFC 8332 §3) and ssh-rsa (RFC 4253 §6.6,
// SHA-1), ecdsa-sha2-nistp256/384/521 (RFC 5656 §3.1.2: r and s as mpints). Any failure, including
// a malformed key or signature blob, is an SshWireError: the server's word cannot be trusted.
import { createPublicKey, type KeyObject, verify } from "node:crypto";
import { PayloadReader, SshWireError } from "./wire.js";

/** Host-key algorithms whose signatures we verify (the connection carrying our transport uses one). */
export const VERIFIABLE_HOST_KEYS = new Set([
  "ssh-ed25519",
  "rsa-sha2-512",
  "rsa-sha2-256",
  "ssh-rsa",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
]);

const ECDSA: Record<string, { crv: string; size: number; hash: string }> = {
  nistp256: { crv: "P-256", size: 32, hash: "sha256" }, // RFC 5656 §6.2.1
  nistp384: { crv: "P-384", size: 48, hash: "sha384" },
  nistp521: { crv: "P-521", size: 66, hash: "sha512" },
};

const RSA_HASH: Record<string, string> = { "ssh-rsa": "sha1", "rsa-sha2-256": "sha256", "rsa-sha2-512": "sha512" };

/** An mpint's magnitude (RFC 4251 §5): leading zero bytes dropped; a negative value is refused. */
function magnitude(b: Buffer, what: string): Buffer {
  if (b.length && b[0]! & 0x80) throw new SshWireError(`${what} is a negative mpint`);
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  return b.subarray(i);
}

function leftPad(b: Buffer, size: number, what: string): Buffer {
  if (b.length > size) throw new SshWireError(`${what} has ${b.length} bytes, more than ${size}`);
  return Buffer.concat([Buffer.alloc(size - b.length), b]);
}

function jwkKey(jwk: Record<string, string>, what: string): KeyObject {
  try {
    return createPublicKey({ key: jwk, format: "jwk" });
  } catch (e) {
    throw new SshWireError(`${what} cannot be used: ${(e as Error).message}`);
  }
}

/**
 * Verify `signatureBlob` (string algorithm || string signature) over `h` with the host key blob
 * `kS`, for the negotiated host-key algorithm `alg`. Throws SshWireError saying why it does not
 * hold (also for what node:crypto refuses: a key or signature it cannot use is the server's fault).
 */
export function verifyExchangeSignature(alg: string, kS: Buffer, h: Buffer, signatureBlob: Buffer): void {
  try {
    verifyOrThrow(alg, kS, h, signatureBlob);
  } catch (e) {
    if (e instanceof SshWireError) throw e;
    throw new SshWireError(`the ${alg} host key or signature cannot be used: ${(e as Error).message}`);
  }
}

function verifyOrThrow(alg: string, kS: Buffer, h: Buffer, signatureBlob: Buffer): void {
  if (!VERIFIABLE_HOST_KEYS.has(alg)) throw new SshWireError(`host-key algorithm ${alg} cannot be verified by otaudit`);
  const key = new PayloadReader(kS);
  const keyType = key.string("host key type").toString("latin1");
  const sig = new PayloadReader(signatureBlob);
  const sigAlg = sig.string("signature algorithm").toString("latin1");
  const sigBytes = sig.string("signature");
  // RFC 8332 §3 / RFC 5656 §3.1.2 / RFC 8709 §6: the signature is of the negotiated algorithm
  if (sigAlg !== alg) throw new SshWireError(`server signed with ${sigAlg.slice(0, 64)} where ${alg} was negotiated`);
  let ok: boolean;
  if (alg === "ssh-ed25519") {
    if (keyType !== "ssh-ed25519") throw new SshWireError(`an ${keyType.slice(0, 64)} key was sent for ssh-ed25519`);
    const pk = key.string("ed25519 key");
    if (pk.length !== 32 || sigBytes.length !== 64) throw new SshWireError("ed25519 key or signature of the wrong size (RFC 8709: 32 and 64 bytes)");
    ok = verify(null, h, jwkKey({ kty: "OKP", crv: "Ed25519", x: pk.toString("base64url") }, "the ed25519 host key"), sigBytes);
  } else if (RSA_HASH[alg]) {
    if (keyType !== "ssh-rsa") throw new SshWireError(`an ${keyType.slice(0, 64)} key was sent for ${alg}`);
    const e = magnitude(key.string("rsa e"), "rsa e");
    const n = magnitude(key.string("rsa n"), "rsa n");
    const pub = jwkKey({ kty: "RSA", n: n.toString("base64url"), e: e.toString("base64url") }, "the RSA host key");
    // some servers drop leading zero bytes of the signature; OpenSSL wants the modulus' length
    ok = verify(RSA_HASH[alg], h, pub, leftPad(sigBytes, n.length, "the RSA signature"));
  } else {
    const curve = alg.slice("ecdsa-sha2-".length);
    const c = ECDSA[curve]!;
    if (keyType !== alg) throw new SshWireError(`an ${keyType.slice(0, 64)} key was sent for ${alg}`);
    if (key.string("ecdsa curve").toString("latin1") !== curve) throw new SshWireError(`the ${alg} key names another curve`);
    const q = key.string("ecdsa point");
    // uncompressed point only (RFC 5656 §3.1: SEC1 §2.3.3, 0x04 || X || Y)
    if (q.length !== 1 + 2 * c.size || q[0] !== 4) throw new SshWireError(`the ${alg} point is not an uncompressed point of ${curve}`);
    const pub = jwkKey(
      { kty: "EC", crv: c.crv, x: q.subarray(1, 1 + c.size).toString("base64url"), y: q.subarray(1 + c.size).toString("base64url") },
      `the ${alg} host key`,
    );
    const rs = new PayloadReader(sigBytes);
    const r = leftPad(magnitude(rs.string("ecdsa r"), "ecdsa r"), c.size, "ecdsa r");
    const s = leftPad(magnitude(rs.string("ecdsa s"), "ecdsa s"), c.size, "ecdsa s");
    ok = verify(c.hash, h, { key: pub, dsaEncoding: "ieee-p1363" }, Buffer.concat([r, s]));
  }
  if (!ok) throw new SshWireError(`the server's ${alg} signature over the exchange hash does not verify with the host key it sent`);
}
