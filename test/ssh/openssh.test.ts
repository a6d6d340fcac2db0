// Interop against Debian's OpenSSH sshd on loopback: a deliberately weak configuration (each
// weakness a failing finding naming it, and sshd's own log shows no password attempt in default
// mode) and a hardened one (no algorithm finding fails; MFA verified with the test user's key and
// password). One sshd per configuration, started once for the file.
import { sshKeyPair } from "../../probes/ssh/simulator.js";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithDaemon } from "../helpers/daemons.js";
import type { SshFacts } from "../../probes/ssh/facts.js";
import { ALGORITHM_RULES, auditSsh, finding, tempStateDir } from "./helpers.js";
import { connectionsInLog, connectionsSoFar, createTestUser, IS_ROOT, SSH_KEYGEN, SSHD, startSshd, type RunningDaemon } from "./sshd.js";

const HOST = "127.0.0.1";
const available = Boolean(SSHD && SSH_KEYGEN && IS_ROOT);

describeWithDaemon("OpenSSH sshd interop", available, "needs /usr/sbin/sshd, ssh-keygen and root (sshd -D on a loopback port)", () => {
  let weak: RunningDaemon;
  let hardened: RunningDaemon;
  let user: { name: string; cleanup(): void };
  const password = "Bench-Pw-" + process.pid;
  const clientKey = sshKeyPair("ed25519");
  const keyFile = join(tempStateDir(), "bench_ed25519");
  writeFileSync(keyFile, clientKey.private, { mode: 0o600 });

  beforeAll(async () => {
    user = createTestUser(password);
    [weak, hardened] = await Promise.all([
      startSshd(
        [{ type: "rsa", bits: 1024 }, { type: "dsa" }],
        [
          "KexAlgorithms diffie-hellman-group1-sha1,diffie-hellman-group14-sha1",
          "Ciphers 3des-cbc,aes128-cbc",
          "MACs hmac-md5,hmac-sha1",
          "HostKeyAlgorithms ssh-rsa,ssh-dss",
          "PasswordAuthentication yes",
          "KbdInteractiveAuthentication no",
        ],
      ),
      startSshd(
        [{ type: "ed25519" }, { type: "rsa", bits: 3072 }],
        [
          "KexAlgorithms curve25519-sha256,curve25519-sha256@libssh.org",
          "Ciphers aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes128-ctr",
          "MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com",
          "HostKeyAlgorithms ssh-ed25519,rsa-sha2-512,rsa-sha2-256",
          "PubkeyAuthentication yes",
          "PasswordAuthentication yes",
          "KbdInteractiveAuthentication no",
          "AuthenticationMethods publickey,password",
        ],
        { [user.name]: clientKey.public },
      ),
    ]);
  });

  afterAll(async () => {
    await Promise.all([weak?.stop(), hardened?.stop()]);
    user?.cleanup();
  });

  it("weak sshd: each weakness is a failing finding naming it", async () => {
    const before = await connectionsSoFar(weak);
    const d = await auditSsh(HOST, weak.port);
    expect(d.facts.ssh!.status).toBe("ok");
    const facts = (d.facts.ssh!.data as SshFacts).services[0]!;
    expect(facts.banner).toMatchObject({ product: "OpenSSH", protocolVersion: "2.0" });
    expect(finding(d, "ssh.kex.weak")).toMatchObject({ status: "fail", evidence: { weak: ["diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1"] } });
    expect(finding(d, "ssh.cipher.weak")).toMatchObject({ status: "fail", evidence: { weak: ["3des-cbc", "aes128-cbc"] } });
    expect(finding(d, "ssh.mac.weak").evidence.weak).toEqual(expect.arrayContaining(["hmac-md5", "hmac-sha1"]));
    expect(finding(d, "ssh.hostkey.algorithm")).toMatchObject({ status: "fail", evidence: { weak: ["ssh-rsa", "ssh-dss"] } });
    const sizes = d.findings.filter((f) => f.ruleId === "ssh.hostkey.size").map((f) => [f.status, f.evidence.keyType, f.evidence.bits]);
    expect(sizes).toEqual(
      expect.arrayContaining([
        ["fail", "ssh-rsa", 1024],
        ["fail", "ssh-dss", 1024],
      ]),
    );
    for (const k of facts.hostKeys) expect(k.fingerprintSha256).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(finding(d, "ssh.auth.password-single-factor")).toMatchObject({ status: "fail", evidence: { passwordLike: ["password"] } });
    expect(finding(d, "ssh.auth.mfa").message).toBe("unverified: no bench credentials");
    // DH group14-sha1, ssh-rsa, aes128-cbc, hmac-sha1: the `none` request rides on the RSA key's
    // exchange; one connection per host key (RSA, DSA), 2 in sshd's log (3 before)
    expect(facts.auth).toMatchObject({ transport: "otaudit", noneAccepted: false });
    await new Promise((r) => setTimeout(r, 200));
    expect(connectionsInLog(weak.log()) - before).toBe(2);
  });

  it("weak sshd: its own log shows the `none` request and no password attempt", async () => {
    const log = weak.log();
    expect(log).toMatch(/userauth-request for user otaudit service ssh-connection method none/);
    expect(log).not.toMatch(/method password/);
    expect(log).not.toMatch(/Failed password|Accepted password/);
  });

  it("hardened sshd: no algorithm finding fails; only publickey offered first", async () => {
    const d = await auditSsh(HOST, hardened.port);
    for (const id of ALGORITHM_RULES)
      for (const f of d.findings.filter((x) => x.ruleId === id)) expect([id, f.status, f.message]).toEqual([id, "pass", f.message]);
    expect((d.facts.ssh!.data as SshFacts).services[0]!.algorithms!.strictKex).toBe(true);
    expect(finding(d, "ssh.auth.password-single-factor")).toMatchObject({ status: "pass", evidence: { methods: ["publickey"] } });
  });

  it("hardened sshd: with the test user's key and password, MFA is verified", async () => {
    const d = await auditSsh(HOST, hardened.port, { credentials: [{ protocol: "ssh", username: user.name, password, privateKey: keyFile }] });
    const mfa = finding(d, "ssh.auth.mfa");
    expect(mfa).toMatchObject({ status: "pass" });
    expect(mfa.message).toMatch(/MFA verified.*publickey then password/);
    expect(hardened.log()).toMatch(new RegExp(`Accepted password for ${user.name}`));
    expect(hardened.log()).toMatch(/Partial publickey for/);
  });
});
