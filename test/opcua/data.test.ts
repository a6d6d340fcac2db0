// Invariants of the OPC UA security-knowledge data files and of the plugin's rule metadata.
import { describe, expect, it } from "vitest";
import { defaultCredentials, policyInfo, securityPolicies, serverNodes, serverProfiles } from "../../probes/opcua/knowledge.js";
import { checkDefaultCredentialsInvariants } from "../../src/knowledge/default-credentials.js";
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
    // exact comparison (OPC 10000-7): case variants and other prefixes are not known policies
    for (const variant of [
      "http://opcfoundation.org/UA/SecurityPolicy#none",
      "http://opcfoundation.org/UA/SecurityPolicy#NONE",
      "HTTP://opcfoundation.org/UA/SecurityPolicy#None",
      "http://opcfoundation.org/UA/SecurityPolicy#None ",
      "http://evil.example/x#Basic256Sha256",
    ]) {
      expect(policyInfo(variant).status, variant).toBe("unknown");
      expect(policyInfo(variant).name, variant).toBe(variant);
    }
  });
});

describe("probes/opcua/data/default-credentials.yaml", () => {
  it("keeps the shared format's invariants; every entry has a user name; the list stays short", () => {
    const file = defaultCredentials();
    expect(checkDefaultCredentialsInvariants(file)).toEqual([]);
    for (const e of file.entries) expect(e.username, e.id).toBeTruthy();
    expect(file.entries.length).toBeLessThanOrEqual(20); // paced attempts: keep the list short
  });
});

describe("probes/opcua/data/server-profiles.yaml and server-nodes.yaml", () => {
  it("profiles are unique, cite OPC specs, and the user access control profiles are marked", () => {
    const p = serverProfiles().profiles;
    expect(new Set(p.map((x) => x.uri)).size).toBe(p.length);
    for (const x of p) expect(x.spec).toMatch(/OPC 1000\d-\d+/);
    expect(p.find((x) => x.uri.endsWith("/Security/UserAccessFull"))?.rbac).toBe(true);
    expect(p.find((x) => x.uri.endsWith("/Security/UserAccessBase"))?.rbac).toBe(false);
  });
  it("benign server nodes are unique, each with a reason and an OPC 10000-5 clause; state-changing methods are never listed", () => {
    const n = serverNodes().nodes;
    expect(new Set(n.map((x) => x.nodeId)).size).toBe(n.length);
    for (const x of n) expect(x.spec).toMatch(/^OPC 10000-5 §/);
    // RequestServerStateChange (i=12886) and the diagnostics EnabledFlag (i=2294) change server state
    expect(n.map((x) => x.nodeId)).not.toContain("i=12886");
    expect(n.map((x) => x.nodeId)).not.toContain("i=2294");
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
    expect(plugin.checks.filter((c) => c.safety === "intrusive").map((c) => c.id)).toEqual(["opcua.default-credentials", "opcua.self-signed-user-certificate"]);
    expect(
      plugin.rules
        .filter((r) => r.meta.safety === "intrusive")
        .map((r) => r.meta.id)
        .sort(),
    ).toEqual(["opcua.credentials.default", "opcua.trust.self-signed-user-certificate"]);
  });
  it("profileFromFacts yields a valid simulator profile without secrets", () => {
    const profile = profileFromFacts({
      discoveryUrl: "opc.tcp://h:4840",
      transport: { protocolVersion: 0, receiveBufferSize: 65536, sendBufferSize: 65536, maxMessageSize: 0, maxChunkCount: 0 },
      endpoints: [
        {
          endpointUrl: "opc.tcp://h:4840",
          securityPolicyUri: "http://opcfoundation.org/UA/SecurityPolicy#None",
          securityMode: "None",
          securityLevel: 0,
          transportProfileUri: "",
          userTokens: [{ policyId: "a", tokenType: "Anonymous", securityPolicyUri: null }],
          certificateSha256: null,
          applicationUri: "",
          productUri: "",
          applicationName: "",
        },
      ],
      certificates: [],
      certificateErrors: [],
      anonymousSession: { status: "activated", message: "ok" },
      serverInfo: { status: "ok", auditingStatus: "ok", auditing: false },
      anonymousBrowse: {
        status: "ok",
        maxDepth: 6,
        maxNodes: 2000,
        nodesVisited: 3,
        variablesChecked: 1,
        truncated: false,
        writable: [{ nodeId: "ns=1;s=X", browseName: "1:Setpoint" }],
      },
      trustTest: { status: "accepted", message: "" },
    });
    expect(profile).toMatchObject({
      securityPolicies: ["None"],
      anonymous: true,
      auditing: false,
      autoAcceptUnknownCertificates: true,
      users: [],
      variables: [{ name: "Setpoint", writable: true }],
    });
    expect(plugin.simulator!.profileSchema.safeParse(profile).success).toBe(true);
  });
});
