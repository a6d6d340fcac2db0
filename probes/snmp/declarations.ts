// What the SNMP plugin declares to the core (plugin contract v2): the `--snmp-write-oid` option,
// its credentials-file entry (a community for v1/v2c, or a v3 user with keys) and its UDP
// discovery (engine discovery, discovery.ts), used by sweeps.
import { z } from "zod";
import {
  credentialsOfKind,
  type PluginCredentialEntry,
  type PluginCredentialsDecl,
  type PluginDiscoveryDecl,
  type PluginOptionDecl,
} from "../../src/plugin.js";

export const SNMP_OPTIONS: PluginOptionDecl[] = [
  {
    name: "write-oid",
    valueName: "oid",
    description: "intrusive SNMP write-back OID (default sysLocation.0; needs --intrusive)",
    schema: z.string().regex(/^\d+(\.\d+)+$/, "expected a numeric OID such as 1.3.6.1.2.1.1.6.0"),
    requiresIntrusive: true,
    intrusiveNote: "a write-back test is intrusive",
    key: "writeOid",
  },
];

export const SNMP_CREDENTIAL_FIELDS = {
  community: z.string().min(1).optional(),
  username: z.string().min(1).optional(),
  authProtocol: z.enum(["md5", "sha", "sha224", "sha256", "sha384", "sha512"]).optional(),
  authKey: z.string().min(1).optional(),
  privProtocol: z.enum(["des", "aes", "aes192", "aes256"]).optional(),
  privKey: z.string().min(1).optional(),
};

export type SnmpCredentialEntry = ReturnType<typeof snmpCredentials>[number];

/** The credentials a probe got, as typed SNMP entries. */
export function snmpCredentials(entries: readonly PluginCredentialEntry[]) {
  return credentialsOfKind(entries, "snmp", SNMP_CREDENTIAL_FIELDS);
}

export const SNMP_CREDENTIALS: PluginCredentialsDecl = {
  kinds: ["snmp"],
  fields: SNMP_CREDENTIAL_FIELDS,
  secrets: ["community", "authKey", "privKey"],
  validate(e) {
    const out: string[] = [];
    if (e.community === undefined && e.username === undefined) out.push("an snmp entry needs community (v1/v2c) or username (v3)");
    if (e.authProtocol !== undefined && e.authKey === undefined) out.push("authKey: required with authProtocol");
    if (e.privProtocol !== undefined && e.authProtocol === undefined) out.push("privProtocol: privacy needs authProtocol too");
    if (e.privProtocol !== undefined && e.privKey === undefined) out.push("privKey: required with privProtocol");
    return out;
  },
};

export const SNMP_DISCOVERY: PluginDiscoveryDecl = {
  async udp(host, port, timeoutMs, signal) {
    const { discoverEngine } = await import("./discovery.js");
    // one attempt, no retry: the SNMP probe runs on every device anyway (v1/v2c-only agents ignore
    // this discovery) and sends its own engine discovery with the community candidates
    return discoverEngine(host, port, timeoutMs, signal, 0);
  },
};
