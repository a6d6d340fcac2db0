// The probe's security decisions (probes/opcua/security.ts) on hand-made endpoints: password exposure
// for every combination that matters, auth factors per token type, where this client may send a
// password, and the last-moment guard on the token node-opcua built.
import { describe, expect, it } from "vitest";
import type { EndpointFacts } from "../../probes/opcua/facts.js";
import { annotateEndpoints, authFactors, passwordExposure, passwordPlans, refusePassword } from "../../probes/opcua/security.js";
import { sha256Hex } from "../../probes/opcua/certificate.js";

const P = (n: string) => `http://opcfoundation.org/UA/SecurityPolicy#${n}`;
const DER = Buffer.from([0x30, 0x03, 0x02, 0x01, 0x05]); // a minimal DER SEQUENCE standing in for a certificate
const SHA = sha256Hex(DER);
const ep = (policy: string, mode: EndpointFacts["securityMode"], token: string | null, cert: string | null = SHA): EndpointFacts => ({
  endpointUrl: "opc.tcp://plc:4840",
  securityPolicyUri: policy,
  securityMode: mode,
  securityLevel: 0,
  transportProfileUri: "",
  userTokens: [{ policyId: "u", tokenType: "UserName", securityPolicyUri: token }],
  certificateSha256: cert,
  applicationUri: "urn:plc",
  productUri: "",
  applicationName: "",
});
const exposure = (e: EndpointFacts, parsed = new Set([SHA])) => passwordExposure(e, e.userTokens[0]!, parsed);

describe("passwordExposure", () => {
  it.each([
    // [endpoint policy, mode, token policy, certificate, expected, protected by]
    [P("None"), "None", null, SHA, "cleartext", undefined],
    [P("None"), "None", P("None"), SHA, "cleartext", undefined],
    [P("None"), "None", P("Basic256Sha256"), SHA, "protected", "token"],
    [P("None"), "None", P("Basic256Sha256"), null, "cleartext", undefined],
    [P("None"), "None", P("none"), SHA, "unknown", undefined],
    [P("None"), "None", "http://example.com/UA/SecurityPolicy#Vendor", SHA, "unknown", undefined],
    [P("None"), "None", "http://evil.example/x#Basic256Sha256", SHA, "unknown", undefined],
    [P("Basic256Sha256"), "Sign", null, SHA, "protected", "token"],
    [P("Basic256Sha256"), "Sign", P("None"), SHA, "cleartext", undefined],
    [P("Basic256Sha256"), "SignAndEncrypt", P("None"), SHA, "protected", "channel"],
    [P("Basic256Sha256"), "SignAndEncrypt", "http://example.com/UA/SecurityPolicy#Vendor", SHA, "protected", "channel"],
    ["http://example.com/UA/SecurityPolicy#Vendor", "SignAndEncrypt", null, SHA, "unknown", undefined],
    ["http://example.com/UA/SecurityPolicy#Vendor", "SignAndEncrypt", P("None"), SHA, "unknown", undefined],
    [P("Basic256"), "Sign", null, SHA, "protected", "token"],
  ] as const)("endpoint %s / %s, token policy %s, certificate %s -> %s", (policy, mode, token, cert, status, by) => {
    const x = exposure(ep(policy, mode, token, cert));
    expect(x.status).toBe(status);
    expect(x.by).toBe(by);
    expect(x.reason.length).toBeGreaterThan(20);
  });

  it("a certificate that could not be parsed leaves it unknown", () => {
    expect(exposure(ep(P("None"), "None", P("Basic256Sha256")), new Set()).status).toBe("unknown");
  });
});

describe("authFactors and annotateEndpoints", () => {
  it("anonymous is none, password or certificate alone single, issued or unknown tokens unknown", () => {
    expect(authFactors("Anonymous")).toBe("none");
    expect(authFactors("UserName")).toBe("single");
    expect(authFactors("Certificate")).toBe("single");
    expect(authFactors("IssuedToken")).toBe("unknown");
    expect(authFactors("Unknown")).toBe("unknown");
  });
  it("annotates every token with its factors and UserName tokens with their exposure", () => {
    const e = {
      ...ep(P("None"), "None", null),
      userTokens: [
        { policyId: "a", tokenType: "Anonymous" as const, securityPolicyUri: null },
        { policyId: "u", tokenType: "UserName" as const, securityPolicyUri: null },
      ],
    };
    const [out] = annotateEndpoints([e], []);
    expect(out!.userTokens[0]).toMatchObject({ authFactors: "none" });
    expect(out!.userTokens[0]!.passwordExposure).toBeUndefined();
    expect(out!.userTokens[1]).toMatchObject({ authFactors: "single", passwordExposure: { status: "cleartext" } });
  });
});

describe("passwordPlans and the token guard", () => {
  const parsed = [{ sha256: SHA }] as never;
  it("plans only protected tokens on endpoints this client can open, channel protection first", () => {
    const eps = annotateEndpoints(
      [
        ep(P("None"), "None", null),
        ep(P("None"), "None", P("Basic256Sha256")),
        ep(P("Basic256Sha256"), "SignAndEncrypt", null),
        ep(P("Basic128Rsa15"), "SignAndEncrypt", null),
      ],
      parsed,
    );
    const plans = passwordPlans(eps);
    expect(plans.map((p) => [p.endpoint.securityPolicyUri, p.by])).toEqual([
      [P("Basic256Sha256"), "channel"],
      [P("None"), "token"],
    ]);
  });

  const plan = (by: "channel" | "token") => ({ endpoint: ep(P("None"), "None", P("Basic256Sha256")), policyId: "u", by });
  const OAEP = "http://www.w3.org/2001/04/xmlenc#rsa-oaep";
  const cipher = Buffer.alloc(256, 1);
  it("lets an OAEP-encrypted token with the listed certificate through", () => {
    expect(
      refusePassword(plan("token"), { policyId: "u", encryptionAlgorithm: OAEP, password: cipher }, { mode: "None", policyUri: P("None") }, DER, 10),
    ).toBeNull();
  });
  it.each([
    ["another token policy", { policyId: "other", encryptionAlgorithm: OAEP, password: cipher }, DER, /not the planned/],
    [
      "no encryption (node-opcua's fallback for a policy it does not know)",
      { policyId: "u", encryptionAlgorithm: null, password: Buffer.from("secret-pw") },
      DER,
      /not one otaudit knows/,
    ],
    ["RSA PKCS#1 v1.5", { policyId: "u", encryptionAlgorithm: "http://www.w3.org/2001/04/xmlenc#rsa-1_5", password: cipher }, DER, /not one otaudit knows/],
    ["no certificate in CreateSession", { policyId: "u", encryptionAlgorithm: OAEP, password: cipher }, null, /no certificate/],
    [
      "another certificate in CreateSession",
      { policyId: "u", encryptionAlgorithm: OAEP, password: cipher },
      Buffer.from([0x30, 0x03, 0x02, 0x01, 0x06]),
      /not the one the endpoint listed/,
    ],
    ["a password field that is not a ciphertext", { policyId: "u", encryptionAlgorithm: OAEP, password: Buffer.from("short") }, DER, /not a ciphertext/],
  ])("refuses %s", (_what, token, cert, why) => {
    expect(refusePassword(plan("token"), token as never, { mode: "None", policyUri: P("None") }, cert as Buffer | null, 10)).toMatch(why as RegExp);
  });
  it("a channel plan needs a real SignAndEncrypt channel with a known policy", () => {
    const tok = { policyId: "u", encryptionAlgorithm: null, password: Buffer.from("x") };
    expect(refusePassword(plan("channel"), tok, { mode: "SignAndEncrypt", policyUri: P("Basic256Sha256") }, null, 1)).toBeNull();
    expect(refusePassword(plan("channel"), tok, { mode: "Sign", policyUri: P("Basic256Sha256") }, null, 1)).toMatch(/not the planned SignAndEncrypt/);
    expect(refusePassword(plan("channel"), tok, { mode: "SignAndEncrypt", policyUri: "http://example.com/x#Vendor" }, null, 1)).toMatch(/not the planned/);
  });
});
