// What the SSH plugin declares to the core (plugin contract v2): its credentials-file entry. The
// core builds the file schema, env indirection, secret scrubbing and path resolution from this and
// reads the key file before any network work; `validate` checks that the key can be used.
import { createRequire } from "node:module";
import { z } from "zod";
import { credentialsOfKind, type PluginCredentialEntry, type PluginCredentialsDecl } from "../../src/plugin.js";

export const SSH_CREDENTIAL_FIELDS = {
  username: z.string().min(1),
  /** an empty string is a password (bench accounts with an empty password, RFC 4252 §8) */
  password: z.string().optional(),
  /** path of a private key file (relative to the credentials file) */
  privateKey: z.string().min(1).optional(),
  /** passphrase of an encrypted private key */
  passphrase: z.string().optional(),
};

/** The one entry kind: `protocol: ssh`. */
export type SshCredentialEntry = ReturnType<typeof sshCredentials>[number];

/** The credentials a probe got, as typed SSH entries. */
export function sshCredentials(entries: readonly PluginCredentialEntry[]) {
  return credentialsOfKind(entries, "ssh", SSH_CREDENTIAL_FIELDS);
}

/** ssh2 parses every key format OpenSSH writes (loaded only when a key file is checked). */
function parseKey(key: Buffer, passphrase: string | undefined): string | undefined {
  const ssh2 = createRequire(import.meta.url)("ssh2") as { utils: { parseKey(k: Buffer, p?: string): unknown } };
  const parsed = ssh2.utils.parseKey(key, passphrase);
  if (parsed instanceof Error) return parsed.message.slice(0, 160);
  return undefined;
}

export const SSH_CREDENTIALS: PluginCredentialsDecl = {
  kinds: ["ssh"],
  fields: SSH_CREDENTIAL_FIELDS,
  secrets: ["password", "passphrase"],
  paths: ["privateKey"],
  validate(entry, files) {
    if (entry.password === undefined && entry.privateKey === undefined) return ["an ssh entry needs password, passwordEnv or privateKey"];
    const key = files.privateKey;
    if (!key) return [];
    const problem = parseKey(key, typeof entry.passphrase === "string" ? entry.passphrase : undefined);
    return problem ? [`privateKey: not a usable private key (${problem})`] : [];
  },
};
