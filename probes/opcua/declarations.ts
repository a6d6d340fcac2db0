// What the OPC UA plugin declares to the core (plugin contract v2): the `--opcua-client-pki` option
// and its credentials-file entry (a user name and password for a UserName token session).
import { z } from "zod";
import { credentialsOfKind, type PluginCredentialEntry, type PluginCredentialsDecl, type PluginOptionDecl } from "../../src/plugin.js";

export const OPCUA_OPTIONS: PluginOptionDecl[] = [
  {
    name: "client-pki",
    valueName: "dir",
    description:
      "persistent OPC UA client PKI for sessions (trust its own/certs certificate on the server once); the trust test always uses a fresh certificate",
    schema: z.string().min(1, "expected a folder"),
    key: "clientPki",
  },
];

export const OPCUA_CREDENTIAL_FIELDS = {
  username: z.string().min(1),
  /** an empty string is a password */
  password: z.string(),
};

export type OpcuaCredentialEntry = ReturnType<typeof opcuaCredentials>[number];

/** The credentials a probe got, as typed OPC UA entries. */
export function opcuaCredentials(entries: readonly PluginCredentialEntry[]) {
  return credentialsOfKind(entries, "opcua", OPCUA_CREDENTIAL_FIELDS);
}

export const OPCUA_CREDENTIALS: PluginCredentialsDecl = {
  kinds: ["opcua"],
  fields: OPCUA_CREDENTIAL_FIELDS,
  secrets: ["password"],
};
