// Issue 23 (parity with ssh-audit), SSH, against Debian's OpenSSH: DH group-exchange moduli from a
// moduli file of small groups (like ssh-audit -g), and host certificates (HostCertificate) whose CA
// key is rated. The moduli are the RFC MODP primes that Node ships (crypto.getDiffieHellman):
// modp2 = RFC 2409 §6.2 Oakley Group 2 (1024 bits), modp5 = RFC 3526 §2 (1536), modp14 = RFC 3526
// §3 (2048), all safe primes with generator 2, written in OpenSSH's moduli(5) format.
import { execFileSync } from "node:child_process";
import { getDiffieHellman } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeWithDaemon } from "../helpers/daemons.js";
import type { SshFacts } from "../../probes/ssh/facts.js";
import { auditSsh, finding } from "./helpers.js";
import { connectionsInLog, connectionsSoFar, IS_ROOT, keygen, SSHD, SSH_KEYGEN, startSshd, type RunningDaemon } from "./sshd.js";
import { kexInit, kexResponder, scriptedServer } from "./peers.js";
import { encodeBinaryPacket, encodeMpint, MSG } from "../../probes/ssh/wire.js";

const HOST = "127.0.0.1";
const services = (d: Awaited<ReturnType<typeof auditSsh>>) => (d.facts.ssh!.data as SshFacts).services[0]!;

/** A moduli(5) line: time, type 2 (safe prime), tests 6, tries 100, size (bits - 1), generator, modulus. */
function moduliLine(group: string): string {
  const p = getDiffieHellman(group).getPrime();
  const bits = p.length * 8;
  return `20240101000000 2 6 100 ${bits - 1} 2 ${p.toString("hex").toUpperCase()}`;
}

describeWithDaemon(
  "issue 23: OpenSSH DH group exchange and host certificates",
  Boolean(SSHD && SSH_KEYGEN && IS_ROOT),
  "needs sshd, ssh-keygen and root",
  () => {
    let smallModuli: RunningDaemon;
    let certs: RunningDaemon;

    beforeAll(async () => {
      [smallModuli, certs] = await Promise.all([
        startSshd([{ type: "ed25519" }], ["KexAlgorithms diffie-hellman-group-exchange-sha256,curve25519-sha256"], {}, [], (dir) => {
          const file = join(dir, "moduli");
          writeFileSync(
            file,
            ["# RFC 2409 group 2, RFC 3526 groups 5 and 14 (small groups on purpose)", moduliLine("modp2"), moduliLine("modp5"), moduliLine("modp14")].join(
              "\n",
            ) + "\n",
          );
          return [`ModuliFile ${file}`];
        }),
        startSshd([], [], {}, [], (dir) => {
          // a weak CA (RSA 1024, SHA-1 signatures) certifies the Ed25519 host key; a strong one (Ed25519)
          // the ECDSA key; the RSA key's certificate expired in 2020
          const weakCa = keygen(dir, "ca_rsa1024", "rsa", 1024);
          const goodCa = keygen(dir, "ca_ed25519", "ed25519");
          const lines: string[] = [];
          for (const [type, ca, extra] of [
            ["ed25519", weakCa, ["-t", "ssh-rsa"]],
            ["ecdsa", goodCa, []],
            ["rsa", goodCa, ["-V", "20200101:20200102"]],
          ] as const) {
            const key = keygen(dir, `host_${type}`, type, type === "rsa" ? 3072 : undefined);
            execFileSync(SSH_KEYGEN!, [
              "-q",
              "-s",
              ca,
              "-I",
              `otaudit-${type}`,
              "-h",
              "-n",
              "localhost,127.0.0.1",
              ...(extra.length ? extra : ["-V", "-5m:+52w"]),
              `${key}.pub`,
            ]);
            lines.push(`HostKey ${key}`, `HostCertificate ${key}-cert.pub`);
          }
          return lines;
        }),
      ]);
    });
    afterAll(async () => {
      await Promise.all([smallModuli?.stop(), certs?.stop()]);
    });

    it("group exchange: the small request reads the host key on the hello connection, the large one has its own; OpenSSH never serves its 1024/1536-bit moduli (DH_GRP_MIN 2048) and answers 2048 even for 8192", async () => {
      const before = await connectionsSoFar(smallModuli);
      const d = await auditSsh(HOST, smallModuli.port);
      const s = services(d);
      expect(s.groupExchange).toMatchObject({
        algorithm: "diffie-hellman-group-exchange-sha256",
        requests: [
          { label: "small", bits: 2048, generator: "2" },
          { label: "large", bits: 2048 },
        ],
      });
      // OpenSSH signed its reply to our small request: the key is read in that same exchange
      expect(s.hostKeys[0]).toMatchObject({ status: "collected", kex: "diffie-hellman-group-exchange-sha256" });
      const f = finding(d, "ssh.kex.gex-modulus");
      expect(f).toMatchObject({ status: "pass", evidence: { sizes: { small: 2048, large: 2048 } } });
      expect(f.message).toMatch(/largest served is 2048 bits, even when 8192 is asked for/);
      expect(smallModuli.log()).not.toMatch(/no suitable primes/);
      // that exchange is completed and carries the `none` request too: 2 connections (3 before)
      expect(s.auth).toMatchObject({ transport: "otaudit", methods: expect.arrayContaining(["publickey"]) });
      await new Promise((r) => setTimeout(r, 200));
      expect(connectionsInLog(smallModuli.log()) - before).toBe(2);
    });

    it("host certificates are read and rated: weak CA fails, expired fails, a good one passes", async () => {
      const d = await auditSsh(HOST, certs.port);
      const s = services(d);
      const certKeys = s.hostKeys.filter((k) => k.keyType.endsWith("-cert-v01@openssh.com"));
      expect(certKeys.map((k) => [k.keyType, k.status])).toEqual(
        expect.arrayContaining([
          ["ssh-ed25519-cert-v01@openssh.com", "collected"],
          ["ecdsa-sha2-nistp256-cert-v01@openssh.com", "collected"],
          ["ssh-rsa-cert-v01@openssh.com", "collected"],
        ]),
      );
      const ed = certKeys.find((k) => k.keyType.startsWith("ssh-ed25519"))!;
      expect(ed.certificate).toMatchObject({
        certType: 2,
        keyId: "otaudit-ed25519",
        principals: ["localhost", "127.0.0.1"],
        ca: { keyType: "ssh-rsa", bits: 1024 },
        signatureAlgorithm: "ssh-rsa",
      });
      const outcomes = Object.fromEntries(
        d.findings.filter((f) => f.ruleId === "ssh.hostkey.certificate").map((f) => [f.evidence.keyType, [f.status, f.message]]),
      );
      expect(outcomes["ssh-ed25519-cert-v01@openssh.com"]).toEqual(["fail", expect.stringMatching(/weak CA key \(RSA 1024 bits/)]);
      expect(outcomes["ecdsa-sha2-nistp256-cert-v01@openssh.com"]).toEqual(["pass", expect.stringMatching(/ed25519 CA, ssh-ed25519 signature/)]);
      expect(outcomes["ssh-rsa-cert-v01@openssh.com"]).toEqual(["fail", expect.stringMatching(/expired on 2020-01-02/)]);
      // the certified keys' own strength is judged too
      expect(d.findings.filter((f) => f.ruleId === "ssh.hostkey.size").every((f) => f.status === "pass")).toBe(true);
    });
  },
);

describe("issue 23: a group-exchange server handing out RFC 2409 group 2 (1024 bits)", () => {
  it("fails the small-modulus check", async () => {
    const group = Buffer.concat([Buffer.from([MSG.KEXDH_REPLY]), encodeMpint(getDiffieHellman("modp2").getPrime()), encodeMpint(Buffer.from([2]))]);
    const srv = await scriptedServer(kexResponder(kexInit({ kexAlgorithms: ["diffie-hellman-group-exchange-sha1"] }), encodeBinaryPacket(group)));
    try {
      const d = await auditSsh(HOST, srv.port, { timeoutMs: 300 });
      expect(finding(d, "ssh.kex.gex-modulus")).toMatchObject({
        status: "fail",
        severity: "high",
        evidence: { sizes: { small: 1024, large: 1024 } },
      });
      // hello + host key + the small request in one connection, then the large request
      expect(srv.peers.length).toBeGreaterThanOrEqual(2);
    } finally {
      await srv.close();
    }
  });
});
