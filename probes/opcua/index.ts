// The OPC UA plugin: endpoints, security policies, user tokens, certificates, trust, anonymous
// rights (issue 4). Light on purpose: zod, rules and data only; the probe (and node-opcua, which
// takes about half a second to import) and the simulator load lazily.
import { definePlugin } from "../../src/plugin.js";
import { OpcuaFacts } from "./facts.js";
import { OPCUA_RULES } from "./rules.js";
import { OPCUA_CHECKS } from "./checks.js";
import { OpcuaSimProfile, SIM_POLICIES } from "./profile.js";
import { policyInfo } from "./knowledge.js";
import { portOfUrl } from "../../src/advisories/identify.js";
import { OPCUA_CREDENTIALS, OPCUA_OPTIONS } from "./declarations.js";
import { opcuaSignals } from "./signals.js";
import { OPCUA_POLICY_SETS, opcuaPolicyFacts } from "./policy.js";

/** Derive a simulator profile from recorded facts (for `otaudit simulate RECORDING`, issue 9). */
export function profileFromFacts(facts: OpcuaFacts): OpcuaSimProfile {
  const policies = [...new Set(facts.endpoints.map((e) => policyInfo(e.securityPolicyUri).name))].filter((n): n is (typeof SIM_POLICIES)[number] =>
    (SIM_POLICIES as readonly string[]).includes(n),
  );
  const modes = [...new Set(facts.endpoints.map((e) => e.securityMode).filter((m) => m !== "Invalid" && m !== "None"))] as ("Sign" | "SignAndEncrypt")[];
  const writable = facts.anonymousBrowse?.writable ?? [];
  // a certificate that did not name the address it was reached at keeps its names; one that did
  // is re-issued by the simulator for the address it serves
  const cert = facts.certificates?.[0];
  const reachedAt = facts.endpoints.map((e) => /^opc\.tcp:\/\/\[?([^\]/]+?)\]?(:\d+)?(\/|$)/.exec(e.endpointUrl)?.[1]).filter((h): h is string => !!h);
  const certNamesReached = !cert || reachedAt.some((h) => cert.sanDns.includes(h) || cert.sanIps.includes(h));
  return OpcuaSimProfile.parse({
    securityPolicies: policies.length ? policies : ["None"],
    securityModes: facts.endpoints.some((e) => e.securityMode === "None") ? ["None", ...modes] : modes.length ? modes : ["None"],
    anonymous: facts.endpoints.some((e) => e.userTokens.some((t) => t.tokenType === "Anonymous")),
    users: [], // passwords are never recorded
    auditing: facts.serverInfo?.auditing ?? true,
    autoAcceptUnknownCertificates: facts.trustTest.status === "accepted",
    variables: writable.slice(0, 50).map((v, i) => ({
      name: /^[A-Za-z][A-Za-z0-9_]*$/.test(v.browseName.replace(/^\d+:/, "")) ? v.browseName.replace(/^\d+:/, "") : `Variable${i + 1}`,
      writable: true,
    })),
    ...(certNamesReached || cert.sanDns.length + cert.sanIps.length === 0 ? {} : { certificateHosts: [...cert.sanDns, ...cert.sanIps] }),
    buildInfo: {
      manufacturerName: facts.serverInfo?.manufacturerName ?? "Example Automation",
      productName: facts.serverInfo?.productName ?? "otaudit simulated OPC UA server",
      softwareVersion: facts.serverInfo?.softwareVersion ?? "1.0.0",
      buildNumber: facts.serverInfo?.buildNumber ?? "1",
    },
  });
}

export default definePlugin<OpcuaFacts>({
  id: "opcua",
  title: "OPC UA",
  schemes: ["opc.tcp"],
  transport: "tcp",
  defaultPorts: [{ scheme: "opc.tcp", port: 4840 }],
  maxEndpoints: 1, // one OPC UA server per device and run (probe.ts)
  version: "2.0.0", // 2.0.0: password exposure and auth factors per user token, discovery, access walk into Variables and Methods
  factsSchema: OpcuaFacts,
  checks: Object.values(OPCUA_CHECKS),
  rules: OPCUA_RULES,
  // plugin contract v2 (declarations.ts, signals.ts)
  options: OPCUA_OPTIONS,
  credentials: OPCUA_CREDENTIALS,
  signals: (facts) => opcuaSignals(facts),
  // policies (src/policy): security policies, modes and user token types as named sets (policy.ts)
  policySets: OPCUA_POLICY_SETS,
  policyFacts: opcuaPolicyFacts,
  async probe(ctx) {
    const { probeOpcua } = await import("./probe.js");
    return probeOpcua(ctx);
  },
  simulator: {
    profileSchema: OpcuaSimProfile,
    async start(profile, opts) {
      const { startOpcuaSimulator } = await import("./simulator.js");
      return startOpcuaSimulator(profile as OpcuaSimProfile, opts);
    },
  },
  profileFromFacts: (facts) => profileFromFacts(facts),
  // Server.ServerStatus.BuildInfo (OPC UA Part 5 §12.4): ManufacturerName, ProductName, SoftwareVersion
  identify: (facts) => {
    const s = facts.serverInfo;
    if (s?.status !== "ok" || !(s.productName || s.productUri)) return [];
    const raw = `ManufacturerName=${s.manufacturerName ?? ""}, ProductName=${s.productName ?? ""}, SoftwareVersion=${s.softwareVersion ?? ""}, BuildNumber=${s.buildNumber ?? ""}`;
    return [
      {
        vendor: s.manufacturerName || undefined,
        product: s.productName || s.productUri,
        version: s.softwareVersion || undefined,
        source: "opcua BuildInfo",
        raw,
        port: portOfUrl(facts.discoveryUrl),
      },
    ];
  },
});
