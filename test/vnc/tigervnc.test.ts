// Interop against TigerVNC's Xtigervnc (Debian tigervnc-standalone-server) on loopback: security
// type None (critical fail), VNC Authentication with a password file (fail naming DES), and X509Plain
// (VeNCrypt with a certificate: no failure). Xvnc's own log shows a clean disconnection and no
// authentication attempt for every connection of a default run. No real display is needed.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import vnc from "../../probes/vnc/index.js";
import type { VncFacts } from "../../probes/vnc/facts.js";
import { describeWithDaemon, waitFor } from "../helpers/daemons.js";
import { auditUrls, finding } from "./kit.js";
import { OPENSSL, startXvnc, vncPasswordFile, XVNC, type Xvnc } from "./xvnc.js";

describeWithDaemon("TigerVNC Xtigervnc interop", Boolean(XVNC && OPENSSL), "needs /usr/bin/Xtigervnc (tigervnc-standalone-server) and openssl", () => {
  const dir = mkdtempSync(join(tmpdir(), "otaudit-xvnc-"));
  let none: Xvnc, vncAuth: Xvnc, x509: Xvnc;

  beforeAll(async () => {
    vncPasswordFile(join(dir, "passwd"), "otaudit!");
    execFileSync(
      OPENSSL!,
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
        "-days",
        "2",
        "-subj",
        "/CN=otaudit-test",
      ],
      { stdio: "ignore" },
    );
    [none, vncAuth, x509] = await Promise.all([
      startXvnc(dir, ["-SecurityTypes", "None"]),
      startXvnc(dir, ["-SecurityTypes", "VncAuth", "-PasswordFile", join(dir, "passwd")]),
      startXvnc(dir, ["-SecurityTypes", "X509Plain", "-X509Cert", join(dir, "cert.pem"), "-X509Key", join(dir, "key.pem")]),
    ]);
  }, 30_000);
  afterAll(async () => {
    await Promise.all([none?.daemon.stop(), vncAuth?.daemon.stop(), x509?.daemon.stop()]);
    execFileSync("rm", ["-rf", dir]);
  });

  const url = (x: Xvnc) => `vnc://127.0.0.1:${x.port}`;

  it("-SecurityTypes None: critical failure naming None", async () => {
    const d = await auditUrls(vnc, [url(none)]);
    expect((d.facts.vnc!.data as VncFacts).services[0]).toMatchObject({
      serverVersion: { raw: "RFB 003.008\n" },
      clientVersion: "3.8",
      security: { types: [1] },
    });
    expect(finding(d, "vnc.auth.none")).toMatchObject({ status: "fail", severity: "critical", evidence: { securityTypes: ["None (1)"] } });
  });

  it("-SecurityTypes VncAuth: failure naming VNC Authentication and DES", async () => {
    const d = await auditUrls(vnc, [url(vncAuth)]);
    expect(finding(d, "vnc.auth.none").status).toBe("pass");
    const f = finding(d, "vnc.security-types");
    expect(f).toMatchObject({ status: "fail", evidence: { weak: ["VNC Authentication (2)"] } });
    expect(f.message).toMatch(/DES_CHALLENGE/);
  });

  it("-SecurityTypes X509Plain (VeNCrypt): no failure", async () => {
    const d = await auditUrls(vnc, [url(x509)]);
    expect((d.facts.vnc!.data as VncFacts).services[0]!.security!.types).toEqual([19]);
    expect(d.findings.filter((f) => f.status === "fail")).toEqual([]);
    expect(finding(d, "vnc.security-types")).toMatchObject({ status: "undetermined", reason: "unobservable" });
  });

  it("Xvnc's own log: every connection closed cleanly, no authentication attempted", async () => {
    await waitFor(() => [none, vncAuth, x509].every((x) => /Connections: closed/.test(x.daemon.log())), 5000);
    for (const x of [none, vncAuth, x509]) {
      const log = x.daemon.log();
      expect(log).toMatch(/Client needs protocol version 3\.8/);
      expect(log).toMatch(/closing 127\.0\.0\.1::\d+: Clean disconnection/);
      expect(log).not.toMatch(/[Aa]uthentication fail|AuthFailure|SecurityType|password/i);
    }
  });
});
