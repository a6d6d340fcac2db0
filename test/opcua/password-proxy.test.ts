// Verdict integrity (issue 12 §2 OPC UA): otaudit never sends a password unless a policy it knows
// encrypts it. A recording TCP proxy sits between otaudit and node-opcua servers configured here to
// advertise what legacy or hostile devices advertise (an unknown token policy URI on a None
// channel, a case variant of #None, a foreign URI whose fragment reads None, a known policy but no
// server certificate), and the test looks for the password bytes (UTF-8, UTF-16LE/BE) in both
// directions, for the operator's bench password and for the intrusive default credentials. Positive
// controls show the password does travel, encrypted, where a known policy protects it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import plugin from "../../probes/opcua/index.js";
import { auditDevice, type AuditOptions } from "../../src/engine/audit.js";
import { defaultCredentials } from "../../probes/opcua/knowledge.js";
import type { OpcuaFacts } from "../../probes/opcua/facts.js";
import { startNodeServer, type NodeServer } from "./node-servers.js";
import { findSecret, startRecordingProxy, type RecordingProxy } from "./recording-proxy.js";

const fakeHome = mkdtempSync(join(tmpdir(), "otaudit-opcua-proxy-home-"));
const realHome = process.env.HOME;
process.env.HOME = fakeHome;
const work = mkdtempSync(join(tmpdir(), "otaudit-opcua-proxy-"));
const CANARY = "cAnArY-bench-Pw-93d1e7";
const P = (n: string) => `http://opcfoundation.org/UA/SecurityPolicy#${n}`;

let none: NodeServer; // SecurityPolicy None only
let encrypted: NodeServer; // SignAndEncrypt only, trusts any client certificate
let proxyNone: RecordingProxy;
let proxyEnc: RecordingProxy;

beforeAll(async () => {
  ({ UserTokenPolicy } = await import("node-opcua"));
  [none, encrypted] = await Promise.all([
    startNodeServer({ name: "none", work, policies: ["None"], modes: ["None"], users: [{ username: "operator", password: CANARY }] }),
    startNodeServer({
      name: "enc",
      work,
      policies: ["Basic256Sha256"],
      modes: ["SignAndEncrypt"],
      autoAccept: true,
      users: [{ username: "operator", password: CANARY }],
    }),
  ]);
  [proxyNone, proxyEnc] = await Promise.all([startRecordingProxy(none.port), startRecordingProxy(encrypted.port)]);
}, 60_000);

afterAll(async () => {
  await Promise.allSettled([proxyNone?.close(), proxyEnc?.close(), none?.stop(), encrypted?.stop()]);
  process.env.HOME = realHome;
  rmSync(work, { recursive: true, force: true });
  rmSync(fakeHome, { recursive: true, force: true });
});

let UserTokenPolicy: typeof import("node-opcua").UserTokenPolicy;
function userNameToken(policyId: string, securityPolicyUri: string | null) {
  return (e: import("node-opcua").EndpointDescription) => {
    e.userIdentityTokens = [new UserTokenPolicy({ policyId, tokenType: 1, securityPolicyUri })];
  };
}

async function scanThrough(proxy: RecordingProxy, extra: Partial<AuditOptions> = {}) {
  proxy.reset();
  const url = `opc.tcp://127.0.0.1:${proxy.port}`;
  const opts: AuditOptions = {
    plugins: [plugin],
    timeoutMs: 5000,
    concurrency: 1,
    intrusive: false,
    credentials: [{ protocol: "opcua", username: "operator", password: CANARY }],
    failOn: "high",
    log: pino({ level: "silent" }),
    ...extra,
  };
  const r = await auditDevice(
    {
      host: "127.0.0.1",
      address: "127.0.0.1",
      endpoints: [{ protocol: "opcua", scheme: "opc.tcp", host: "127.0.0.1", port: proxy.port, transport: "tcp", url, explicit: true }],
    },
    opts,
  );
  const wire = { toServer: proxy.toServer(), toClient: proxy.toClient() };
  return { r, facts: r.facts.opcua!.data as OpcuaFacts, wire, finding: (id: string) => r.findings.find((f) => f.ruleId === id) };
}

/** The secret in either direction of the recorded wire, in any of the three encodings. */
function onWire(wire: { toServer: Buffer; toClient: Buffer }, secret: string): string[] {
  return [...findSecret(wire.toServer, secret).map((f) => `to server as ${f}`), ...findSecret(wire.toClient, secret).map((f) => `to client as ${f}`)];
}

/** Default passwords that are not also a user name (user names travel in clear by design). */
const defaultPasswords = () => {
  const entries = defaultCredentials().entries;
  const names = new Set(entries.map((e) => e.username));
  return [...new Set(entries.map((e) => e.password))].filter((p) => !names.has(p));
};

const NEVER_SENT: [string, string | null, string][] = [
  ["an unknown token policy URI on a None channel", "http://example.com/UA/SecurityPolicy#VendorSecure", "unknown-value"],
  ["a case variant of #None", P("none"), "unknown-value"],
  ["a foreign URI whose fragment reads Basic256Sha256", "http://evil.example/UA/SecurityPolicy#Basic256Sha256", "unknown-value"],
];

describe("opcua password proxy: never in clear", () => {
  for (const [what, uri, reason] of NEVER_SENT) {
    it(`${what}: bench password and default credentials never sent; cleartext-password is undetermined (${reason})`, async () => {
      none.rewrite(userNameToken("legacy", uri));
      const seenBefore = none.passwordsSeen.length;
      const { facts, wire, finding } = await scanThrough(proxyNone, { intrusive: true });
      expect(facts.endpoints[0]!.userTokens[0]!.passwordExposure?.status).toBe("unknown");
      expect(facts.credentialedSession).toMatchObject({ status: "skipped" });
      expect(facts.defaultCredentials).toMatchObject({ status: "skipped", tried: 0 });
      expect(finding("opcua.user-token.cleartext-password")).toMatchObject({ status: "undetermined", reason });
      expect(finding("opcua.credentials.default")).toMatchObject({ status: "undetermined", reason: "not-attempted" });
      expect(wire.toServer.length).toBeGreaterThan(0); // the proxy saw the scan
      expect(onWire(wire, CANARY)).toEqual([]);
      for (const p of defaultPasswords()) expect(onWire(wire, p), p).toEqual([]);
      expect(none.passwordsSeen.length).toBe(seenBefore); // the device's side: no password arrived
    }, 60_000);
  }

  it("a known token policy but no server certificate: cleartext (fail), never sent", async () => {
    const saved = new Map<object, PropertyDescriptor | undefined>();
    none.rewrite((e) => {
      userNameToken("basic256sha256", P("Basic256Sha256"))(e);
      saved.set(e, Object.getOwnPropertyDescriptor(e, "serverCertificate"));
      Object.defineProperty(e, "serverCertificate", { value: Buffer.alloc(0), configurable: true });
    });
    const seenBefore = none.passwordsSeen.length;
    const { facts, wire, finding } = await scanThrough(proxyNone, { intrusive: true });
    expect(facts.endpoints[0]!.certificateSha256).toBeNull();
    expect(facts.endpoints[0]!.userTokens[0]!.passwordExposure).toMatchObject({ status: "cleartext" });
    expect(finding("opcua.user-token.cleartext-password")).toMatchObject({ status: "fail" });
    expect(facts.credentialedSession).toMatchObject({ status: "skipped" });
    expect(onWire(wire, CANARY)).toEqual([]);
    for (const p of defaultPasswords()) expect(onWire(wire, p), p).toEqual([]);
    expect(none.passwordsSeen.length).toBe(seenBefore);
    // list the certificate again
    none.rewrite((e) => {
      const d = saved.get(e);
      if (d) Object.defineProperty(e, "serverCertificate", d);
      else delete (e as { serverCertificate?: unknown }).serverCertificate;
    });
  }, 60_000);
});

describe("opcua password proxy: positive controls (the password does travel, encrypted)", () => {
  it("a known token policy with the server certificate on a None channel: session activated, password encrypted on the wire", async () => {
    none.rewrite(userNameToken("basic256sha256", P("Basic256Sha256")));
    const { facts, wire, finding } = await scanThrough(proxyNone, { intrusive: true });
    expect(facts.credentialedSession).toMatchObject({ status: "activated", username: "operator" });
    expect(none.passwordsSeen).toContain(CANARY); // it arrived, decrypted by the server
    expect(facts.defaultCredentials!.tried).toBeGreaterThan(0);
    expect(finding("opcua.user-token.cleartext-password")?.status).toBe("pass");
    expect(onWire(wire, CANARY)).toEqual([]);
    for (const p of defaultPasswords()) expect(onWire(wire, p), p).toEqual([]);
  }, 60_000);

  it("an unknown token policy on a SignAndEncrypt channel: protected by the channel, sent, not on the wire", async () => {
    encrypted.rewrite(userNameToken("vendor", "http://example.com/UA/SecurityPolicy#VendorSecure"));
    const { facts, wire } = await scanThrough(proxyEnc);
    expect(facts.endpoints[0]!.userTokens[0]!.passwordExposure).toMatchObject({ status: "protected", by: "channel" });
    expect(facts.credentialedSession?.status).not.toBe("skipped");
    expect(onWire(wire, CANARY)).toEqual([]);
  }, 60_000);
});
