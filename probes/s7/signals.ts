// Fleet signals of the S7comm plugin (plugin contract v2): ISO-on-TCP S7comm is a cleartext control
// and engineering channel; its access is authenticated by the CPU password only (single factor) when
// one is set, by nothing when the protection level is 1 and no password is set.
import type { AuthFactors, FleetSignals } from "../../src/plugin.js";
import type { S7Facts } from "./facts.js";

export function s7Signals(facts: S7Facts): FleetSignals {
  const out: FleetSignals = { cleartext: [], remoteAccess: [] };
  if (facts.setup.status !== "accepted") return out;
  out.cleartext!.push({
    scheme: "s7",
    port: facts.port,
    carries: "control",
    detail: `S7comm (ISO-on-TCP) on tcp/${facts.port} answered without authentication`,
  });
  const p = facts.protection;
  const factors: AuthFactors = !p
    ? "unknown"
    : p.parameterizedLevel === 0 && p.effectiveLevel === 1
      ? "none"
      : p.parameterizedLevel >= 1 && p.parameterizedLevel <= 3
        ? "single-factor"
        : "unknown";
  out.remoteAccess!.push({
    scheme: "s7",
    port: facts.port,
    factors,
    detail: p
      ? `S7 engineering access: protection level ${p.effectiveLevel}, parameterised ${p.parameterizedLevel}`
      : "S7 engineering access: protection level not readable",
  });
  return out;
}
