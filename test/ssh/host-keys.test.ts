// Host-key blobs (probes/ssh/host-key-blob.ts) and host-key planning (probes/ssh/host-keys.ts), and
// the host-key and certificate rules on hand-written facts: real keys from ssh2 and ssh-keygen,
// security-key types, certificates, malformed blobs (never a throw), linear planning of floods.
import { execFileSync } from "node:child_process";
import { getDiffieHellman } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ssh2 from "ssh2";
import { describe, expect, it } from "vitest";
import { itWithDaemon } from "../helpers/daemons.js";
import { describeHostKeyBlob, certifiedKeyType } from "../../probes/ssh/host-key-blob.js";
import { keyTypeOfAlgorithm, planHostKeys } from "../../probes/ssh/host-keys.js";
import { hostCertificateRule, hostKeySizeRule } from "../../probes/ssh/rules.js";
import type { SshFacts, SshHostKey, SshService } from "../../probes/ssh/facts.js";
import type { RuleOutcome } from "../../src/plugin.js";
import { encodeString, SshWireError } from "../../probes/ssh/wire.js";
import { gexPublicValue } from "../../probes/ssh/raw-session.js";
import { SAMPLE_BLOBS } from "../../scripts/fuzz/ssh.js";
import { SSH_KEYGEN } from "./sshd.js";

const blobOf = (pub: string) => Buffer.from(pub.split(" ")[1]!, "base64");

describe("host-key blobs", () => {
  it("reads type, size and curve of real keys (ssh2 generated)", () => {
    const rsa = ssh2.utils.generateKeyPairSync("rsa", { bits: 2048 });
    expect(describeHostKeyBlob(blobOf(rsa.public))).toMatchObject({ keyType: "ssh-rsa", bits: 2048 });
    const ec = ssh2.utils.generateKeyPairSync("ecdsa", { bits: 384 });
    expect(describeHostKeyBlob(blobOf(ec.public))).toMatchObject({ keyType: "ecdsa-sha2-nistp384", bits: 384, curve: "nistp384" });
    const ed = ssh2.utils.generateKeyPairSync("ed25519");
    const d = describeHostKeyBlob(blobOf(ed.public));
    expect(d).toMatchObject({ keyType: "ssh-ed25519", bits: 256 });
    expect(d.fingerprintSha256).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it("reads security-key types and their application (sk-ssh-ed25519, sk-ecdsa-sha2-nistp256)", () => {
    const [, , , , skEd, skEc] = SAMPLE_BLOBS;
    expect(describeHostKeyBlob(skEd!)).toMatchObject({ keyType: "sk-ssh-ed25519@openssh.com", bits: 256, application: "ssh:" });
    expect(describeHostKeyBlob(skEc!)).toMatchObject({ keyType: "sk-ecdsa-sha2-nistp256@openssh.com", bits: 256, curve: "nistp256", application: "ssh:" });
  });

  itWithDaemon("reads an OpenSSH host certificate made by ssh-keygen, with its CA key", SSH_KEYGEN !== undefined, "needs ssh-keygen (openssh-client)", () => {
    const dir = mkdtempSync(join(tmpdir(), "otaudit-cert-"));
    const gen = (name: string, type: string) => execFileSync(SSH_KEYGEN!, ["-q", "-t", type, "-N", "", "-f", join(dir, name)]);
    gen("ca", "ed25519");
    gen("host", "ecdsa");
    execFileSync(SSH_KEYGEN!, [
      "-q",
      "-s",
      join(dir, "ca"),
      "-I",
      "plc-7",
      "-h",
      "-n",
      "plc-7.example",
      "-V",
      "20300101:20310101",
      "-O",
      "clear",
      join(dir, "host.pub"),
    ]);
    const cert = describeHostKeyBlob(blobOf(readFileSync(join(dir, "host-cert.pub"), "utf8")));
    expect(cert).toMatchObject({ keyType: "ecdsa-sha2-nistp256-cert-v01@openssh.com", bits: 256, curve: "nistp256" });
    expect(cert.certificate).toMatchObject({
      certType: 2,
      keyId: "plc-7",
      principals: ["plc-7.example"],
      principalsTotal: 1,
      ca: { keyType: "ssh-ed25519", bits: 256 },
      signatureAlgorithm: "ssh-ed25519",
    });
    expect(cert.certificate!.validAfter).toBe(Date.parse("2030-01-01T00:00:00") / 1000);
    expect(certifiedKeyType("sk-ssh-ed25519-cert-v01@openssh.com")).toBe("sk-ssh-ed25519@openssh.com");
  });

  it("a malformed blob keeps type and fingerprint and names the failing field; nothing throws", () => {
    const truncated = SAMPLE_BLOBS[1]!.subarray(0, 30);
    expect(describeHostKeyBlob(truncated)).toMatchObject({
      keyType: "ssh-rsa",
      parseError: expect.stringMatching(/rsa n/),
      fingerprintSha256: expect.stringMatching(/^SHA256:/),
    });
    expect(describeHostKeyBlob(Buffer.alloc(0), "ssh-ed25519")).toMatchObject({ keyType: "ssh-ed25519", parseError: expect.stringMatching(/key type/) });
    const wrongCurve = Buffer.concat([encodeString("ecdsa-sha2-nistp256"), encodeString("nistp521"), encodeString(Buffer.alloc(65, 4))]);
    expect(describeHostKeyBlob(wrongCurve).parseError).toMatch(/does not match/);
    expect(describeHostKeyBlob(Buffer.concat([encodeString("ssh-zz@example.com"), Buffer.alloc(9)]))).toMatchObject({ unknownType: true });
  });
});

describe("host-key planning", () => {
  it("groups algorithms by the key they use; known types first", () => {
    expect(keyTypeOfAlgorithm("rsa-sha2-512-cert-v01@openssh.com")).toBe("ssh-rsa-cert-v01@openssh.com");
    const { plan } = planHostKeys(["x@example.com", "rsa-sha2-512", "ssh-ed25519", "ssh-rsa", "rsa-sha2-256"]);
    expect(plan.map((p) => [p.keyType, p.fetchWith])).toEqual([
      ["ssh-rsa", "rsa-sha2-512"],
      ["ssh-ed25519", "ssh-ed25519"],
      ["x@example.com", "x@example.com"],
    ]);
  });

  it("is linear and bounded on floods (130,000 names: 32 groups kept, the rest counted)", () => {
    const names = Array.from({ length: 130_000 }, (_, i) => (i % 2 ? "ssh-ed25519" : `k${i}`));
    const t0 = process.hrtime.bigint();
    const { plan, overflow } = planHostKeys(names);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    expect(plan.length).toBe(32);
    expect(overflow).toBe(65_000 - 31);
    expect(ms).toBeLessThan(2000); // quadratic planning took ~98 s on this input (issue 13)
  });
});

function run(rule: { check(ctx: never): RuleOutcome | RuleOutcome[] | null }, keys: SshHostKey[], startedAt = "2026-06-01T00:00:00Z"): RuleOutcome[] {
  const s: SshService = {
    port: 22,
    url: "ssh://10.0.0.5:22",
    banner: { raw: "SSH-2.0-OpenSSH_9.6", protocolVersion: "2.0", software: "OpenSSH_9.6", product: "OpenSSH", preBannerLines: [] },
    algorithms: {
      kex: ["curve25519-sha256"],
      hostKey: keys.flatMap((k) => k.algorithms),
      cipherClientToServer: ["aes128-ctr"],
      cipherServerToClient: ["aes128-ctr"],
      macClientToServer: ["hmac-sha2-256"],
      macServerToClient: ["hmac-sha2-256"],
      compressionClientToServer: ["none"],
      compressionServerToClient: ["none"],
      strictKex: true,
    },
    hostKeys: keys,
  };
  const r = rule.check({
    facts: { services: [s] } as SshFacts,
    envelope: { startedAt } as never,
    host: "10.0.0.5",
    intrusive: false,
    credentialed: false,
  } as never);
  return r === null ? [] : Array.isArray(r) ? r : [r];
}

const CERT = "ssh-ed25519-cert-v01@openssh.com";
const cert = (c: SshHostKey["certificate"]): SshHostKey => ({
  keyType: CERT,
  algorithms: [CERT],
  status: "collected",
  bits: 256,
  fingerprintSha256: "SHA256:c",
  certificate: c,
});
const goodCa = { keyType: "ssh-ed25519", bits: 256, fingerprintSha256: "SHA256:ca" };

describe("host-key and certificate rules", () => {
  it("key strength comes from the shared table: DSA and RSA-1024 fail, P-256 and sk keys pass, unknown types are undetermined", () => {
    const out = run(hostKeySizeRule, [
      { keyType: "ssh-dss", algorithms: ["ssh-dss"], status: "collected", bits: 1024 },
      { keyType: "ssh-rsa", algorithms: ["rsa-sha2-256"], status: "collected", bits: 1024 },
      { keyType: "ecdsa-sha2-nistp256", algorithms: ["ecdsa-sha2-nistp256"], status: "collected", bits: 256, curve: "nistp256" },
      { keyType: "sk-ssh-ed25519@openssh.com", algorithms: ["sk-ssh-ed25519@openssh.com"], status: "collected", bits: 256, application: "ssh:" },
      { keyType: "x-zz@example.com", algorithms: ["x-zz@example.com"], status: "collected", unknownType: true },
      { keyType: "ssh-ed25519", algorithms: ["ssh-ed25519"], status: "unparsed", parseError: "ed25519 key of 31 bytes" },
    ]);
    expect(out.map((o) => [o.status, o.reason])).toEqual([
      ["fail", undefined],
      ["fail", undefined],
      ["pass", undefined],
      ["pass", undefined],
      ["undetermined", "unknown-value"],
      ["undetermined", "unparsed"],
    ]);
    expect(out[0]!.evidence!.hardening).toMatchObject({ family: "OpenSSH" });
  });

  it("certificates: never a pass for what was not parsed; user certificates, weak CAs, SHA-1 signatures and expiry fail", () => {
    const valid = { certType: 2, keyId: "x", principals: ["plc"], validAfter: 0, validBefore: null, ca: goodCa, signatureAlgorithm: "ssh-ed25519" };
    const o = (c: SshHostKey["certificate"], at?: string) => run(hostCertificateRule, [cert(c)], at)[0]!;
    expect(o(valid)).toMatchObject({ status: "pass" });
    expect(o({ ...valid, parseError: "truncated: serial" })).toMatchObject({ status: "undetermined", reason: "unparsed" });
    expect(o({ ...valid, ca: { keyType: "", parseError: "a certificate where a CA key was expected (nested certificate)" } })).toMatchObject({
      status: "undetermined",
      reason: "unparsed",
    });
    expect(o({ ...valid, certType: 1 })).toMatchObject({ status: "fail", message: expect.stringMatching(/user certificate/) });
    expect(o({ ...valid, ca: { keyType: "ssh-rsa", bits: 1024 } })).toMatchObject({ status: "fail", message: expect.stringMatching(/weak CA/) });
    expect(o({ ...valid, signatureAlgorithm: "ssh-rsa" })).toMatchObject({ status: "fail", message: expect.stringMatching(/RSA_SHA1_SIGNATURE/) });
    expect(o({ ...valid, validBefore: Date.parse("2025-01-01") / 1000 })).toMatchObject({ status: "fail", message: expect.stringMatching(/expired/) });
    expect(o({ ...valid, validAfter: Date.parse("2027-01-01") / 1000 })).toMatchObject({ status: "fail", message: expect.stringMatching(/not valid before/) });
    expect(o({ ...valid, ca: { keyType: "x-ca@example.com", unknownType: true } })).toMatchObject({ status: "undetermined", reason: "unknown-value" });
    expect(o({ ...valid, signatureAlgorithm: "zz-sig@example.com" })).toMatchObject({ status: "undetermined", reason: "unknown-value" });
    expect(run(hostCertificateRule, [{ keyType: "ssh-ed25519", algorithms: ["ssh-ed25519"], status: "collected", bits: 256 }])).toEqual([]);
  });
});

describe("group-exchange public value (raw-session.ts gexPublicValue)", () => {
  const modp14 = getDiffieHellman("modp14").getPrime();
  const big = (b: Buffer) => BigInt(`0x${b.toString("hex")}`);

  it("is a proper value 1 < e < p-1, fresh per exchange, and in the group g generates", () => {
    const p = big(modp14);
    const [a, b] = [gexPublicValue(modp14, Buffer.from([2])), gexPublicValue(modp14, Buffer.from([2]))];
    for (const e of [big(a), big(b)]) {
      expect(e > 1n && e < p - 1n).toBe(true);
      // RFC 3526 group 14 is a safe prime and 2 generates the subgroup of order q = (p-1)/2
      let r = 1n;
      let base = e;
      for (let q = (p - 1n) / 2n; q > 0n; q >>= 1n) {
        if (q & 1n) r = (r * base) % p;
        base = (base * base) % p;
      }
      expect(r).toBe(1n);
    }
    expect(a.equals(b)).toBe(false);
  });

  it("a hostile group (composite 8192-bit modulus, empty generator) gives a value; a zero modulus a wire error, never a crash", () => {
    const composite = Buffer.alloc(1024, 0xff);
    expect(big(gexPublicValue(composite, Buffer.alloc(0))) < big(composite)).toBe(true);
    expect(() => gexPublicValue(Buffer.from([0, 0]), Buffer.from([2]))).toThrow(SshWireError);
  });
});
