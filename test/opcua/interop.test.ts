// Interop: the OPC UA probe against two node-opcua servers configured here by the test itself
// (not through our simulator's profile code). (a) a weak server: None + Basic256, anonymous, user
// admin/admin, an anonymously writable variable, automatic acceptance of unknown certificates,
// auditing off -> each weakness a failing finding naming endpoint, policy or variable;
// (b) a hardened server: SignAndEncrypt only with Basic256Sha256 and Aes256_Sha256_RsaPss, no
// anonymous token -> nothing of high or critical severity fails. Server side: no Write or Call
// request ever arrives. Secrets: a canary password never reaches facts, findings or logs.
// HOME points to an empty temp folder so any PKI written to the user's home would be caught.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import plugin from "../../probes/opcua/index.js";
import { auditDevice, type AuditOptions } from "../../src/engine/audit.js";
import { parseCredentials } from "../../src/config/credentials.js";
import { clearSecretsForTest } from "../../src/secrets.js";
import type { OpcuaFacts } from "../../probes/opcua/facts.js";
import type { DeviceResult } from "../../src/model/result.js";

const fakeHome = mkdtempSync(join(tmpdir(), "otaudit-opcua-home-"));
const realHome = process.env.HOME;
process.env.HOME = fakeHome;
process.env.XDG_CONFIG_HOME = join(fakeHome, ".config");
const CANARY = "canary-Pw-7f3a9c51e2";
const HARDENED_PASSWORD = "hx-ops-Pw-51c0";
const work = mkdtempSync(join(tmpdir(), "otaudit-opcua-interop-"));

interface TestServer {
  url: string;
  port: number;
  requests: Record<string, number>;
  /** what an operator does on the server to trust a client certificate (DER) */
  trust(der: Buffer): Promise<void>;
  stop(): Promise<void>;
}

async function startServer(name: string, config: Record<string, unknown>, autoAccept: boolean, writable: boolean): Promise<TestServer> {
  const { OPCUAServer, OPCUACertificateManager, DataType, setWarningLogger, setErrorLogger } = await import("node-opcua");
  setWarningLogger(() => undefined);
  setErrorLogger(() => undefined);
  const root = join(work, name);
  const serverCertificateManager = new OPCUACertificateManager({
    rootFolder: join(root, "pki"),
    automaticallyAcceptUnknownCertificate: autoAccept,
    disableFileWatchers: true,
  });
  const userCertificateManager = new OPCUACertificateManager({
    rootFolder: join(root, "user-pki"),
    automaticallyAcceptUnknownCertificate: false,
    disableFileWatchers: true,
  });
  const server = new OPCUAServer({
    port: 0,
    host: "127.0.0.1",
    hostname: "127.0.0.1",
    serverCertificateManager,
    userCertificateManager,
    certificateFile: join(root, "pki", "own", "certs", "server_certificate.pem"),
    privateKeyFile: join(root, "pki", "own", "private", "private_key.pem"),
    ...config,
  } as never);
  const requests: Record<string, number> = {};
  server.on("request", (r: { schema?: { name?: string }; constructor: { name: string } }) => {
    const n = r.schema?.name ?? r.constructor.name;
    requests[n] = (requests[n] ?? 0) + 1;
  });
  await server.initialize();
  const as = server.engine.addressSpace!;
  const ns = as.getOwnNamespace();
  const plant = ns.addObject({ organizedBy: as.rootFolder.objects, browseName: "Plant" });
  ns.addVariable({
    componentOf: plant,
    browseName: "Setpoint",
    nodeId: "s=Plant.Setpoint",
    dataType: "Double",
    accessLevel: writable ? "CurrentRead | CurrentWrite" : "CurrentRead",
    userAccessLevel: writable ? "CurrentRead | CurrentWrite" : "CurrentRead",
    value: { dataType: DataType.Double, value: 21.5 },
  });
  ns.addVariable({
    componentOf: plant,
    browseName: "Temperature",
    nodeId: "s=Plant.Temperature",
    dataType: "Double",
    accessLevel: "CurrentRead",
    userAccessLevel: "CurrentRead",
    value: { dataType: DataType.Double, value: 20 },
  });
  await server.start();
  const port = server.endpoints[0]!.port;
  return {
    url: `opc.tcp://127.0.0.1:${port}`,
    port,
    requests,
    async trust(der: Buffer) {
      await serverCertificateManager.trustCertificate(der);
    },
    async stop() {
      await server.shutdown(0);
      await serverCertificateManager.dispose();
      await userCertificateManager.dispose();
    },
  };
}

let weak: TestServer;
let hardened: TestServer;
const logLines: string[] = [];
const logSink = new Writable({
  write(chunk, _enc, cb) {
    logLines.push(String(chunk));
    cb();
  },
});
const log = pino({ level: "debug" }, logSink);

function options(extra: Partial<AuditOptions> = {}): AuditOptions {
  return { plugins: [plugin], timeoutMs: 4000, concurrency: 1, intrusive: false, credentials: [], failOn: "high", log, ...extra };
}
function device(s: TestServer) {
  return {
    host: "127.0.0.1",
    address: "127.0.0.1",
    endpoints: [{ protocol: "opcua", scheme: "opc.tcp", host: "127.0.0.1", port: s.port, transport: "tcp" as const, url: s.url, explicit: true }],
  };
}
const fails = (r: DeviceResult, id: string) => r.findings.filter((f) => f.ruleId === id && f.status === "fail");

beforeAll(async () => {
  const { SecurityPolicy, MessageSecurityMode } = await import("node-opcua");
  [weak, hardened] = await Promise.all([
    startServer(
      "weak",
      {
        securityPolicies: [SecurityPolicy.None, SecurityPolicy.Basic256],
        securityModes: [MessageSecurityMode.None, MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt],
        allowAnonymous: true,
        isAuditing: false,
        userManager: { isValidUser: (u: string, p: string) => (u === "admin" && p === "admin") || (u === "operator" && p === CANARY) },
      },
      true,
      true,
    ),
    startServer(
      "hardened",
      {
        securityPolicies: [SecurityPolicy.Basic256Sha256, SecurityPolicy.Aes256_Sha256_RsaPss],
        securityModes: [MessageSecurityMode.SignAndEncrypt],
        allowAnonymous: false,
        isAuditing: true,
        userManager: { isValidUser: (u: string, p: string) => u === "ops" && p === HARDENED_PASSWORD },
      },
      false,
      false,
    ),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.allSettled([weak?.stop(), hardened?.stop()]);
  process.env.HOME = realHome;
  delete process.env.XDG_CONFIG_HOME;
  rmSync(work, { recursive: true, force: true });
  rmSync(fakeHome, { recursive: true, force: true });
  clearSecretsForTest();
});

describe("opcua interop: weak node-opcua server", () => {
  let result: DeviceResult;
  beforeAll(async () => {
    result = await auditDevice(device(weak), options());
  }, 30_000);

  it("audits it and reports each weakness as a failing finding with its evidence", () => {
    expect(result.facts.opcua?.status).toBe("ok");
    const none = fails(result, "opcua.security-policy.none")[0]!;
    expect(none.evidence).toMatchObject({ securityPolicy: "None" });
    expect(JSON.stringify(none.evidence)).toContain(`127.0.0.1:${weak.port}`);
    expect(fails(result, "opcua.security-policy.deprecated")[0]?.evidence).toMatchObject({
      securityPolicy: "Basic256",
      securityPolicyUri: "http://opcfoundation.org/UA/SecurityPolicy#Basic256",
    });
    expect(fails(result, "opcua.user-token.anonymous")[0]?.evidence).toMatchObject({ tokenType: "Anonymous", anonymousSession: "activated" });
    expect(fails(result, "opcua.trust.unknown-client-certificate")[0]?.evidence).toMatchObject({ endpointUrl: weak.url });
    expect(fails(result, "opcua.auditing.disabled")[0]?.evidence).toMatchObject({ nodeId: "i=2994", value: false });
    const writable = fails(result, "opcua.anonymous.writable-variables")[0]!;
    expect(writable.message).toContain("ns=1;s=Plant.Setpoint");
    expect(JSON.stringify(writable.evidence)).not.toContain("Plant.Temperature");
    // default credentials are intrusive: skipped, never tried, in a default run
    expect(result.findings.find((f) => f.ruleId === "opcua.credentials.default")?.status).toBe("skipped");
    expect(weak.requests.ActivateSessionRequest).toBe(1);
  });

  it("records BuildInfo and the namespace array from the anonymous session", () => {
    const facts = result.facts.opcua!.data as OpcuaFacts;
    expect(facts.serverInfo).toMatchObject({ status: "ok", manufacturerName: expect.any(String), softwareVersion: expect.any(String) });
    expect(facts.serverInfo?.namespaces?.[0]).toBe("http://opcfoundation.org/UA/");
  });

  it("with --intrusive: admin/admin is found among the cited default credentials, paced", async () => {
    const before = weak.requests.ActivateSessionRequest ?? 0;
    const started = Date.now();
    const r = await auditDevice(device(weak), options({ intrusive: true }));
    const f = fails(r, "opcua.credentials.default")[0]!;
    expect(f.evidence).toMatchObject({ accepted: [expect.objectContaining({ username: "admin" })] });
    expect(JSON.stringify(f)).not.toMatch(/"password"/);
    const facts = r.facts.opcua!.data as OpcuaFacts;
    // anonymous session + each default credential tried + the self-signed user certificate test
    expect((weak.requests.ActivateSessionRequest ?? 0) - before).toBe(1 + facts.defaultCredentials!.tried + (facts.userCertificateTest?.endpointUrl ? 1 : 0));
    expect(Date.now() - started).toBeGreaterThanOrEqual(300 * (facts.defaultCredentials!.tried - 1));
  }, 30_000);

  it("with credentials: a username session activates; the canary password appears nowhere", async () => {
    const creds = parseCredentials(`- protocol: opcua\n  username: operator\n  password: ${CANARY}\n`, "test");
    logLines.length = 0;
    const r = await auditDevice(device(weak), options({ credentials: creds }));
    const facts = r.facts.opcua!.data as OpcuaFacts;
    expect(facts.credentialedSession).toMatchObject({ status: "activated", username: "operator" });
    expect(facts.credentialedSession?.browse?.writable.map((v) => v.nodeId)).toContain("ns=1;s=Plant.Setpoint");
    expect(logLines.length).toBeGreaterThan(0);
    expect(JSON.stringify(r)).not.toContain(CANARY);
    expect(logLines.join("")).not.toContain(CANARY);
  }, 30_000);
});

describe("opcua interop: hardened node-opcua server", () => {
  let result: DeviceResult;
  beforeAll(async () => {
    result = await auditDevice(device(hardened), options());
  }, 30_000);

  it("nothing of high or critical severity fails", () => {
    expect(result.facts.opcua?.error).toBeUndefined();
    expect(result.facts.opcua?.status).toBe("ok");
    const bad = result.findings.filter((f) => f.status === "fail" && (f.severity === "high" || f.severity === "critical"));
    expect(bad).toEqual([]);
  });

  it("refuses the unknown client certificate, and offers no anonymous token", () => {
    const facts = result.facts.opcua!.data as OpcuaFacts;
    expect(facts.endpoints.map((e) => e.securityMode)).toEqual(expect.arrayContaining(["SignAndEncrypt"]));
    expect(new Set(facts.endpoints.map((e) => e.securityMode))).toEqual(new Set(["SignAndEncrypt"]));
    expect(facts.trustTest.status).toBe("rejected");
    expect(result.findings.find((f) => f.ruleId === "opcua.trust.unknown-client-certificate")?.status).toBe("pass");
    expect(result.findings.find((f) => f.ruleId === "opcua.user-token.anonymous")?.status).toBe("pass");
  });
});

describe("opcua interop: credentialed session on the hardened server", () => {
  it("needs the operator to trust otaudit's persistent client certificate once; then the username session activates", async () => {
    const pki = join(work, "otaudit-client-pki");
    const creds = parseCredentials(`- protocol: opcua\n  username: ops\n  password: ${HARDENED_PASSWORD}\n`, "test");
    const run = () => auditDevice(device(hardened), options({ credentials: creds, pluginOptions: { "opcua.clientPki": pki } }));
    const first = (await run()).facts.opcua!.data as OpcuaFacts;
    expect(first.trustTest.status).toBe("rejected"); // the trust test still uses a fresh certificate
    expect(first.credentialedSession).toMatchObject({ status: "channel_rejected", securityMode: "SignAndEncrypt" });
    const pem = readFileSync(join(pki, "own", "certs", "client_certificate.pem"), "utf8");
    await hardened.trust(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64"));
    const second = await run();
    const facts = second.facts.opcua!.data as OpcuaFacts;
    expect(facts.trustTest.status).toBe("rejected");
    expect(facts.credentialedSession).toMatchObject({ status: "activated", username: "ops" });
    expect(facts.serverInfo).toMatchObject({ auditing: true });
    expect(second.findings.find((f) => f.ruleId === "opcua.auditing.disabled")?.status).toBe("pass");
    expect(JSON.stringify(second)).not.toContain(HARDENED_PASSWORD);
  }, 30_000);
});

describe("opcua interop: device side", () => {
  it("no Write or Call request reached either server", () => {
    for (const s of [weak, hardened]) {
      expect(s.requests.WriteRequest ?? 0).toBe(0);
      expect(s.requests.CallRequest ?? 0).toBe(0);
      expect(s.requests.AddNodesRequest ?? 0).toBe(0);
      expect(s.requests.DeleteNodesRequest ?? 0).toBe(0);
    }
    expect(weak.requests.ReadRequest).toBeGreaterThan(0);
    expect(weak.requests.BrowseRequest).toBeGreaterThan(0);
  });

  it("no PKI was written to the user's home", () => {
    const cfg = join(fakeHome, ".config");
    const entries = existsSync(cfg) ? readdirSync(cfg) : [];
    expect(entries.filter((e) => e.startsWith("node-opcua"))).toEqual([]);
  });
});
