// The S7comm plugin: Siemens S7 CPUs over ISO-on-TCP (RFC 1006, TCP 102), read-only: COTP connect,
// Setup communication and four SZL reads (identification, protection level, operating mode).
// Light on purpose (zod, rules, declarations): the probe and the simulator are loaded on first use.
import { definePlugin, type ObservedProduct } from "../../src/plugin.js";
import { CHECKS } from "./checks.js";
import { S7_DISCOVERY, S7_OPTIONS } from "./declarations.js";
import { S7Facts } from "./facts.js";
import { S7SimProfile, profileFromFacts } from "./profile.js";
import { RULES } from "./rules.js";
import { s7Signals } from "./signals.js";
import { safeExcerpt } from "../../src/report/safe-text.js";

export default definePlugin<S7Facts>({
  id: "s7",
  title: "S7comm (ISO-on-TCP)",
  schemes: ["s7"],
  transport: "tcp",
  defaultPorts: [{ scheme: "s7", port: 102 }],
  maxEndpoints: 1,
  version: "1.0.0",
  factsSchema: S7Facts,
  checks: Object.values(CHECKS),
  rules: RULES,
  options: S7_OPTIONS,
  discovery: S7_DISCOVERY,
  signals: (facts) => s7Signals(facts),
  async probe(ctx) {
    const { probeS7 } = await import("./probe.js");
    return probeS7(ctx);
  },
  simulator: {
    profileSchema: S7SimProfile,
    async start(profile, opts) {
      const { startS7Simulator } = await import("./simulator.js");
      return startS7Simulator(profile as S7SimProfile, opts);
    },
  },
  profileFromFacts: (facts) => profileFromFacts(facts),
  // SZL 0x0011 (order number, firmware 'V' x.y.z of index 7) and 0x001C (module type name)
  identify: (facts) => {
    const id = facts.identity;
    if (!id?.orderNumber && !id?.moduleTypeName) return [];
    const raw = [`orderNumber=${id.orderNumber ?? ""}`, `firmware=${id.firmwareVersion ?? ""}`, `moduleTypeName=${id.moduleTypeName ?? ""}`]
      .map((x) => safeExcerpt(x, 120))
      .join(", ");
    const siemens = /^6E[SD]\d/.test(id.orderNumber ?? "") || /siemens/i.test(id.copyright ?? "");
    const product: ObservedProduct = {
      ...(siemens ? { vendor: "Siemens" } : {}),
      product: id.moduleTypeName ?? id.orderNumber,
      ...(id.orderNumber ? { model: id.orderNumber } : {}),
      ...(id.firmwareVersion ? { version: id.firmwareVersion.replace(/^V/, "") } : {}),
      source: "s7 szl 0x0011/0x001c",
      raw,
      port: facts.port,
    };
    return [product];
  },
});
