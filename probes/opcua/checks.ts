// The checks the OPC UA probe performs, each with its safety class (design.md "Safety classes").
import type { CheckDecl } from "../../src/plugin.js";

export const OPCUA_CHECKS = {
  endpoints: { id: "opcua.endpoints", safety: "passive", description: "Hello, OpenSecureChannel (SecurityPolicy None), GetEndpoints, CloseSecureChannel; parse server certificates" },
  trust: { id: "opcua.trust-test", safety: "read", description: "open a secure channel (Sign/SignAndEncrypt) with a fresh self-signed client certificate; no session, nothing written (a server that accepts unknown certificates may store it as trusted)" },
  anonymous: { id: "opcua.anonymous-session", safety: "read", description: "create and activate an anonymous session, then close it" },
  serverInfo: { id: "opcua.server-info", safety: "read", description: "Read ServerStatus (BuildInfo), Server.Auditing and NamespaceArray" },
  browse: { id: "opcua.browse-access", safety: "read", description: "bounded Browse (depth 6, 2000 nodes) and Read of UserAccessLevel to list writable variables; never Write" },
  credentialed: { id: "opcua.credentialed-session", safety: "read", description: "username session with the operator's credentials on the most secure endpoint; read-only inspection" },
  defaultCredentials: { id: "opcua.default-credentials", safety: "intrusive", description: "ActivateSession with cited default user names/passwords, one at a time, paced" },
} as const satisfies Record<string, CheckDecl>;
