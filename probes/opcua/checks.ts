// The checks the OPC UA probe performs, each with its safety class (design.md "Safety classes").
import type { CheckDecl } from "../../src/plugin.js";

export const OPCUA_CHECKS = {
  endpoints: {
    id: "opcua.endpoints",
    safety: "passive",
    description:
      "Hello, OpenSecureChannel (SecurityPolicy None), GetEndpoints, FindServers, CloseSecureChannel; GetEndpoints on servers FindServers lists on the same host (at most 4); parse server certificates",
  },
  trust: {
    id: "opcua.trust-test",
    safety: "read",
    description:
      "open a secure channel (Sign/SignAndEncrypt) with a fresh self-signed client certificate; no session, nothing written (a server that accepts unknown certificates may store it as trusted)",
  },
  anonymous: { id: "opcua.anonymous-session", safety: "read", description: "create and activate an anonymous session, then close it" },
  serverInfo: {
    id: "opcua.server-info",
    safety: "read",
    description: "Read ServerStatus (BuildInfo, clock), Server.Auditing, NamespaceArray, ServerProfileArray and the server diagnostics counters",
  },
  browse: {
    id: "opcua.browse-access",
    safety: "read",
    description:
      "bounded Browse of Objects and Variables (depth 10, 2000 nodes, 4 timeouts in all) and Read of UserAccessLevel, UserExecutable and UserWriteMask; never Write, never Call",
  },
  credentialed: {
    id: "opcua.credentialed-session",
    safety: "read",
    description: "username session with the operator's credentials, only where a policy otaudit knows encrypts the password; read-only inspection",
  },
  defaultCredentials: {
    id: "opcua.default-credentials",
    safety: "intrusive",
    description:
      "ActivateSession with cited default user names/passwords, one at a time, paced within the login budget, only where a policy otaudit knows encrypts the password",
  },
  userCertificate: {
    id: "opcua.self-signed-user-certificate",
    safety: "intrusive",
    description: "ActivateSession with a fresh self-signed X.509 user certificate, then CloseSession (the server may store the certificate as rejected)",
  },
} as const satisfies Record<string, CheckDecl>;
