// OPC UA rules: pure functions over the probe's facts (no I/O), in four groups: the endpoint list
// (rules-transport.ts), authentication and trust (rules-auth.ts), server certificates
// (rules-cert.ts), and what an anonymous session showed (rules-session.ts). Policy knowledge comes
// from data/*.yaml; evidence names the endpoint URL, policy, certificate or NodeId.
import type { Rule } from "../../src/plugin.js";
import type { OpcuaFacts } from "./facts.js";
import { TRANSPORT_RULES } from "./rules-transport.js";
import { AUTH_RULES } from "./rules-auth.js";
import { CERT_RULES } from "./rules-cert.js";
import { SESSION_RULES } from "./rules-session.js";

export { effectiveTokenPolicy } from "./security.js";

export const OPCUA_RULES: Rule<OpcuaFacts>[] = [...TRANSPORT_RULES, ...AUTH_RULES, ...CERT_RULES, ...SESSION_RULES];
