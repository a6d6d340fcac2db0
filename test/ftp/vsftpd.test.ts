// Interop against Debian's vsftpd 3 on loopback: anonymous on with no TLS (cleartext login, no AUTH
// TLS, anonymous access: three failures naming their replies), anonymous off without TLS
// (cleartext still fails, anonymous passes), and the hardened configuration (ssl_enable with
// force_local_logins_ssl, anonymous off: no failure). vsftpd's own protocol log shows that a
// default run sends PASS only after USER anonymous, and that --intrusive stays within the budget
// and inside TLS.
import { afterAll, beforeAll, expect, it } from "vitest";
import ftp from "../../probes/ftp/index.js";
import type { FtpFacts } from "../../probes/ftp/facts.js";
import { describeWithDaemon } from "../helpers/daemons.js";
import { auditUrls, finding } from "../vnc/kit.js";
import { IS_ROOT, OPENSSL, startVsftpd, VSFTPD, type Vsftpd } from "./vsftpd.js";

describeWithDaemon("vsftpd interop", Boolean(VSFTPD && OPENSSL && IS_ROOT), "needs /usr/sbin/vsftpd, openssl and root (vsftpd drops privileges itself)", () => {
  let anonPlain: Vsftpd, localPlain: Vsftpd, hardened: Vsftpd;
  beforeAll(async () => {
    [anonPlain, localPlain, hardened] = await Promise.all([
      startVsftpd({ anonymous_enable: "YES", local_enable: "YES", ssl_enable: "NO" }),
      startVsftpd({ anonymous_enable: "NO", local_enable: "YES", ssl_enable: "NO", delay_failed_login: "0" }),
      startVsftpd(
        {
          anonymous_enable: "NO",
          local_enable: "YES",
          ssl_enable: "YES",
          force_local_logins_ssl: "YES",
          force_local_data_ssl: "YES",
          ssl_sslv2: "NO",
          ssl_sslv3: "NO",
          delay_failed_login: "0",
        },
        true,
      ),
    ]);
  }, 30_000);
  afterAll(() => Promise.all([anonPlain?.stop(), localPlain?.stop(), hardened?.stop()]));
  const url = (v: Vsftpd) => `ftp://127.0.0.1:${v.port}`;

  it("anonymous_enable=YES, ssl_enable=NO: cleartext login, no AUTH TLS and anonymous access fail", async () => {
    const d = await auditUrls(ftp, [url(anonPlain)]);
    expect(finding(d, "ftp.cleartext-login")).toMatchObject({ status: "fail", evidence: { reply: ["331 Please specify the password."] } });
    expect(finding(d, "ftp.auth-tls").status).toBe("fail");
    expect(finding(d, "ftp.anonymous")).toMatchObject({ status: "fail", message: expect.stringMatching(/230 Login successful/) });
    expect(ftp.identify!(d.facts.ftp!.data as FtpFacts)[0]).toMatchObject({ product: "vsftpd", version: "3.0.3" });
  });

  it("anonymous_enable=NO, ssl_enable=NO: anonymous refused, cleartext login still fails", async () => {
    const d = await auditUrls(ftp, [url(localPlain)]);
    expect(finding(d, "ftp.anonymous").status).toBe("pass");
    expect(finding(d, "ftp.cleartext-login").status).toBe("fail");
  });

  it("hardened (ssl_enable, force_local_logins_ssl, anonymous off): no failure", async () => {
    const d = await auditUrls(ftp, [url(hardened)]);
    expect(d.findings.filter((f) => f.status === "fail")).toEqual([]);
    expect(finding(d, "ftp.cleartext-login")).toMatchObject({ status: "pass", evidence: { reply: ["530 Non-anonymous sessions must use encryption."] } });
    expect(finding(d, "ftp.auth-tls").status).toBe("pass");
    expect((d.facts.ftp!.data as FtpFacts).services[0]!.authTls!.tlsSession).toMatchObject({
      certificate: { subject: "CN=otaudit-vsftpd", keyType: "rsa", keyBits: 2048 },
    });
  });

  it("vsftpd's log: a default run sent PASS only after USER anonymous, and no login of a real user", () => {
    for (const v of [anonPlain, localPlain, hardened]) {
      const cmds = [...v.log().matchAll(/\[pid (\d+)\][^\n]*FTP command: Client "127\.0\.0\.1", "([^"]*)"/g)].map((m) => [m[1], m[2]] as const);
      expect(cmds.length).toBeGreaterThan(0);
      for (const [i, [pid, cmd]] of cmds.entries()) {
        if (cmd.startsWith("PASS"))
          expect(
            cmds
              .slice(0, i)
              .filter(([p]) => p === pid)
              .map(([, c]) => c),
          ).toContain("USER anonymous");
      }
      // logins (ok or failed) only ever for the anonymous account (RFC 1635), never a real user
      for (const m of v.log().matchAll(/\[pid \d+\] \[([^\]]*)\] (?:OK|FAIL) LOGIN/g)) expect(["anonymous", "ftp"]).toContain(m[1]);
    }
    expect(anonPlain.log()).toMatch(/OK LOGIN: Client "127\.0\.0\.1", anon password "otaudit@"/);
  });

  it("--intrusive on the hardened server: the budget of 2 is kept, both tries after AUTH TLS", async () => {
    const realUserFailures = () => [...hardened.log().matchAll(/\[pid (\d+)\] \[([^\]]*)\] FAIL LOGIN/g)].filter((m) => m[2] !== "anonymous");
    const before = realUserFailures().length;
    const d = await auditUrls(ftp, [url(hardened)], { intrusive: true, options: { "login.delayMs": "0", "login.budget": "2" } });
    const f = finding(d, "ftp.auth.default-credentials");
    expect(f.status).toBe("pass");
    expect(f.message).toMatch(/2 known default credentials rejected/);
    expect((d.facts.ftp!.data as FtpFacts).services[0]!.defaultCredentials!.overTls).toBe(true);
    const tries = realUserFailures().slice(before);
    expect(tries.map((m) => m[2])).toEqual(["admin", "MELSEC"]);
    // each USER of a real account came after AUTH TLS on its own connection (same vsftpd session pid)
    for (const user of ["admin", "MELSEC"]) {
      const pid = new RegExp(`\\[pid (\\d+)\\] FTP command: Client "127\\.0\\.0\\.1", "USER ${user}"`).exec(hardened.log())![1];
      expect(hardened.log()).toContain(`[pid ${pid}] FTP command: Client "127.0.0.1", "AUTH TLS"`);
    }
  }, 20_000);
});
