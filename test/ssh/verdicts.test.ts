// Issue 12 (verdict integrity), SSH: each false-pass class against a peer that behaves so — Debian's
// OpenSSH and Dropbear where they can (an `admin` account with an EMPTY password, visible only to
// the daemon's own mount namespace), scripted peers otherwise. Each test fails on the code before
// the fix (which passed these devices).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeWithDaemon } from "../helpers/daemons.js";
import type { SshFacts } from "../../probes/ssh/facts.js";
import type { CredentialEntry } from "../../src/config/credentials.js";
import { auditSsh, finding } from "./helpers.js";
import { DROPBEAR, DROPBEARKEY, IS_ROOT, SSHD, SSH_KEYGEN, startDropbear, startSshd, UNSHARE, type RunningDaemon } from "./sshd.js";
import { ecdhReply, kexInit, kexResponder, quirkyAuthServer, scriptedServer } from "./peers.js";
import { encodeString } from "../../probes/ssh/kexinit.js";

const HOST = "127.0.0.1";
const FAST = { "login.delayMs": "0" };
/** generous per-operation timeout: these tests are about verdicts, and CI machines can be loaded */
const SLOW_OK = 10_000;
const emptyBench = [{ protocol: "ssh", username: "admin", password: "" }] as unknown as CredentialEntry[];
const services = (d: Awaited<ReturnType<typeof auditSsh>>) => (d.facts.ssh!.data as SshFacts).services[0]!;

describeWithDaemon(
  "issue 12: OpenSSH with an empty-password account (PermitEmptyPasswords yes)",
  Boolean(SSHD && SSH_KEYGEN && IS_ROOT && UNSHARE),
  "needs sshd, ssh-keygen, unshare and root",
  () => {
    let sshd: RunningDaemon;
    beforeAll(async () => {
      sshd = await startSshd([{ type: "ed25519" }], ["PasswordAuthentication yes", "PermitEmptyPasswords yes", "KbdInteractiveAuthentication no"], {}, [
        { name: "admin", password: "" },
      ]);
    });
    afterAll(async () => {
      await sshd?.stop();
    });

    it("default mode cannot know: the empty-password check is undetermined (unobservable), never a pass", async () => {
      const d = await auditSsh(HOST, sshd.port, { timeoutMs: SLOW_OK });
      expect(finding(d, "ssh.auth.empty-password")).toMatchObject({ status: "undetermined", reason: "unobservable" });
      expect(d.findings.filter((f) => f.ruleId.startsWith("ssh.auth.") && f.status === "pass")).toEqual([]);
      expect(sshd.log()).not.toMatch(/Accepted|method password/);
    });

    it("--intrusive: `none` logs the empty-password account in; reported as default credentials and as a login without a secret", async () => {
      const d = await auditSsh(HOST, sshd.port, { intrusive: true, options: FAST, timeoutMs: SLOW_OK });
      expect(finding(d, "ssh.auth.default-credentials")).toMatchObject({
        status: "fail",
        evidence: { account: "admin", entry: "moxa-eds-admin-empty", method: "none" },
      });
      expect(finding(d, "ssh.auth.empty-password")).toMatchObject({ status: "fail", evidence: { account: "admin", method: "none" } });
      expect(finding(d, "ssh.auth.password-single-factor")).toMatchObject({ status: "fail", severity: "critical" });
      expect(sshd.log()).toMatch(/Accepted none for admin/);
      // root was tried first (`none`, then the empty password) and refused; nothing past the first success
      expect(services(d).defaultCredentials!.attempts.map((a) => [a.username, a.result])).toEqual([
        ["root", "rejected"],
        ["admin", "accepted"],
      ]);
    });

    it('bench credentials with an empty password (password: "") are a value, not an absence', async () => {
      const d = await auditSsh(HOST, sshd.port, { credentials: emptyBench, timeoutMs: SLOW_OK });
      expect(services(d).credentialed).toMatchObject({ factorsGiven: ["password"], emptyPassword: true, authenticated: true });
      expect(finding(d, "ssh.auth.empty-password")).toMatchObject({ status: "fail", evidence: { username: "admin" } });
      expect(finding(d, "ssh.auth.mfa")).toMatchObject({ status: "fail" });
    });
  },
);

describeWithDaemon(
  "issue 12: Dropbear accepting blank passwords (-B)",
  Boolean(DROPBEAR && DROPBEARKEY && IS_ROOT && UNSHARE),
  "needs dropbear, dropbearkey, unshare and root",
  () => {
    let dropbear: RunningDaemon;
    beforeAll(async () => {
      dropbear = await startDropbear([{ type: "ed25519" }], ["-B"], [{ name: "admin", password: "" }]);
    });
    afterAll(async () => {
      await dropbear?.stop();
    });

    it("--intrusive: `none` logs the blank-password account in (svr-auth.c 'Auth succeeded with blank password'); not a pass", async () => {
      const d = await auditSsh(HOST, dropbear.port, { intrusive: true, options: FAST, timeoutMs: SLOW_OK });
      expect(finding(d, "ssh.auth.default-credentials")).toMatchObject({ status: "fail", evidence: { account: "admin", method: "none" } });
      expect(dropbear.log()).toMatch(/Auth succeeded with blank password for 'admin'/);
      expect(finding(d, "ssh.auth.empty-password").status).toBe("fail");
      expect(finding(d, "ssh.auth.empty-password").evidence.hardening).toMatchObject({ family: "Dropbear", hint: expect.stringMatching(/-B/) });
    });
  },
);

describe("issue 12: servers that list only publickey", () => {
  it("takes any password: tried anyway (within the budget) and reported, not passed as 'no password method'", async () => {
    const srv = await quirkyAuthServer({ advertise: ["publickey"], acceptPassword: () => true });
    try {
      const d = await auditSsh(HOST, srv.port, { intrusive: true, options: FAST, timeoutMs: SLOW_OK });
      expect(finding(d, "ssh.auth.default-credentials")).toMatchObject({ status: "fail", evidence: { account: "root", method: "password" } });
      const a = services(d).defaultCredentials!.attempts[0]!;
      expect(a).toMatchObject({ username: "root", methodsOffered: ["publickey"], method: "password", unadvertised: true, result: "accepted" });
      expect(srv.requests.filter((r) => r.method === "password")).toEqual([{ method: "password", username: "root", password: "" }]);
    } finally {
      await srv.close();
    }
  });

  it("lets a real account name in with `none`: unobservable by default, a critical failure with --intrusive", async () => {
    const srv = await quirkyAuthServer({ advertise: ["publickey"], acceptNone: (u) => u === "root" });
    try {
      const quiet = await auditSsh(HOST, srv.port, { timeoutMs: SLOW_OK });
      expect(finding(quiet, "ssh.auth.empty-password")).toMatchObject({ status: "undetermined", reason: "unobservable" });
      const d = await auditSsh(HOST, srv.port, { intrusive: true, options: FAST, timeoutMs: SLOW_OK });
      expect(finding(d, "ssh.auth.empty-password")).toMatchObject({ status: "fail", evidence: { account: "root", method: "none" } });
      expect(finding(d, "ssh.auth.default-credentials")).toMatchObject({ status: "fail", evidence: { method: "none" } });
    } finally {
      await srv.close();
    }
  });

  it("a method list padded with repeats keeps the password method: no pass for 'only publickey offered'", async () => {
    const srv = await quirkyAuthServer({ advertise: [...Array(40).fill("publickey"), "password"] });
    try {
      const d = await auditSsh(HOST, srv.port, { timeoutMs: SLOW_OK });
      expect(services(d).auth?.methods).toEqual(["publickey", "password"]);
      expect(finding(d, "ssh.auth.password-single-factor")).toMatchObject({ status: "fail", evidence: { passwordLike: ["password"] } });
    } finally {
      await srv.close();
    }
  });

  it("a login budget of 0 tries nothing: undetermined (not-attempted), never a pass", async () => {
    const srv = await quirkyAuthServer({ advertise: ["publickey"] });
    try {
      const d = await auditSsh(HOST, srv.port, { intrusive: true, options: { ...FAST, "login.budget": "0" }, timeoutMs: SLOW_OK });
      expect(finding(d, "ssh.auth.default-credentials")).toMatchObject({ status: "undetermined", reason: "not-attempted" });
      expect(srv.requests.filter((r) => r.method === "password")).toEqual([]);
    } finally {
      await srv.close();
    }
  });
});

describe("issue 12: what the server offers", () => {
  const T = 300;

  it("unknown kex, host-key, cipher and MAC names are undetermined (unknown-value), not a pass with a note", async () => {
    const srv = await scriptedServer(
      kexResponder(
        kexInit({
          kexAlgorithms: ["curve25519-sha256", "kex-zz-sha3@example.com"],
          serverHostKeyAlgorithms: ["ssh-ed25519", "ssh-zz@example.com"],
          encryptionClientToServer: ["aes128-ctr", "zz256-ctr@example.com"],
          encryptionServerToClient: ["aes128-ctr"],
          macClientToServer: ["hmac-sha2-256", "hmac-zz@example.com"],
          macServerToClient: ["hmac-sha2-256"],
        }),
        (s) => s.end(),
      ),
    );
    try {
      const d = await auditSsh(HOST, srv.port, { timeoutMs: T });
      for (const [rule, name] of [
        ["ssh.kex.weak", "kex-zz-sha3@example.com"],
        ["ssh.hostkey.algorithm", "ssh-zz@example.com"],
        ["ssh.cipher.weak", "zz256-ctr@example.com"],
        ["ssh.mac.weak", "hmac-zz@example.com"],
      ] as const) {
        expect(finding(d, rule), rule).toMatchObject({ status: "undetermined", reason: "unknown-value", evidence: { unknown: [name] } });
      }
    } finally {
      await srv.close();
    }
  });

  it("Terrapin by name: an encrypt-then-MAC name the data does not list, with a CBC cipher, is exposed", async () => {
    const srv = await scriptedServer(
      kexResponder(kexInit({ encryptionServerToClient: ["aes256-cbc"], macServerToClient: ["hmac-sha3-256-etm@openssh.com"] }), (s) => s.end()),
    );
    try {
      const d = await auditSsh(HOST, srv.port, { timeoutMs: T });
      expect(finding(d, "ssh.terrapin")).toMatchObject({
        status: "fail",
        evidence: { strictKex: false, etmMacs: ["hmac-sha3-256-etm@openssh.com"], cbcCiphers: ["aes256-cbc"] },
      });
    } finally {
      await srv.close();
    }
  });

  it("a malformed host-key blob keeps every fact already read: weak algorithms still fail, the key is undetermined (unparsed)", async () => {
    const truncatedRsa = Buffer.concat([encodeString("ssh-rsa"), encodeString(Buffer.from([1, 0, 1])), Buffer.from([0, 0, 1, 0, 0xc0])]); // n claims 256 bytes, has 1
    const srv = await scriptedServer(
      kexResponder(
        kexInit({ kexAlgorithms: ["curve25519-sha256", "diffie-hellman-group1-sha1"], serverHostKeyAlgorithms: ["rsa-sha2-512"] }),
        ecdhReply(truncatedRsa),
      ),
    );
    try {
      const d = await auditSsh(HOST, srv.port, { timeoutMs: T });
      expect(d.facts.ssh!.status).toBe("ok");
      expect(finding(d, "ssh.kex.weak")).toMatchObject({ status: "fail", evidence: { weak: ["diffie-hellman-group1-sha1"] } });
      const size = finding(d, "ssh.hostkey.size");
      expect(size).toMatchObject({
        status: "undetermined",
        reason: "unparsed",
        evidence: { keyType: "ssh-rsa", fingerprint: expect.stringMatching(/^SHA256:/) },
      });
      expect(services(d).hostKeys[0]).toMatchObject({ status: "unparsed", parseError: expect.stringMatching(/rsa n/) });
    } finally {
      await srv.close();
    }
  });
});
