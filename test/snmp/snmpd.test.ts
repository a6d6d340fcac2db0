// Issue 12 §2 and issue 23 (SNMP) against Debian's Net-SNMP snmpd on loopback, configured by this
// file. Agent "v3": no community; user authu (SHA/AES) allowed at authNoPriv ('rouser authu auth'),
// user md5empty (MD5/DES) whose view holds nothing of the system group; trap and inform
// destinations (trap2sink, informsink, a v3 trapsess) and authtrapenable 1. Agent "quiet":
// 'rocommunity public', no destination, authentication traps left at their default (disabled).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { CredentialEntry } from "../../src/config/credentials.js";
import { describeWithDaemon, findBinary, freeUdpPort, spawnDaemon, waitFor, type DaemonProcess } from "../helpers/daemons.js";
import { byRule, runSnmp } from "./helpers.js";

const SNMPD = findBinary("/usr/sbin/snmpd");
const HOST = "127.0.0.1";

async function startSnmpd(name: string, conf: (ports: number[]) => string): Promise<{ port: number; d: DaemonProcess; sinks: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), `otaudit-snmpd-${name}-`));
  const [port, ...sinks] = await Promise.all([freeUdpPort(HOST), freeUdpPort(HOST), freeUdpPort(HOST), freeUdpPort(HOST)]);
  writeFileSync(join(dir, "snmpd.conf"), conf(sinks));
  const logFile = join(dir, "snmpd.log");
  writeFileSync(logFile, "");
  const d = spawnDaemon(SNMPD!, ["-f", "-Lf", logFile, "-C", "-c", join(dir, "snmpd.conf"), "-p", join(dir, "snmpd.pid"), `udp:${HOST}:${port}`], {
    env: { SNMP_PERSISTENT_DIR: join(dir, "persist"), MIBS: "", MIBDIRS: join(dir, "no-mibs") },
    dir,
    logFile,
  });
  await waitFor(() => d.log().includes("NET-SNMP version"), 10_000);
  return { port: port!, d, sinks };
}

const V3_CONF = ([trap, inform, v3trap]: number[]) => `createUser authu SHA authu-auth-pass AES authu-priv-pass
rouser authu auth
createUser md5empty MD5 md5-auth-pass DES md5-priv-pass
view emptyview included .1.3.6.1.6.3.99
rouser md5empty priv -V emptyview
trap2sink ${HOST}:${trap} trap-community-secret
informsink ${HOST}:${inform} inform-community-secret
trapsess -v 3 -u trapu -l authPriv -a SHA -A trapu-auth-pass -x AES -X trapu-priv-pass ${HOST}:${v3trap}
authtrapenable 1
sysDescr otaudit v3 agent
`;
const QUIET_CONF = () => `rocommunity public ${HOST}
sysDescr otaudit quiet agent
`;

const creds: CredentialEntry[] = [
  { protocol: "snmp", username: "authu", authProtocol: "sha", authKey: "authu-auth-pass", privProtocol: "aes", privKey: "authu-priv-pass" },
  { protocol: "snmp", username: "md5empty", authProtocol: "md5", authKey: "md5-auth-pass", privProtocol: "des", privKey: "md5-priv-pass" },
];
const outcomes = (r: Awaited<ReturnType<typeof runSnmp>>, id: string) =>
  byRule(r.findings, id).map((f) => `${(f.evidence.user as string | undefined) ?? ""}:${f.status}${f.reason ? `/${f.reason}` : ""}`);

describeWithDaemon("snmp honesty and parity against Net-SNMP snmpd", SNMPD !== undefined, "/usr/sbin/snmpd not installed (apt-get install snmpd)", () => {
  let v3: Awaited<ReturnType<typeof startSnmpd>>;
  let quiet: Awaited<ReturnType<typeof startSnmpd>>;
  let withCreds: Awaited<ReturnType<typeof runSnmp>>;
  beforeAll(async () => {
    [v3, quiet] = await Promise.all([startSnmpd("v3", V3_CONF), startSnmpd("quiet", QUIET_CONF)]);
    withCreds = await runSnmp(HOST, v3.port, { credentials: creds, timeoutMs: 1000 });
  });
  afterAll(async () => {
    await Promise.all([v3?.d.stop(), quiet?.d.stop()]);
  });

  it("a user that works at authPriv and also at authNoPriv fails (rouser authu auth); one refused authNoPriv passes", () => {
    const authu = withCreds.facts!.v3Users.find((u) => u.user === "authu")!;
    expect(authu.attempts.map((a) => `${a.level}:${a.outcome}`)).toEqual(["authPriv:accepted", "authNoPriv:accepted", "noAuthNoPriv:denied"]);
    expect(outcomes(withCreds, "snmp.v3.authnopriv-only").sort()).toEqual(["authu:fail", "md5empty:pass"]);
  });

  it("an MD5/DES user whose view is empty authenticated (all values noSuchObject) and is reported for MD5 and DES", () => {
    const md5 = withCreds.facts!.v3Users.find((u) => u.user === "md5empty")!;
    expect(md5.legacyProvider).toBe(true);
    expect(md5.attempts.find((a) => a.level === "authPriv")).toMatchObject({ outcome: "accepted", emptyView: true });
    const weak = byRule(withCreds.findings, "snmp.v3.weak-algorithms").find((f) => f.evidence.user === "md5empty")!;
    expect(weak.status).toBe("fail");
    expect((weak.evidence.weak as { algorithm: string }[]).map((w) => w.algorithm).sort()).toEqual(["des", "md5"]);
  });

  it("with a v3 user, silence to 'public' is proven a rejection by snmpInBadCommunityNames, and VACM shows no community group", () => {
    const f = withCreds.facts!;
    expect(f.communities.proof).toMatchObject({ via: "v3 user authu (authPriv)", unansweredSent: 2 });
    expect(f.communities.proof!.after!.snmpInBadCommunityNames! - f.communities.proof!.before!.snmpInBadCommunityNames!).toBe(2);
    expect(f.access).toMatchObject({ communityGroups: "absent" });
    const def = byRule(withCreds.findings, "snmp.community.default")[0]!;
    expect(def).toMatchObject({ status: "pass", evidence: { snmpInBadCommunityNamesDelta: 2, unansweredSent: 2 } });
    expect(byRule(withCreds.findings, "snmp.v1v2c.enabled")[0]).toMatchObject({ status: "pass", evidence: { access: { communityGroups: "absent" } } });
  });

  it("without credentials the same agent's silence is undetermined, never a pass", async () => {
    const r = await runSnmp(HOST, v3.port, { timeoutMs: 500 });
    expect(r.facts!.communities.waitEnded).toBe("timeout");
    for (const id of ["snmp.v1v2c.enabled", "snmp.community.default"])
      expect(byRule(r.findings, id)[0]).toMatchObject({ status: "undetermined", reason: "no-answer" });
    expect(byRule(r.findings, "snmp.v3.user-enumeration")[0]).toMatchObject({ status: "undetermined", reason: "unobservable" });
    expect(byRule(r.findings, "snmp.logging.notification-targets")[0]).toMatchObject({ status: "undetermined", reason: "not-attempted" });
  });

  it("user names: a supplied valid name answers differently from a random one, so names can be enumerated", () => {
    const f = byRule(withCreds.findings, "snmp.v3.user-enumeration")[0]!;
    expect(f.status).toBe("fail");
    expect((f.evidence.revealed as { user: string }[]).map((x) => x.user).sort()).toEqual(["authu", "md5empty"]);
  });

  it("parity: trap and inform destinations and authentication-failure traps, read with a v3 user (never the trap communities)", () => {
    const n = withCreds.facts!.notifications!;
    expect(n).toMatchObject({ via: "v3 user authu (authPriv)", authenTraps: "enabled", targetMib: "present", complete: true });
    const byAddress = Object.fromEntries(n.targets.map((t) => [t.address, `${t.mpModel}/${t.securityLevel}/${t.notifyTypes?.join("+")}`]));
    expect(byAddress).toEqual({
      [`${HOST}:${v3.sinks[0]}`]: "v2c/noAuthNoPriv/trap",
      [`${HOST}:${v3.sinks[1]}`]: "v2c/noAuthNoPriv/inform",
      [`${HOST}:${v3.sinks[2]}`]: "v3/authPriv/trap",
    });
    expect(byRule(withCreds.findings, "snmp.logging.notification-targets")[0]).toMatchObject({
      status: "pass",
      evidence: { cleartextTargets: expect.any(Array) },
    });
    expect(byRule(withCreds.findings, "snmp.logging.authen-traps")[0]!.status).toBe("pass");
    const out = JSON.stringify(withCreds.envelope) + JSON.stringify(withCreds.findings) + withCreds.logs;
    for (const secret of ["trap-community-secret", "inform-community-secret", "authu-auth-pass", "md5-priv-pass"]) expect(out).not.toContain(secret);
  });

  it("parity: an agent with no destination and authentication traps disabled fails both logging rules (read with 'public')", async () => {
    const r = await runSnmp(HOST, quiet.port, { timeoutMs: 1000 });
    expect(r.facts!.notifications).toMatchObject({ via: "v2c community public", authenTraps: "disabled", targetMib: "present", targets: [], complete: true });
    expect(byRule(r.findings, "snmp.logging.notification-targets")[0]!.status).toBe("fail");
    expect(byRule(r.findings, "snmp.logging.authen-traps")[0]!.status).toBe("fail");
    expect(r.facts!.access).toMatchObject({ communityGroups: "present" });
  });

  it("parity: unauthenticated engine information (RFC 3411 §5 engine id, boots, time)", () => {
    const e = withCreds.facts!.engine;
    expect(e).toMatchObject({ answered: true, enterprise: 8072, enterpriseName: "Net-SNMP", scheme: "rfc3411" });
    expect(e.boots).toBeGreaterThanOrEqual(1);
    expect(byRule(withCreds.findings, "snmp.engine.restart-cadence")[0]).toMatchObject({
      status: "not_applicable",
      evidence: { enterprise: 8072, daysSinceRestart: 0 },
    });
  });
});
