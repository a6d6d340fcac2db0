// OPC UA rules on hand-made facts: the edge cases the interop servers do not produce.
import { describe, expect, it } from "vitest";
import plugin from "../../probes/opcua/index.js";
import { runRules } from "../../src/engine/rules.js";
import type { CertificateFacts, EndpointFacts, OpcuaFacts } from "../../probes/opcua/facts.js";
import { annotateEndpoints } from "../../probes/opcua/security.js";

const P = (name: string) => `http://opcfoundation.org/UA/SecurityPolicy#${name}`;
const cert = (over: Partial<CertificateFacts> = {}): CertificateFacts => ({
  sha256: "aa",
  subject: "CN=plc",
  issuer: "CN=plc",
  notBefore: "2020-01-01T00:00:00.000Z",
  notAfter: "2030-01-01T00:00:00.000Z",
  keyAlgorithm: "rsa",
  keySize: 2048,
  signatureAlgorithm: "RSASSA-PKCS1-v1_5 with SHA-256",
  signatureHash: "SHA-256",
  sanUris: ["urn:plc"],
  sanDns: ["plc.example"],
  sanIps: ["0:0:0:0:0:0:0:1"],
  selfSigned: true,
  ...over,
});
const ep = (policy: string, mode: EndpointFacts["securityMode"], tokens: EndpointFacts["userTokens"] = []): EndpointFacts => ({
  endpointUrl: "opc.tcp://plc.example:4840",
  securityPolicyUri: P(policy),
  securityMode: mode,
  securityLevel: 1,
  transportProfileUri: "",
  userTokens: tokens,
  certificateSha256: "aa",
  applicationUri: "urn:plc",
  productUri: "",
  applicationName: "",
});
/** Facts as the probe records them: endpoints annotated with its password-exposure decision. */
function facts(over: Partial<OpcuaFacts>): OpcuaFacts {
  const f = rawFacts(over);
  return { ...f, endpoints: annotateEndpoints(f.endpoints, f.certificates) };
}
function rawFacts(over: Partial<OpcuaFacts>): OpcuaFacts {
  return {
    discoveryUrl: "opc.tcp://plc.example:4840",
    transport: { protocolVersion: 0, receiveBufferSize: 65536, sendBufferSize: 65536, maxMessageSize: 0, maxChunkCount: 0 },
    endpoints: [ep("Basic256Sha256", "SignAndEncrypt")],
    certificates: [cert()],
    certificateErrors: [],
    anonymousSession: { status: "skipped", message: "no endpoint offers the Anonymous token" },
    trustTest: { status: "rejected", message: "BadSecurityChecksFailed" },
    ...over,
  };
}
function run(f: OpcuaFacts, host = "::1", startedAt = "2026-01-01T00:00:00.000Z") {
  const env = {
    protocol: "opcua",
    status: "ok" as const,
    endpoints: [{ protocol: "opcua", scheme: "opc.tcp", host, port: 4840, transport: "tcp" as const, url: "opc.tcp://x:4840", explicit: true }],
    startedAt,
    durationMs: 1,
    probeVersion: "1",
    data: f,
  };
  const out = runRules(plugin, env, { host, intrusive: false, credentialed: false });
  return (id: string) => out.filter((x) => x.ruleId === id);
}

describe("opcua rules", () => {
  it("a UserName token with policy None on a Sign-only endpoint leaks the password; on SignAndEncrypt it does not", () => {
    const tok = [{ policyId: "u", tokenType: "UserName" as const, securityPolicyUri: P("None") }];
    expect(run(facts({ endpoints: [ep("Basic256Sha256", "Sign", tok)] }))("opcua.user-token.cleartext-password")[0]?.status).toBe("fail");
    expect(run(facts({ endpoints: [ep("Basic256Sha256", "SignAndEncrypt", tok)] }))("opcua.user-token.cleartext-password")[0]?.status).toBe("pass");
    // empty token policy = the endpoint's policy (Part 4 §7.41): None endpoint -> clear text
    expect(
      run(facts({ endpoints: [ep("None", "None", [{ policyId: "u", tokenType: "UserName", securityPolicyUri: "" }])] }))(
        "opcua.user-token.cleartext-password",
      )[0]?.status,
    ).toBe("fail");
  });

  it("anonymous rights: no Anonymous token among those listed passes; no token policy listed at all is undetermined (no-evidence), never a pass", () => {
    const tok = [{ policyId: "u", tokenType: "UserName" as const, securityPolicyUri: "" }];
    expect(run(facts({ endpoints: [ep("Basic256Sha256", "SignAndEncrypt", tok)] }))("opcua.anonymous.writable-variables")[0]?.status).toBe("pass");
    for (const id of [
      "opcua.anonymous.writable-variables",
      "opcua.anonymous.writable-attributes",
      "opcua.anonymous.executable-methods",
      "opcua.anonymous.writable-diagnostics",
    ])
      expect(run(facts({ endpoints: [ep("Basic256Sha256", "SignAndEncrypt", [])] }))(id)[0], id).toMatchObject({
        status: "undetermined",
        reason: "no-evidence",
      });
  });

  it("near expiry is a low-severity failure, expired a high one", () => {
    const soon = run(facts({ certificates: [cert({ notAfter: "2026-01-10T00:00:00.000Z" })] }))("opcua.certificate.validity")[0]!;
    expect(soon).toMatchObject({ status: "fail", severity: "low" });
    const expired = run(facts({ certificates: [cert({ notAfter: "2025-06-01T00:00:00.000Z" })] }))("opcua.certificate.validity")[0]!;
    expect(expired).toMatchObject({ status: "fail", severity: "high" });
  });

  it("matches IPv6 SAN entries in any notation, and fails an unnamed host", () => {
    expect(run(facts({}), "::1")("opcua.certificate.host-mismatch")[0]?.status).toBe("pass");
    expect(run(facts({}), "10.0.0.9")("opcua.certificate.host-mismatch")[0]?.status).toBe("fail");
  });

  it("never turns a step that could not run into a pass", () => {
    const get = run(
      facts({
        trustTest: { status: "error", message: "timed out" },
        anonymousSession: { status: "error", message: "timed out" },
        endpoints: [ep("None", "None", [{ policyId: "a", tokenType: "Anonymous", securityPolicyUri: null }])],
        certificates: [],
        certificateErrors: [{ sha256: "bb", error: "not a DER SEQUENCE" }],
      }),
    );
    expect(get("opcua.trust.unknown-client-certificate")[0]?.status).toBe("error");
    expect(get("opcua.anonymous.writable-variables")[0]?.status).toBe("error");
    // an unparsed certificate is undetermined (unparsed), never a pass
    expect(get("opcua.certificate.key-size")[0]).toMatchObject({ status: "undetermined", reason: "unparsed" });
    expect(get("opcua.auditing.disabled")[0]?.status).toBe("skipped");
  });

  it("a truncated browse with nothing writable is undetermined (incomplete), not passed", () => {
    const get = run(
      facts({
        endpoints: [ep("None", "None", [{ policyId: "a", tokenType: "Anonymous", securityPolicyUri: null }])],
        anonymousSession: { status: "activated", message: "ok" },
        anonymousBrowse: {
          status: "ok",
          maxDepth: 6,
          maxNodes: 10,
          nodesVisited: 10,
          variablesChecked: 4,
          truncated: true,
          writable: [],
          unreadable: { count: 0, sample: [] },
          executable: [],
          writableAttributes: [],
        },
      }),
    );
    expect(get("opcua.anonymous.writable-variables")[0]).toMatchObject({ status: "undetermined", reason: "incomplete" });
  });
});
