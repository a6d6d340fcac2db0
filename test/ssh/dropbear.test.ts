// Interop against Debian's Dropbear on loopback: algorithms read from its KEXINIT, every host key
// read, auth methods listed without a password attempt, and a password-only login reported as a
// single factor when bench credentials are given.
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithDaemon } from "../helpers/daemons.js";
import type { SshFacts } from "../../probes/ssh/facts.js";
import { auditSsh, finding } from "./helpers.js";
import { connectionsInLog, connectionsSoFar, createTestUser, DROPBEAR, DROPBEARKEY, IS_ROOT, startDropbear, type RunningDaemon } from "./sshd.js";

const HOST = "127.0.0.1";

describeWithDaemon("Dropbear interop", Boolean(DROPBEAR && DROPBEARKEY && IS_ROOT), "needs /usr/sbin/dropbear, dropbearkey and root", () => {
  let dropbear: RunningDaemon;
  let user: { name: string; cleanup(): void };
  const password = "Dropbear-Bench-" + process.pid;

  beforeAll(async () => {
    user = createTestUser(password);
    dropbear = await startDropbear([{ type: "ed25519" }, { type: "ecdsa", bits: 256 }, { type: "rsa", bits: 2048 }]);
  });
  afterAll(async () => {
    await dropbear?.stop();
    user?.cleanup();
  });

  it("default mode: banner, every algorithm classified, host keys read, methods listed", async () => {
    const before = await connectionsSoFar(dropbear);
    const d = await auditSsh(HOST, dropbear.port);
    expect(d.facts.ssh!.status).toBe("ok");
    const s = (d.facts.ssh!.data as SshFacts).services[0]!;
    expect(s.banner).toMatchObject({ product: "Dropbear", protocolVersion: "2.0" });
    for (const id of ["ssh.kex.weak", "ssh.cipher.weak", "ssh.mac.weak", "ssh.hostkey.algorithm"]) expect(finding(d, id).evidence.unknown, id).toBeUndefined();
    const keys = Object.fromEntries(s.hostKeys.map((k) => [k.keyType, [k.status, k.bits]]));
    expect(keys).toMatchObject({ "ssh-ed25519": ["collected", 256], "ecdsa-sha2-nistp256": ["collected", 256], "ssh-rsa": ["collected", 2048] });
    expect(s.auth!.methods).toEqual(expect.arrayContaining(["publickey", "password"]));
    // the `none` request rode on the first key exchange (otaudit's transport): one connection per
    // host key, 3 (4 before, with a separate ssh2 connection), as Dropbear's own log counts them
    expect(s.auth!.transport).toBe("otaudit");
    await new Promise((r) => setTimeout(r, 200));
    expect(connectionsInLog(dropbear.log()) - before).toBe(3);
    expect(finding(d, "ssh.auth.password-single-factor").status).toBe("fail");
    expect(dropbear.log()).not.toMatch(/Bad password attempt|Password auth succeeded/);
  });

  it("with bench credentials: a password alone logs in, reported as a single factor", async () => {
    const d = await auditSsh(HOST, dropbear.port, { credentials: [{ protocol: "ssh", username: user.name, password }] });
    expect(finding(d, "ssh.auth.mfa")).toMatchObject({ status: "fail", evidence: { method: "password" } });
    expect(dropbear.log()).toMatch(/Password auth succeeded/);
  });
});
