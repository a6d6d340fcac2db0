// Misbehaving OPC UA endpoints (issue 4 "Must show"): Hello answered with garbage, an ERR message,
// silence, an advertised message size of gigabytes, a truncated GetEndpoints response. Each must
// end in an `error` facts envelope within the timeout, never a crash or a hang, and the probe
// closes its socket with a FIN. Also: a well-formed fake server whose endpoint list needs no
// session check (no node-opcua import) and a certificate parsed into weak-certificate findings.
import { afterEach, describe, expect, it } from "vitest";
import pino from "pino";
import fc from "fast-check";
import { webcrypto } from "node:crypto";
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import plugin from "../../probes/opcua/index.js";
import { probeDevice, type AuditOptions } from "../../src/engine/audit.js";
import { runRules } from "../../src/engine/rules.js";
import { BinaryReader, UacpProtocolError, readEndpointDescription } from "../../probes/opcua/uacp.js";
import { ack, conversation, errMessage, getEndpointsBody, opnResponse, startFakePeer, type FakePeer } from "./fake-server.js";
import { frame } from "../../probes/opcua/uacp.js";

const TIMEOUT_MS = 400;
const log = pino({ level: "silent" });
const opts: AuditOptions = { plugins: [plugin], timeoutMs: TIMEOUT_MS, concurrency: 1, intrusive: false, credentials: [], failOn: "high", log };
const NONE = "http://opcfoundation.org/UA/SecurityPolicy#None";

function device(port: number) {
  const url = `opc.tcp://127.0.0.1:${port}`;
  return {
    host: "127.0.0.1",
    address: "127.0.0.1",
    endpoints: [{ protocol: "opcua", scheme: "opc.tcp", host: "127.0.0.1", port, transport: "tcp" as const, url, explicit: true }],
  };
}

let peer: FakePeer | undefined;
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

async function probeAgainst(onMessage: Parameters<typeof startFakePeer>[0]) {
  peer = await startFakePeer(onMessage);
  const env = await probeDevice(device(peer.port), plugin, opts);
  return { env };
}

describe("opcua probe vs misbehaving endpoints", () => {
  it("Hello answered with garbage -> protocol error", async () => {
    const { env } = await probeAgainst((_t, s) => s.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"));
    expect(env.status).toBe("error");
    expect(env.error?.code).toBe("protocol");
    expect(env.error?.message).toMatch(/not an OPC UA TCP message/);
  });

  it("ERR message -> protocol error naming the status code and reason", async () => {
    const { env } = await probeAgainst((_t, s) => s.write(errMessage(0x80830000, "BadTcpEndpointUrlInvalid")));
    expect(env.status).toBe("error");
    expect(env.error?.code).toBe("protocol");
    expect(env.error?.message).toMatch(/ERR 0x80830000: BadTcpEndpointUrlInvalid/);
  });

  it("silence -> timeout (the wait for the Acknowledge ended), socket closed with FIN", async () => {
    const { env } = await probeAgainst(() => undefined);
    expect(env.status).toBe("error");
    expect(env.error?.code).toBe("timeout");
    await new Promise((r) => setTimeout(r, 50));
    expect(peer!.connections[0]!.ended).toBe("end");
  });

  it("message size of gigabytes -> rejected at the header, nothing buffered", async () => {
    const huge = Buffer.alloc(8);
    huge.write("ACKF", 0, "latin1");
    huge.writeUInt32LE(0xfffffff0, 4);
    const { env } = await probeAgainst((_t, s) => s.write(huge));
    expect(env.status).toBe("error");
    expect(env.error?.message).toMatch(/message size 4294967280 outside/);
  });

  it("Acknowledge advertising a 4 GiB MaxMessageSize, then an oversized OPN chunk header -> protocol error", async () => {
    const { env } = await probeAgainst((t, s) => {
      if (t === "HEL") s.write(ack({ maxMessageSize: 0xffffffff }));
      if (t === "OPN") {
        const h = Buffer.alloc(8);
        h.write("OPNF", 0, "latin1");
        h.writeUInt32LE(2 ** 31, 4);
        s.write(h);
      }
    });
    expect(env.status).toBe("error");
    expect(env.error?.code).toBe("protocol");
  });

  it("truncated GetEndpoints response -> protocol error, not a crash", async () => {
    const full = getEndpointsBody([{ url: "opc.tcp://x:4840", policyUri: NONE, mode: 1, tokens: [{ policyId: "a", type: 0 }] }]);
    const { env } = await probeAgainst((t, s) => {
      if (t === "HEL") s.write(ack());
      if (t === "OPN") s.write(opnResponse());
      if (t === "MSG") s.write(frame("MSG", full.subarray(0, full.length - 40)));
    });
    expect(env.status).toBe("error");
    expect(env.error?.code).toBe("protocol");
    expect(env.error?.message).toMatch(/truncated message/);
  });

  it("connection closed right after Hello -> protocol error", async () => {
    const { env } = await probeAgainst((_t, s) => s.end());
    expect(env.status).toBe("error");
    expect(env.error?.code).toBe("protocol");
  });

  it("nothing listening on the default port of a bare host -> absent", async () => {
    peer = await startFakePeer(() => undefined);
    const port = peer.port;
    await peer.close();
    peer = undefined;
    const d = device(port);
    d.endpoints[0]!.explicit = false;
    const env = await probeDevice(d, plugin, opts);
    expect(env.status).toBe("absent");
  });
});

describe("opcua probe vs a well-formed scripted server", () => {
  it("records endpoints and a weak certificate; no session check needed -> no node-opcua import", async () => {
    const keys = await webcrypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-1" },
      true,
      ["sign", "verify"],
    );
    await import("reflect-metadata");
    const x509 = await import("@peculiar/x509");
    x509.cryptoProvider.set(webcrypto as never);
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: "01",
      name: "CN=legacy-plc",
      notBefore: new Date("2015-01-01"),
      notAfter: new Date("2020-01-01"),
      signingAlgorithm: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-1" } as never,
      keys,
      extensions: [
        new x509.SubjectAlternativeNameExtension([
          { type: "dns", value: "plc.example" },
          { type: "url", value: "urn:legacy:plc" },
        ]),
      ],
    });
    const der = Buffer.from(cert.rawData);
    const endpoints = [
      { url: "opc.tcp://plc.example:4840", policyUri: NONE, mode: 1 as const, tokens: [{ policyId: "user", type: 1 as const }], certificate: der },
      {
        url: "opc.tcp://plc.example:4840",
        policyUri: "http://opcfoundation.org/UA/SecurityPolicy#Basic128Rsa15",
        mode: 2 as const,
        tokens: [{ policyId: "user", type: 1 as const, policyUri: NONE }],
        certificate: der,
      },
    ];
    const { env } = await probeAgainst(conversation(endpoints));
    expect(env.status).toBe("ok");
    // GetEndpoints, then FindServers (answered with a ServiceFault here), then CloseSecureChannel
    expect(peer!.messages).toEqual(["HEL", "OPN", "MSG", "MSG", "CLO"]);
    const facts = env.data as import("../../probes/opcua/facts.js").OpcuaFacts;
    expect(facts.certificates[0]).toMatchObject({
      keySize: 1024,
      signatureHash: "SHA-1",
      sanDns: ["plc.example"],
      sanUris: ["urn:legacy:plc"],
      selfSigned: true,
    });
    // only Basic128Rsa15 is signed: not opened (Node 20), detected from the list alone
    expect(facts.trustTest.status).toBe("not_applicable");
    const findings = runRules(plugin, env, { host: "127.0.0.1", intrusive: false, credentialed: false });
    const byId = (id: string) => findings.filter((f) => f.ruleId === id);
    expect(byId("opcua.security-policy.deprecated")[0]).toMatchObject({
      status: "fail",
      severity: "high",
      evidence: expect.objectContaining({ securityPolicy: "Basic128Rsa15" }),
    });
    expect(byId("opcua.user-token.cleartext-password")[0]?.status).toBe("fail");
    expect(byId("opcua.certificate.validity")[0]?.status).toBe("fail");
    expect(byId("opcua.certificate.key-size")[0]?.status).toBe("fail");
    expect(byId("opcua.certificate.sha1")[0]?.status).toBe("fail");
    expect(byId("opcua.certificate.host-mismatch")[0]?.status).toBe("fail");
    expect(byId("opcua.security-mode.no-encryption")[0]?.status).toBe("fail");
    expect(byId("opcua.auditing.disabled")[0]?.status).toBe("skipped");
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    expect(loaded.some((k) => k.includes("node-opcua-client"))).toBe(false);
  });
});

describe("opcua certificate key strength per key type", () => {
  it("a DSA server certificate fails whatever its size (the old 256-bit minimum passed a 1024-bit DSA key)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "otaudit-opcua-dsa-"));
    try {
      execFileSync("openssl", ["dsaparam", "-out", join(dir, "p.pem"), "1024"], { stdio: "ignore" });
      execFileSync(
        "openssl",
        [
          "req",
          "-x509",
          "-newkey",
          `dsa:${join(dir, "p.pem")}`,
          "-nodes",
          "-keyout",
          join(dir, "k.pem"),
          "-out",
          join(dir, "c.der"),
          "-outform",
          "DER",
          "-subj",
          "/CN=dsa-plc",
          "-days",
          "30",
        ],
        { stdio: "ignore" },
      );
      const der = readFileSync(join(dir, "c.der"));
      const { env } = await probeAgainst(
        conversation([{ url: "opc.tcp://plc:4840", policyUri: NONE, mode: 1, tokens: [{ policyId: "u", type: 1 }], certificate: der }]),
      );
      expect(env.status).toBe("ok");
      const facts = env.data as import("../../probes/opcua/facts.js").OpcuaFacts;
      expect(facts.certificates[0]).toMatchObject({ keyAlgorithm: "dsa", keySize: 1024 });
      const f = runRules(plugin, env, { host: "127.0.0.1", intrusive: false, credentialed: false }).find((x) => x.ruleId === "opcua.certificate.key-size")!;
      expect(f.status).toBe("fail");
      expect(f.message).toMatch(/DSA/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("UACP decoder on arbitrary bytes", () => {
  it("never throws anything but a protocol error (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        try {
          readEndpointDescription(new BinaryReader(Buffer.from(bytes)));
        } catch (e) {
          if (!(e instanceof UacpProtocolError)) throw e;
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("opcua session checks vs a peer that goes silent after GetEndpoints", () => {
  it("records a timeout error for the anonymous session, no hang", async () => {
    const endpoints = [{ url: "opc.tcp://127.0.0.1:4840", policyUri: NONE, mode: 1 as const, tokens: [{ policyId: "anon", type: 0 as const }] }];
    const talk = conversation(endpoints);
    peer = await startFakePeer((t, s, body, connection) => {
      if (connection > 1) return; // every later connection (node-opcua's) gets silence
      talk(t, s, body, connection);
    });
    // a wider timeout here: the client PKI (an RSA key) is generated inside the probe's cap
    const timeoutMs = 1500;
    const env = await probeDevice(device(peer.port), plugin, { ...opts, timeoutMs });
    expect(env.status).toBe("ok");
    const facts = env.data as import("../../probes/opcua/facts.js").OpcuaFacts;
    expect(facts.anonymousSession.status).toBe("error");
    expect(facts.anonymousSession.message).toMatch(/time(d)? ?out/i);
    expect(env.incomplete).toBeUndefined(); // within the probe cap, not capped by it
    const findings = runRules(plugin, env, { host: "127.0.0.1", intrusive: false, credentialed: false });
    expect(findings.find((f) => f.ruleId === "opcua.anonymous.writable-variables")?.status).toBe("error");
    await new Promise((r) => setTimeout(r, 100));
    expect(peer.connections.every((c) => c.ended !== "open")).toBe(true);
  }, 30_000);
});
