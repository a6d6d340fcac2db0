// Interop: the SNMP probe against Debian's Net-SNMP snmpd, started by this file on loopback.
// Agent "legacy": rocommunity public, rwcommunity private, a noAuthNoPriv user and an MD5/DES user.
// Agent "hardened": only a SHA-256/AES user. Device-side proof from snmpd's own counters
// (SNMPv2-MIB snmpInSetRequests) and the sysLocation value before and after.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithDaemon, findBinary, freeUdpPort, waitFor } from "../helpers/daemons.js";
import { byRule, runSnmp } from "./helpers.js";
import type { CredentialEntry } from "../../src/config/credentials.js";
import dgram from "node:dgram";
import { PDU, decodeMessage, encodeCommunityMessage, encodePdu, valueToText } from "../../probes/snmp/ber.js";

const SNMPD = findBinary("/usr/sbin/snmpd");
const HOST = "127.0.0.1";
const SNMP_IN_SET_REQUESTS = "1.3.6.1.2.1.11.17.0";

interface Agent {
  port: number;
  proc: ChildProcess;
  log: () => string;
}

async function startSnmpd(name: string, conf: string): Promise<Agent> {
  const dir = mkdtempSync(join(tmpdir(), `otaudit-snmpd-${name}-`));
  const port = await freeUdpPort(HOST);
  writeFileSync(join(dir, "snmpd.conf"), conf);
  const logFile = join(dir, "snmpd.log");
  writeFileSync(logFile, "");
  const proc = spawn(SNMPD!, ["-f", "-Lf", logFile, "-C", "-c", join(dir, "snmpd.conf"), "-p", join(dir, "snmpd.pid"), `udp:${HOST}:${port}`], {
    env: { PATH: process.env.PATH, SNMP_PERSISTENT_DIR: join(dir, "persist"), MIBS: "", MIBDIRS: join(dir, "no-mibs") },
    stdio: "ignore",
  });
  const log = () => readFileSync(logFile, "utf8");
  await waitFor(() => log().includes("NET-SNMP version"), 10_000);
  return { port, proc, log };
}

async function stopSnmpd(a: Agent | undefined) {
  if (!a || a.proc.exitCode !== null) return;
  const exited = new Promise((r) => a.proc.once("exit", r));
  a.proc.kill("SIGTERM");
  await exited;
}

const LEGACY_CONF = `rocommunity public ${HOST}
rwcommunity private ${HOST}
createUser noauthuser
createUser md5user MD5 md5-auth-pass DES md5-priv-pass
rouser noauthuser noauth
rouser md5user priv
sysDescr otaudit interop legacy agent
sysName legacy-agent
`;
const HARDENED_CONF = `createUser shauser SHA-256 sha256-auth-pass AES sha256-priv-pass
rouser shauser priv
sysDescr otaudit interop hardened agent
sysName hardened-agent
`;

const legacyCreds: CredentialEntry[] = [
  { protocol: "snmp", username: "noauthuser" },
  { protocol: "snmp", username: "md5user", authProtocol: "md5", authKey: "md5-auth-pass", privProtocol: "des", privKey: "md5-priv-pass" },
];
const hardenedCreds: CredentialEntry[] = [
  { protocol: "snmp", username: "shauser", authProtocol: "sha256", authKey: "sha256-auth-pass", privProtocol: "aes", privKey: "sha256-priv-pass" },
];

describeWithDaemon("snmp interop with Net-SNMP snmpd", SNMPD !== undefined, "/usr/sbin/snmpd not installed (apt-get install snmpd)", () => {
  let legacy: Agent | undefined;
  let hardened: Agent | undefined;
  beforeAll(async () => {
    [legacy, hardened] = await Promise.all([startSnmpd("legacy", LEGACY_CONF), startSnmpd("hardened", HARDENED_CONF)]);
  });
  afterAll(async () => {
    await Promise.all([stopSnmpd(legacy), stopSnmpd(hardened)]);
  });

  /** Read one integer-valued object with community public (raw BER, one datagram). */
  async function readCounter(a: Agent, oid: string): Promise<number> {
    const sock = dgram.createSocket("udp4");
    try {
      const reply = new Promise<Buffer>((resolve) => sock.once("message", resolve));
      sock.send(encodeCommunityMessage(1, "public", encodePdu(PDU.GET, 1, [{ oid }])), a.port, HOST);
      return Number(valueToText(decodeMessage(await reply).pdu!.varbinds[0]!));
    } finally {
      sock.close();
    }
  }
  const sysLocation = async (a: Agent) => (await runSnmp(HOST, a.port)).facts!.system?.sysLocation;

  it("legacy agent: a failing finding each for v1/v2c, public, the noAuthNoPriv user and MD5/DES", async () => {
    const r = await runSnmp(HOST, legacy!.port, { credentials: legacyCreds, timeoutMs: 1000 });
    expect(r.envelope.status).toBe("ok");
    const f = r.facts!;
    expect(f.engine).toMatchObject({ answered: true, enterprise: 8072, enterpriseName: "Net-SNMP" });
    expect(f.system).toMatchObject({ sysDescr: "otaudit interop legacy agent", sysName: "legacy-agent" });
    expect(byRule(r.findings, "snmp.v1v2c.enabled")[0]!.status).toBe("fail");
    const defaults = byRule(r.findings, "snmp.community.default")
      .filter((x) => x.status === "fail")
      .map((x) => x.evidence.community);
    expect(defaults.sort()).toEqual(["public"]); // issue 12 §6: a default run no longer guesses 'private' (--intrusive does)
    const noauth = byRule(r.findings, "snmp.v3.noauth");
    expect(noauth.find((x) => x.evidence.user === "noauthuser")!.status).toBe("fail");
    expect(noauth.find((x) => x.evidence.user === "md5user")!.status).toBe("pass");
    const md5 = f.v3Users.find((u) => u.user === "md5user")!;
    expect(md5.legacyProvider).toBe(true);
    expect(md5.attempts.find((a) => a.level === "authPriv")!.outcome).toBe("accepted");
    const weak = byRule(r.findings, "snmp.v3.weak-algorithms").find((x) => x.evidence.user === "md5user")!;
    expect(weak.status).toBe("fail");
    expect((weak.evidence.weak as { algorithm: string }[]).map((w) => w.algorithm).sort()).toEqual(["des", "md5"]);
    expect(byRule(r.findings, "snmp.community.write")[0]!.status).toBe("skipped");
    // no secret in facts, findings or logs
    const out = JSON.stringify(r.envelope) + JSON.stringify(r.findings) + r.logs;
    for (const secret of ["md5-auth-pass", "md5-priv-pass"]) expect(out).not.toContain(secret);
  });

  it("default run sends no SET; --intrusive SETs once per accepted community, value unchanged (snmpd counters)", async () => {
    const sets0 = await readCounter(legacy!, SNMP_IN_SET_REQUESTS);
    await runSnmp(HOST, legacy!.port, { credentials: legacyCreds, timeoutMs: 1000 });
    expect(await readCounter(legacy!, SNMP_IN_SET_REQUESTS)).toBe(sets0);
    const locationBefore = await sysLocation(legacy!);
    const r = await runSnmp(HOST, legacy!.port, { intrusive: true, timeoutMs: 1000 });
    const write = byRule(r.findings, "snmp.community.write");
    expect(write.find((x) => x.evidence.community === "private")!.status).toBe("fail");
    expect(write.find((x) => x.evidence.community === "public")!.status).toBe("pass");
    expect(r.facts!.writeTests!.map((w) => w.oid)).toEqual(["1.3.6.1.2.1.1.6.0", "1.3.6.1.2.1.1.6.0"]);
    const sets1 = await readCounter(legacy!, SNMP_IN_SET_REQUESTS);
    expect(sets1).toBeGreaterThan(sets0);
    expect(sets1).toBeLessThanOrEqual(sets0 + 2);
    expect(await sysLocation(legacy!)).toBe(locationBefore);
  });

  it("hardened agent: SHA-256/AES user reads the system group; nothing fails about communities or v3 levels", async () => {
    const r = await runSnmp(HOST, hardened!.port, { credentials: hardenedCreds, timeoutMs: 1000 });
    expect(r.envelope.status).toBe("ok");
    const f = r.facts!;
    expect(f.system).toMatchObject({ via: "v3 user shauser (authPriv)", sysDescr: "otaudit interop hardened agent", sysName: "hardened-agent" });
    for (const id of ["snmp.v1v2c.enabled", "snmp.community.default", "snmp.v3.noauth", "snmp.v3.authnopriv-only", "snmp.v3.weak-algorithms"]) {
      const found = byRule(r.findings, id);
      expect(found.length, id).toBeGreaterThan(0);
      expect(
        found.every((x) => x.status === "pass"),
        `${id}: ${JSON.stringify(found.map((x) => [x.status, x.message]))}`,
      ).toBe(true);
    }
    expect(r.envelope.incomplete).toBeUndefined(); // every phase completed (no cap, no deadline)
  });
});
