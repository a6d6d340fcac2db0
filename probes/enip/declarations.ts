// What the EtherNet/IP plugin declares to the core (plugin contract v2): the cleartext scheme
// (plain EtherNet/IP has no security of its own; CIP Security runs on other ports).
import type { PluginDiscoveryDecl } from "../../src/plugin.js";

export const ENIP_DISCOVERY: PluginDiscoveryDecl = { cleartextSchemes: ["enip"] };
