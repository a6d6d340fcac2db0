// Fleet signals of the BACnet/IP plugin (plugin contract v2): BACnet/IP is a cleartext control channel
// (no authentication, no encryption: ASHRAE 135 Annex J).
import type { FleetSignals } from "../../src/plugin.js";
import type { BacnetFacts } from "./facts.js";

export function bacnetSignals(facts: BacnetFacts): FleetSignals {
  const answered = facts.whoIs.answered || facts.reads.some((r) => r.outcome === "ack");
  if (!answered) return {};
  return {
    cleartext: [
      {
        scheme: "bacnet",
        port: facts.port,
        carries: "control",
        detail: `BACnet/IP on udp/${facts.port} answered (device ${facts.deviceInstance ?? facts.whoIs.instance ?? "?"})`,
      },
    ],
  };
}
