// Review regressions for the OPC UA probe (safety, honesty, secrets), checked from the server's side:
// (1) the operator's password is never sent when every UserName token policy would carry it in
// clear text (SecurityPolicy None); (2) a busy or failing server (BadTooManySessions...) is
// "could not test", never a refusal that rules would turn into a pass; (3) default credentials
// cut short by an abort are an error, not "none accepted".
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import plugin from "../../probes/opcua/index.js";
import { classifyFailure, TimeoutError } from "../../probes/opcua/session.js";
import { passwordExposure } from "../../probes/opcua/security.js";
import { probeDevice, type AuditOptions } from "../../src/engine/audit.js";
import { runRules } from "../../src/engine/rules.js";
import type { OpcuaFacts } from "../../probes/opcua/facts.js";

const fakeHome = mkdtempSync(join(tmpdir(), "otaudit-review-opcua-home-"));
const realHome = process.env.HOME;
process.env.HOME = fakeHome;
process.env.XDG_CONFIG_HOME = join(fakeHome, ".config");
const work = mkdtempSync(join(tmpdir(), "otaudit-review-opcua-"));
const CANARY = "canary-review-opcua-Pw-4b8e21";

type TestServer = { port: number; url: string; passwordsSeen: string[]; onPassword?: () => void; stop(): Promise<void> };
let server: TestServer;
/** the same legacy server, but its UserName token policy encrypts (default credentials are tried there) */
let encrypting: TestServer;

async function startServer(name: string, cleartextToken: boolean): Promise<TestServer> {
  const { OPCUAServer, OPCUACertificateManager, SecurityPolicy, MessageSecurityMode, UserTokenPolicy, UserTokenType, setWarningLogger, setErrorLogger } =
    await import("node-opcua");
  setWarningLogger(() => undefined);
  setErrorLogger(() => undefined);
  const serverCertificateManager = new OPCUACertificateManager({
    rootFolder: join(work, name, "pki"),
    automaticallyAcceptUnknownCertificate: false,
    disableFileWatchers: true,
  });
  const userCertificateManager = new OPCUACertificateManager({
    rootFolder: join(work, name, "user-pki"),
    automaticallyAcceptUnknownCertificate: false,
    disableFileWatchers: true,
  });
  const passwordsSeen: string[] = [];
  const hooks: { onPassword?: () => void } = {};
  // a legacy server: SecurityPolicy None only
  const srv = new OPCUAServer({
    port: 0,
    host: "127.0.0.1",
    hostname: "127.0.0.1",
    serverCertificateManager,
    userCertificateManager,
    certificateFile: join(work, name, "pki", "own", "certs", "server_certificate.pem"),
    privateKeyFile: join(work, name, "pki", "own", "private", "private_key.pem"),
    securityPolicies: [SecurityPolicy.None],
    securityModes: [MessageSecurityMode.None],
    allowAnonymous: false,
    userManager: {
      isValidUser: (_u: string, p: string) => {
        passwordsSeen.push(p);
        hooks.onPassword?.();
        return false;
      },
    },
  } as never);
  await srv.initialize();
  await srv.start();
  // OPCUAServer does not pass allowUnsecurePassword through (node-opcua 2.182.2): advertise the
  // legacy UserName token policy without a security policy ourselves (password in clear)
  for (const e of srv.endpoints[0]!.endpointDescriptions()) {
    e.userIdentityTokens = [
      new UserTokenPolicy({
        policyId: cleartextToken ? "username_unsecure" : "username_basic256Sha256",
        tokenType: UserTokenType.UserName,
        securityPolicyUri: cleartextToken ? null : SecurityPolicy.Basic256Sha256,
      }),
    ];
  }
  const port = srv.endpoints[0]!.port;
  return {
    port,
    url: `opc.tcp://127.0.0.1:${port}`,
    passwordsSeen,
    set onPassword(f: (() => void) | undefined) {
      hooks.onPassword = f;
    },
    async stop() {
      await srv.shutdown(0);
      await serverCertificateManager.dispose();
      await userCertificateManager.dispose();
    },
  };
}

beforeAll(async () => {
  [server, encrypting] = await Promise.all([startServer("cleartext", true), startServer("encrypting", false)]);
}, 60_000);

afterAll(async () => {
  await Promise.allSettled([server?.stop(), encrypting?.stop()]);
  process.env.HOME = realHome;
  delete process.env.XDG_CONFIG_HOME;
  rmSync(work, { recursive: true, force: true });
  rmSync(fakeHome, { recursive: true, force: true });
});

function run(extra: Partial<AuditOptions>, onLine?: (line: string) => void, target: TestServer = server) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      onLine?.(String(chunk));
      cb();
    },
  });
  const opts: AuditOptions = {
    plugins: [plugin],
    timeoutMs: 3000,
    concurrency: 1,
    intrusive: false,
    credentials: [],
    failOn: "high",
    log: pino({ level: "debug" }, sink),
    ...extra,
  };
  const device = {
    host: "127.0.0.1",
    address: "127.0.0.1",
    endpoints: [{ protocol: "opcua", scheme: "opc.tcp", host: "127.0.0.1", port: target.port, transport: "tcp" as const, url: target.url, explicit: true }],
  };
  return probeDevice(device, plugin, opts).then((envelope) => ({
    envelope,
    facts: envelope.data as OpcuaFacts,
    lines,
    findings: runRules(plugin, envelope, { host: "127.0.0.1", intrusive: opts.intrusive, credentialed: opts.credentials.length > 0 }),
  }));
}

describe("review: OPC UA credentialed session never sends the password in clear text", () => {
  it("skips the session with a reason; the server never receives the canary; facts and logs do not hold it", async () => {
    const r = await run({ credentials: [{ protocol: "opcua", username: "operator", password: CANARY }] });
    expect(r.envelope.status).toBe("ok");
    expect(r.facts.endpoints.some((e) => e.userTokens.some((t) => t.tokenType === "UserName"))).toBe(true);
    expect(r.facts.credentialedSession).toMatchObject({ status: "skipped", username: "operator" });
    expect(r.facts.credentialedSession!.message).toMatch(/clear text/);
    expect(server.passwordsSeen).not.toContain(CANARY); // the device's side
    expect(JSON.stringify(r.envelope) + JSON.stringify(r.findings) + r.lines.join("")).not.toContain(CANARY);
    // the passive rule still reports the exposure itself
    expect(r.findings.find((f) => f.ruleId === "opcua.user-token.cleartext-password")?.status).toBe("fail");
  });

  it("passwordExposure: None channel with a None token policy is clear text; an encrypting token policy with a parsed certificate, or SignAndEncrypt, protects it", () => {
    const base = {
      endpointUrl: "opc.tcp://h:4840",
      securityLevel: 0,
      transportProfileUri: "",
      certificateSha256: "ab",
      applicationUri: "",
      productUri: "",
      applicationName: "",
    };
    const none = "http://opcfoundation.org/UA/SecurityPolicy#None";
    const b256 = "http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256";
    const tok = (uri: string | null) => ({ policyId: "u", tokenType: "UserName" as const, securityPolicyUri: uri });
    const parsed = new Set(["ab"]);
    const x = (e: Parameters<typeof passwordExposure>[0], t: ReturnType<typeof tok>) => passwordExposure(e, t, parsed).status;
    expect(x({ ...base, securityPolicyUri: none, securityMode: "None", userTokens: [] }, tok(null))).toBe("cleartext");
    expect(x({ ...base, securityPolicyUri: none, securityMode: "None", userTokens: [] }, tok(none))).toBe("cleartext");
    expect(x({ ...base, securityPolicyUri: none, securityMode: "None", userTokens: [] }, tok(b256))).toBe("protected");
    expect(x({ ...base, certificateSha256: null, securityPolicyUri: none, securityMode: "None", userTokens: [] }, tok(b256))).toBe("cleartext");
    expect(x({ ...base, securityPolicyUri: b256, securityMode: "Sign", userTokens: [] }, tok(null))).toBe("protected");
    expect(x({ ...base, securityPolicyUri: b256, securityMode: "SignAndEncrypt", userTokens: [] }, tok(none))).toBe("protected");
  });
});

describe("review: OPC UA refusals vs failures", () => {
  it("only certificate/identity refusals are 'rejected'; busy or failing servers are 'error'", () => {
    for (const busy of [
      "BadTooManySessions",
      "BadTcpServerTooBusy",
      "BadServerHalted",
      "BadResourceUnavailable",
      "BadInternalError",
      "BadConnectionClosed",
      "BadSecureChannelClosed",
    ]) {
      expect(classifyFailure(new Error(`CreateSession failed: ${busy} (0x80560000)`)), busy).toBe("error");
    }
    for (const refusal of [
      "BadUserAccessDenied",
      "BadIdentityTokenInvalid",
      "BadIdentityTokenRejected",
      "BadSecurityChecksFailed",
      "BadCertificateUntrusted",
    ]) {
      expect(classifyFailure(new Error(`ActivateSession: ${refusal}`)), refusal).toBe("rejected");
    }
    expect(classifyFailure(new Error("socket hang up"))).toBe("error");
    expect(classifyFailure(new TimeoutError("CreateSession timed out"))).toBe("error");
  });
});

describe("review: OPC UA default credentials", () => {
  it("are never tried where the password would travel in clear: undetermined (not attempted), the server saw no password", async () => {
    const before = server.passwordsSeen.length;
    const r = await run({ intrusive: true });
    expect(r.facts.defaultCredentials).toMatchObject({ status: "skipped", tried: 0 });
    expect(server.passwordsSeen.length).toBe(before);
    expect(r.findings.find((f) => f.ruleId === "opcua.credentials.default")).toMatchObject({ status: "undetermined", reason: "not-attempted" });
  });

  it("cut short by an abort yield an error (never 'none accepted'); the server saw only the attempts made", async () => {
    const before = encrypting.passwordsSeen.length;
    const abort = new AbortController();
    // abort from the server's side, the moment the first password arrives (deterministic: the
    // attempt is in flight, the pause before the second has not begun); polling from the test
    // aborted sometimes during, sometimes after the first answer
    encrypting.onPassword = () => abort.abort();
    const r = await run({ intrusive: true, signal: abort.signal, pluginOptions: { "login.delayMs": "2000" } }, undefined, encrypting).finally(
      () => (encrypting.onPassword = undefined),
    );
    const d = r.facts.defaultCredentials!;
    expect(d.status).toBe("error");
    expect(d.message).toMatch(/aborted after 1 of \d/);
    expect(d.tried).toBe(1);
    expect(encrypting.passwordsSeen.length - before).toBe(d.tried);
    const finding = r.findings.find((f) => f.ruleId === "opcua.credentials.default")!;
    expect(finding.status).toBe("error");
  });
});
