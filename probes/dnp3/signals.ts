// Fleet signals of the DNP3 plugin (plugin contract v2): DNP3 over TCP is a cleartext control channel
// (IEEE 1815-2012 has no encryption; Secure Authentication only authenticates critical requests).
import type { FleetSignals } from "../../src/plugin.js";
import type { Dnp3Facts } from "./facts.js";

export function dnp3Signals(facts: Dnp3Facts): FleetSignals {
  if (facts.reachability !== "open") return {};
  const answered = facts.outstation !== undefined;
  return {
    cleartext: [
      {
        scheme: "dnp3",
        port: facts.port,
        carries: "control",
        detail: `DNP3 on tcp/${facts.port}${answered ? ` answered (outstation ${facts.outstation})` : " accepted a connection"}`,
      },
    ],
  };
}
