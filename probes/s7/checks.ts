// Declared checks (with safety classes) of the S7comm plugin, the bounded TSAP plan and the SZL
// reads a default run sends. Kept free of network code so index.ts and probe.ts share one definition.
import type { CheckDecl } from "../../src/plugin.js";
import { tsapFor, tsapName } from "./wire.js";

/**
 * Called TSAPs tried, one connection at a time, until one is accepted (the list is the whole plan:
 * 4 connections at most, plus one operator-named TSAP first):
 *  - 0x0102 PG, rack 0 slot 2: S7-300 CPUs (and nmap s7-info's first try);
 *  - 0x0101 PG, rack 0 slot 1: S7-1200/S7-1500 and ET 200 CPUs, S7-400 in slot 1 (snap7's ConnectTo(ip, 0, 1));
 *  - 0x0100 PG, rack 0 slot 0: LOGO! 0BA7+ and devices that ignore the slot;
 *  - 0x0200 OP, rack 0 slot 0: nmap s7-info's alternative (operator-panel connection type).
 * The calling TSAP is 0x0100 (PG, rack 0 slot 0), as snap7 and nmap send.
 */
export const DEFAULT_TSAPS: readonly number[] = [tsapFor(1, 0, 2), tsapFor(1, 0, 1), tsapFor(1, 0, 0), tsapFor(2, 0, 0)];
export const CALLING_TSAP = 0x0100;

/** SZL lists read (all userdata "Read SZL", function group 4, subfunction 1: reads only). */
export const SZL_READS: readonly { id: number; index: number; what: string }[] = [
  { id: 0x0011, index: 0x0000, what: "module identification (order number, hardware and firmware version)" },
  { id: 0x001c, index: 0x0000, what: "component identification (station and module names, plant id, serial number, copyright)" },
  { id: 0x0232, index: 0x0004, what: "protection level (mode selector, parameterised level / password, valid level)" },
  { id: 0x0424, index: 0x0000, what: "operating mode (RUN, STOP, ...)" },
];

export const szlLabel = (id: number, index: number) => `0x${id.toString(16).padStart(4, "0")}/0x${index.toString(16).padStart(4, "0")}`;

export const CHECKS = {
  cotp: {
    id: "s7.cotp-connect",
    safety: "passive",
    description: `ISO-on-TCP (RFC 1006) COTP Connection Request for the called TSAPs ${DEFAULT_TSAPS.map(tsapName).join(", ")} (one connection at a time, stops at the first accepted; --s7-tsap first when given)`,
    sends: () => DEFAULT_TSAPS.map((t) => `COTP CR called TSAP ${tsapName(t)} calling ${tsapName(CALLING_TSAP)}`),
  },
  setup: {
    id: "s7.setup-communication",
    safety: "passive",
    description: "S7 'Setup communication' (job function 0xF0, PDU length 480): negotiates the PDU size, changes nothing on the CPU",
    sends: () => ["S7 setup communication"],
  },
  szl: {
    id: "s7.read-szl",
    safety: "read",
    description: `S7 userdata 'Read SZL' (function group 4, subfunction 1) for ${SZL_READS.map((r) => `${szlLabel(r.id, r.index)} ${r.what}`).join("; ")}; follow-up fragments bounded`,
    sends: () => SZL_READS.map((r) => `SZL read ${szlLabel(r.id, r.index)}`),
  },
} as const satisfies Record<string, CheckDecl>;
