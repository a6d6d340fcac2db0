// Invariants of the OPC UA security-knowledge data files and of the plugin's rule metadata.
import { describe, expect, it } from "vitest";
import { defaultCredentials, policyInfo, securityPolicies } from "../../probes/opcua/knowledge.js";
import plugin, { profileFromFacts } from "../../probes/opcua/index.js";
import { Iec62443Ref } from "../../src/model/common.js";

describe("probes/opcua/data/security-policies.yaml", () => {
  const data = securityPolicies();
  it("lists each URI once, with a name matching its fragment", () => {
    const uris = data.policies.map((p) => p.uri);
    expect(new Set(uris).size).toBe(uris.length);
    for (const p of data.policies) expect(p.uri.endsWith(`#${p.name}`)).toBe(true);
  });
  it("gives every non-secure policy at least one defined reason, and secure ones none", () => {
    for (const p of data.policies) {
      for (const r of p.reasons) expect(data.reasons[r], `${p.name}: reason ${r}`).toBeDefined();
      if (p.status === "secure") expect(p.reasons).toEqual([]);
      else expect(p.reasons.length).toBeGreaterThan(0);
    }
  });
  it("every reason is used and cites a source", () => {
    const used = new Set(data.policies.flatMap((p) => p.reasons));
    for (const key of Object.keys(data.reasons)) expect(used.has(key), key).toBe(true);
    for (const p of data.policies) expect(p.spec).toMatch(/OPC 10000-7/);
  });
  it("classifies the policies the issue names", () => {
    expect(policyInfo("http://opcfoundation.org/UA/SecurityPolicy#None").status).toBe("none");
    expect(policyInfo("http://opcfoundation.org/UA/SecurityPolicy#Basic128Rsa15").status).toBe("deprecated");
    expect(policyInfo("http://opcfoundation.org/UA/SecurityPolicy#Basic256").status).toBe("deprecated");
    expect(policyInfo("http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256").status).toBe("secure");
    expect(policyInfo("http://opcfoundation.org/UA/SecurityPolicy#Aes256_Sha256_RsaPss").status).toBe("secure");
    expect(policyInfo("http://example.com/UA/SecurityPolicy#Vendor").status).toBe("unknown");
  });
});

describe("probes/opcua/data/default-credentials.yaml", () => {
  it("each entry is unique and names its public source and licence", () => {
    const list = defaultCredentials().credentials;
    const keys = list.map((c) => `${c.username}\u0000${c.password}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const c of list) {
      expect(c.sourceUrl).toMatch(/^https:\/\//);
      expect(c.licence.length).toBeGreaterThan(1);
    }
    expect(list.length).toBeLessThanOrEqual(20); // paced attempts: keep the list short
  });
});

describe("opcua plugin metadata", () => {
  it("rules have unique ids, valid IEC 62443 refs and a declared safety class", () => {
    const ids = plugin.rules.map((r) => r.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of plugin.rules) {
      expect(r.meta.id.startsWith("opcua.")).toBe(true);
      for (const ref of r.meta.iec62443) expect(Iec62443Ref.safeParse(ref).success, ref).toBe(true);
    }
    expect(plugin.rules.find((r) => r.meta.id === "opcua.credentials.default")?.meta.safety).toBe("intrusive");
    expect(plugin.checks.filter((c) => c.safety === "intrusive").map((c) => c.id)).toEqual(["opcua.default-credentials"]);
  });
  it("profileFromFacts yields a valid simulator profile without secrets", () => {
    const profile = profileFromFacts({
      discoveryUrl: "opc.tcp://h:4840",
      transport: { protocolVersion: 0, receiveBufferSize: 65536, sendBufferSize: 65536, maxMessageSize: 0, maxChunkCount: 0 },
      endpoints: [
        { endpointUrl: "opc.tcp://h:4840", securityPolicyUri: "http://opcfoundation.org/UA/SecurityPolicy#None", securityMode: "None", securityLevel: 0, transportProfileUri: "", userTokens: [{ policyId: "a", tokenType: "Anonymous", securityPolicyUri: null }], certificateSha256: null, applicationUri: "", productUri: "", applicationName: "" },
      ],
      certificates: [],
      certificateErrors: [],
      anonymousSession: { status: "activated", message: "ok" },
      serverInfo: { status: "ok", auditingStatus: "ok", auditing: false },
      anonymousBrowse: { status: "ok", maxDepth: 6, maxNodes: 2000, nodesVisited: 3, variablesChecked: 1, truncated: false, writable: [{ nodeId: "ns=1;s=X", browseName: "1:Setpoint" }] },
      trustTest: { status: "accepted", message: "" },
    });
    expect(profile).toMatchObject({ securityPolicies: ["None"], anonymous: true, auditing: false, autoAcceptUnknownCertificates: true, users: [], variables: [{ name: "Setpoint", writable: true }] });
    expect(plugin.simulator!.profileSchema.safeParse(profile).success).toBe(true);
  });
});
