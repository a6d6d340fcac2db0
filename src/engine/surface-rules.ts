// The core's surface rules, over the services a device showed that no plugin audited (see
// surface.ts). Generic: they read each port's cleartext flag, role and elements from the surface
// data, never a protocol name. An open cleartext management service is a verified failure of
// secure communication (element 7: legacy cleartext management must be disabled); any other
// unaudited open service is `undetermined` on the elements it bears on (nothing audited it).
import { mapped } from "../catalog/spec.js";
import type { FactsEnvelope } from "../model/facts.js";
import type { Finding } from "../model/result.js";
import type { RuleMeta } from "../plugin.js";
import { SURFACE_PORTS } from "../../probes/registry.js";
import { portLabel, unauditedPorts } from "./surface.js";

/** The finding `protocol` of surface findings. */
export const SURFACE_SOURCE = "surface";

export const CLEARTEXT_MANAGEMENT_META: RuleMeta = {
  id: "surface.cleartext-management",
  title: "No cleartext management service open",
  elements: [7],
  iec62443: ["CR 4.1", "CR 3.1", "CR 1.2"],
  severity: "high",
  safety: "passive",
  remediation:
    "Disable the cleartext management service and use its encrypted successor (named in the finding's evidence), or, where it cannot be turned off, block it at the zone boundary and reach it only through an encrypted, authenticated tunnel.",
  docs: `A full TCP connect (clean close) to the cleartext management ports of the surface data (probes/surface.ts, ${SURFACE_PORTS.filter((s) => s.cleartext && s.role === "management").length} ports). Reported when no plugin audits the service.`,
};

export const UNAUDITED_SERVICE_META: RuleMeta = {
  id: "surface.unaudited-service",
  title: "Open service that no plugin audits",
  elements: [3, 5, 7, 8, 9],
  iec62443: ["CR 7.7"],
  severity: "medium",
  safety: "passive",
  remediation:
    "Find out what the service is and whether the device needs it (CR 7.7 least functionality); disable it or audit it with a tool that speaks its protocol. The elements it bears on stay at best partial until then.",
  docs: `The surface ports (probes/surface.ts, ${SURFACE_PORTS.length} ports) that answered a TCP connect and that no otaudit plugin audits.`,
};

export const SURFACE_RULE_METAS: readonly RuleMeta[] = [CLEARTEXT_MANAGEMENT_META, UNAUDITED_SERVICE_META];

function base(meta: RuleMeta): Omit<Finding, "status" | "message" | "port" | "evidence"> {
  const { elements, iec62443 } = mapped(meta); // the Secure by Demand spec is authoritative
  return {
    ruleId: meta.id,
    title: meta.title,
    severity: meta.severity,
    elements: [...elements],
    iec62443: [...iec62443],
    protocol: SURFACE_SOURCE,
    remediation: meta.remediation,
    safety: meta.safety,
  };
}

/** Findings for the device's unaudited open services. */
export function surfaceFindings(facts: Readonly<Record<string, FactsEnvelope>>): Finding[] {
  const out: Finding[] = [];
  for (const p of unauditedPorts(facts)) {
    const known = SURFACE_PORTS.find((s) => s.service === p.service);
    const name = known?.title ?? p.service;
    const evidence = {
      port: p.port,
      transport: p.transport,
      service: p.service,
      state: p.state,
      cleartext: p.cleartext,
      role: p.role,
      ...(known ? { spec: known.spec } : {}),
      ...(known?.secureAlternative ? { useInstead: known.secureAlternative } : {}),
    };
    if (p.cleartext && p.role === "management") {
      out.push({
        ...base(CLEARTEXT_MANAGEMENT_META),
        status: "fail",
        port: p.port,
        message: `${name} (${portLabel(p)}) accepted a connection: a cleartext management service, audited by no plugin`,
        evidence,
      });
    } else {
      out.push({
        ...base(UNAUDITED_SERVICE_META),
        elements: [...p.elements],
        status: "undetermined",
        reason: "not-attempted",
        port: p.port,
        message: `${name} (${portLabel(p)}) accepted a connection; no plugin audits it${p.cleartext ? " (a cleartext protocol)" : ""}`,
        evidence,
      });
    }
  }
  return out;
}
