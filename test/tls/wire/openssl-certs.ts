// Test plumbing: self-signed certificates of every key type made by the openssl CLI (an independent
// implementation), for certificate parsing and key-strength tests: RSA, RSA-PSS, DSA, EC (named
// curves), Ed25519, Ed448; with a chosen signature digest.
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type KeySpec =
  | "rsa:1024"
  | "rsa:2048"
  | "rsa-pss:2048"
  | "rsa-pss:1024"
  | "dsa:2048"
  | "ec:prime256v1"
  | "ec:secp384r1"
  | "ec:secp224r1"
  | "ed25519"
  | "ed448";

export interface MadeCert {
  certPem: string;
  keyPem: string;
  der: Buffer;
}

/** Whether the local openssl CLI is usable (tests skip with a reason otherwise). */
export function opensslAvailable(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export function makeCert(spec: KeySpec, digest?: "sha1" | "sha256" | "sha384", subject?: string): MadeCert {
  const dir = mkdtempSync(join(tmpdir(), "otaudit-cert-"));
  try {
    const key = join(dir, "key.pem");
    const cert = join(dir, "cert.pem");
    const [alg, param] = spec.split(":");
    const genArgs = [
      "genpkey",
      "-out",
      key,
      "-algorithm",
      alg === "ec" ? "EC" : alg === "rsa" ? "RSA" : alg === "rsa-pss" ? "RSA-PSS" : alg === "dsa" ? "DSA" : alg!.toUpperCase(),
    ];
    if (alg === "rsa" || alg === "rsa-pss") genArgs.push("-pkeyopt", `rsa_keygen_bits:${param}`);
    if (alg === "ec") genArgs.push("-pkeyopt", `ec_paramgen_curve:${param}`);
    if (alg === "dsa") {
      const params = join(dir, "dsa.pem");
      execFileSync("openssl", ["genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt", `dsa_paramgen_bits:${param}`, "-out", params], { stdio: "ignore" });
      genArgs.splice(0, genArgs.length, "genpkey", "-paramfile", params, "-out", key);
    }
    execFileSync("openssl", genArgs, { stdio: "ignore" });
    const reqArgs = [
      "req",
      "-x509",
      "-new",
      "-key",
      key,
      "-out",
      cert,
      "-days",
      "2",
      "-subj",
      subject ?? `/CN=otaudit test ${spec}`,
      ...(subject && /[^\x00-\x7f]/.test(subject) ? ["-utf8"] : []),
    ];
    if (digest && !alg!.startsWith("ed")) reqArgs.push(`-${digest}`);
    if (alg === "rsa-pss") reqArgs.push("-sigopt", "rsa_padding_mode:pss");
    execFileSync("openssl", reqArgs, { stdio: "ignore" });
    const certPem = readFileSync(cert, "utf8");
    return { certPem, keyPem: readFileSync(key, "utf8"), der: Buffer.from(new X509Certificate(certPem).raw) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
