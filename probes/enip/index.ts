// The EtherNet/IP plugin: CIP over EtherNet/IP (TCP/UDP 44818), read-only: ListIdentity (TCP and
// UDP), ListServices, the CIP Security object (Get_Attribute_Single in a registered session) and
// whether TLS (2221) / DTLS (2222) answer. Light on purpose: probe and simulator load on first use.
import { definePlugin } from "../../src/plugin.js";
import { CHECKS } from "./checks.js";
import { ENIP_DISCOVERY } from "./declarations.js";
import { EnipFacts } from "./facts.js";
import { EnipSimProfile, profileFromFacts } from "./profile.js";
import { RULES } from "./rules.js";
import { enipSignals } from "./signals.js";
import { safeExcerpt } from "../../src/report/safe-text.js";

export default definePlugin<EnipFacts>({
  id: "enip",
  title: "EtherNet/IP (CIP)",
  schemes: ["enip"],
  transport: "tcp",
  defaultPorts: [{ scheme: "enip", port: 44818 }],
  maxEndpoints: 1,
  version: "1.0.0",
  factsSchema: EnipFacts,
  checks: Object.values(CHECKS),
  rules: RULES,
  discovery: ENIP_DISCOVERY,
  signals: (facts) => enipSignals(facts),
  async probe(ctx) {
    const { probeEnip } = await import("./probe.js");
    return probeEnip(ctx);
  },
  simulator: {
    profileSchema: EnipSimProfile,
    async start(profile, opts) {
      const { startEnipSimulator } = await import("./simulator.js");
      return startEnipSimulator(profile as EnipSimProfile, opts);
    },
  },
  profileFromFacts: (facts) => profileFromFacts(facts),
  // Identity object attributes from ListIdentity (CIP Vol. 1 §5A-2.2): vendor (named from the
  // vendor table when known), product name, product code, revision major.minor
  identify: (facts) => {
    const id = facts.listIdentity.identity ?? facts.udp.identity;
    if (!id) return [];
    const raw = `vendorId=${id.vendorId}, deviceType=${id.deviceType}, productCode=${id.productCode}, revision=${id.revision}, productName=${safeExcerpt(id.productName, 120)}`;
    return [
      {
        ...(id.vendorName ? { vendor: id.vendorName } : {}),
        product: id.productName,
        model: `product code ${id.productCode}`,
        version: id.revision,
        source: "enip ListIdentity",
        raw,
        port: facts.port,
      },
    ];
  },
});
