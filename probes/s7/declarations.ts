// What the S7comm plugin declares to the core (plugin contract v2): the `--s7-tsap` option (one
// more called TSAP, tried first) and the cleartext scheme (S7comm has no security of its own).
import { z } from "zod";
import type { PluginDiscoveryDecl, PluginOptionDecl } from "../../src/plugin.js";

export const S7_OPTIONS: PluginOptionDecl[] = [
  {
    name: "tsap",
    valueName: "hex",
    description: "an extra called TSAP to try first, 4 hex digits (e.g. 0103 for a PG connection to rack 0 slot 3)",
    schema: z.string().regex(/^(0x)?[0-9a-fA-F]{4}$/, "expected 4 hex digits, e.g. 0103"),
  },
];

export const S7_DISCOVERY: PluginDiscoveryDecl = { cleartextSchemes: ["s7"] };
