// Public-key strength for certificates and host keys, per key type (shared by every plugin that sees
// a certificate or key: TLS, OPC UA, Modbus/TCP Security, SSH). One table, one judgement:
// - RSA / RSA-PSS: at least 2048 bits (NIST SP 800-131A Rev. 2 §2; SP 800-57 Part 1 Rev. 5 Table 2).
// - DSA: never acceptable for new signatures whatever its size (FIPS 186-5 §1 removes DSA for
//   signature generation); classic 1024-bit DSA is broken by SP 800-131A Rev. 2.
// - EC (ECDSA / ECDH) on a named curve: at least 224-bit order (SP 800-57 Part 1 Rev. 5 Table 2,
//   112-bit security); P-256, P-384, P-521, brainpoolP256r1+ are fine; 160/192-bit curves fail.
// - Ed25519 / Ed448 / X25519 / X448: fixed sizes (RFC 8032, RFC 7748), acceptable.
// - Anything else (GOST, SM2, an OID we do not know): `unknown`, which rules turn into undetermined.
export type KeyStrength = { status: "ok"; detail: string } | { status: "weak"; detail: string; minimumBits?: number } | { status: "unknown"; detail: string };

/** Normalised key type names (Node's KeyObject.asymmetricKeyType where it has one). */
export type KeyTypeName = "rsa" | "rsa-pss" | "dsa" | "ec" | "ed25519" | "ed448" | "x25519" | "x448" | "dh" | string;

export const MIN_RSA_BITS = 2048;
export const MIN_EC_BITS = 224;

/**
 * Judge a public key. `bits` is the modulus size (RSA/DSA/DH) or the curve order size (EC);
 * `curve` the named curve when known ("prime256v1", "secp384r1", "P-256", "brainpoolP256r1").
 */
export function judgeKey(type: KeyTypeName | undefined, bits?: number, curve?: string): KeyStrength {
  const t = (type ?? "").toLowerCase();
  switch (t) {
    case "rsa":
    case "rsa-pss":
      if (!bits) return { status: "unknown", detail: `${t} key of unknown size` };
      return bits >= MIN_RSA_BITS
        ? { status: "ok", detail: `${t.toUpperCase()} ${bits} bits` }
        : { status: "weak", detail: `${t.toUpperCase()} ${bits} bits (below ${MIN_RSA_BITS})`, minimumBits: MIN_RSA_BITS };
    case "dsa":
      return { status: "weak", detail: `DSA${bits ? ` ${bits} bits` : ""}: no longer approved for signatures (FIPS 186-5)` };
    case "dh":
      if (!bits) return { status: "unknown", detail: "DH key of unknown size" };
      return bits >= MIN_RSA_BITS
        ? { status: "ok", detail: `DH ${bits} bits` }
        : { status: "weak", detail: `DH ${bits} bits (below ${MIN_RSA_BITS})`, minimumBits: MIN_RSA_BITS };
    case "ec": {
      const size = bits ?? curveBits(curve);
      if (!size) return { status: "unknown", detail: `EC key on an unknown curve${curve ? ` (${curve})` : ""}` };
      return size >= MIN_EC_BITS
        ? { status: "ok", detail: `EC ${curve ?? ""} ${size} bits`.replace(/\s+/g, " ") }
        : { status: "weak", detail: `EC ${curve ?? ""} ${size} bits (below ${MIN_EC_BITS})`.replace(/\s+/g, " "), minimumBits: MIN_EC_BITS };
    }
    case "ed25519":
    case "ed448":
    case "x25519":
    case "x448":
      return { status: "ok", detail: t };
    default:
      return { status: "unknown", detail: `key type ${type ?? "not recorded"} is not in the knowledge base` };
  }
}

/** Order size in bits of a named curve, from its name (OpenSSL, NIST, SEC and brainpool spellings). */
export function curveBits(curve: string | undefined): number | undefined {
  if (!curve) return undefined;
  const c = curve.toLowerCase();
  const named: Record<string, number> = { prime256v1: 256, prime192v1: 192, prime239v1: 239 };
  if (named[c]) return named[c];
  const m = /(?:secp|sect|p-|nistp|brainpoolp|k-|b-)(\d{3})/.exec(c);
  return m ? Number(m[1]) : undefined;
}
