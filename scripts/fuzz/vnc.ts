// Fuzz targets for the RFB handshake parser (probes/vnc/rfb.ts): ProtocolVersion and security types.
import { pathToFileURL } from "node:url";
import { runSeedTargets, type SeedTarget } from "./lib.js";
import {
  encodeSecurityList,
  encodeSecurityType,
  MAX_REASON,
  parseSecurityList,
  parseSecurityType,
  parseVersion,
  RfbWireError,
  securityListFrame,
  securityTypeFrame,
} from "../../probes/vnc/rfb.js";

export const targets: SeedTarget[] = [
  {
    name: "version",
    seeds: [Buffer.from("RFB 003.008\n"), Buffer.from("RFB 003.889\n")],
    run(b) {
      try {
        parseVersion(b);
      } catch (e) {
        if (!(e instanceof RfbWireError)) throw e;
      }
    },
  },
  {
    name: "security",
    seeds: [encodeSecurityList([1, 2, 19]), encodeSecurityList([], "Too many security failures"), encodeSecurityType(2), encodeSecurityType(0, "no")],
    run(b) {
      for (const [frame, parse] of [
        [securityListFrame, parseSecurityList],
        [securityTypeFrame, parseSecurityType],
      ] as const) {
        const n = frame(b);
        if (n === undefined || n > b.length) continue;
        if (n > 8 + MAX_REASON) throw new Error(`frame of ${n} bytes beyond the bound`);
        const r = parse(b.subarray(0, n));
        if (r.types.length > 255 || (r.failureReason ?? "").length > MAX_REASON) throw new Error("bound broken");
      }
    },
  },
];

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) runSeedTargets("vnc", targets);
