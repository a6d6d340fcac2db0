// Credentials file (YAML): bench credentials per protocol and host. Secrets come from this file
// or from environment variables it names, never from argv, and are registered for scrubbing.
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { dirname, isAbsolute, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { UsageError, zodIssueLines } from "../errors.js";
import { registerSecret } from "../secrets.js";

const hostSelector = z.string().min(1).optional().describe("address, glob (10.0.*) or CIDR; absent = any host");

const passwordFields = {
  password: z.string().min(1).optional(),
  passwordEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name").optional(),
};

export const SshCredential = z
  .object({
    protocol: z.literal("ssh"),
    host: hostSelector,
    username: z.string().min(1),
    ...passwordFields,
    privateKey: z.string().min(1).optional().describe("path to a private key file"),
    passphraseEnv: z.string().optional(),
  })
  .strict();
export const OpcuaCredential = z
  .object({ protocol: z.literal("opcua"), host: hostSelector, username: z.string().min(1), ...passwordFields })
  .strict();
export const SnmpCredential = z
  .object({
    protocol: z.literal("snmp"),
    host: hostSelector,
    community: z.string().min(1).optional(),
    communityEnv: z.string().optional(),
    username: z.string().min(1).optional(),
    authProtocol: z.enum(["md5", "sha", "sha224", "sha256", "sha384", "sha512"]).optional(),
    authKey: z.string().min(1).optional(),
    authKeyEnv: z.string().optional(),
    privProtocol: z.enum(["des", "aes", "aes192", "aes256"]).optional(),
    privKey: z.string().min(1).optional(),
    privKeyEnv: z.string().optional(),
  })
  .strict();
export const ModbusTlsCredential = z
  .object({
    protocol: z.literal("modbus-tls"),
    host: hostSelector,
    certificate: z.string().min(1),
    key: z.string().min(1),
  })
  .strict();

export const CredentialEntry = z.discriminatedUnion("protocol", [SshCredential, OpcuaCredential, SnmpCredential, ModbusTlsCredential]);
export type CredentialEntry = z.infer<typeof CredentialEntry>;
export const CredentialsFile = z.array(CredentialEntry);

/** Plugin id a credential entry belongs to. */
export function credentialPluginId(c: CredentialEntry): string {
  return c.protocol === "modbus-tls" ? "modbus" : c.protocol;
}

function resolveEnv(name: string | undefined, path: string, env: NodeJS.ProcessEnv, errors: string[]): string | undefined {
  if (!name) return undefined;
  const v = env[name];
  if (v === undefined || v === "") errors.push(`${path}: environment variable ${name} is not set`);
  return v;
}

/** Parse and validate a credentials file; throws UsageError with `path.to.field` lines. */
export function loadCredentials(file: string, env: NodeJS.ProcessEnv = process.env): CredentialEntry[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`--credentials ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  return resolveKeyPaths(parseCredentials(text, `--credentials ${file}`, env), dirname(resolve(file)));
}

/** Key and certificate paths in a credentials file are relative to the file itself (like ssh_config). */
function resolveKeyPaths(entries: CredentialEntry[], baseDir: string): CredentialEntry[] {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  return entries.map((c) => {
    if (c.protocol === "ssh" && c.privateKey) return { ...c, privateKey: abs(c.privateKey) };
    if (c.protocol === "modbus-tls") return { ...c, certificate: abs(c.certificate), key: abs(c.key) };
    return c;
  });
}

export function parseCredentials(text: string, source: string, env: NodeJS.ProcessEnv = process.env): CredentialEntry[] {
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? [];
  } catch (e) {
    throw new UsageError(`${source}: not valid YAML (${(e as Error).message.split("\n")[0]})`);
  }
  const parsed = CredentialsFile.safeParse(raw);
  if (!parsed.success) {
    const lines = zodIssueLines(source, parsed.error.issues);
    throw new UsageError(lines[0]!, lines);
  }
  const errors: string[] = [];
  const entries = parsed.data.map((c, i) => {
    const at = `${source}: [${i}]`;
    if (c.protocol === "ssh" || c.protocol === "opcua") {
      const password = c.password ?? resolveEnv(c.passwordEnv, `${at}.passwordEnv`, env, errors);
      if (c.protocol === "ssh" && !password && !c.privateKey) errors.push(`${at}: an ssh entry needs password, passwordEnv or privateKey`);
      if (c.protocol === "opcua" && !password) errors.push(`${at}: an opcua entry needs password or passwordEnv`);
      return { ...c, password };
    }
    if (c.protocol === "snmp") {
      const community = c.community ?? resolveEnv(c.communityEnv, `${at}.communityEnv`, env, errors);
      const authKey = c.authKey ?? resolveEnv(c.authKeyEnv, `${at}.authKeyEnv`, env, errors);
      const privKey = c.privKey ?? resolveEnv(c.privKeyEnv, `${at}.privKeyEnv`, env, errors);
      if (!community && !c.username) errors.push(`${at}: an snmp entry needs community (v1/v2c) or username (v3)`);
      if (c.authProtocol && !authKey) errors.push(`${at}.authKey: required with authProtocol`);
      if (c.privProtocol && !c.authProtocol) errors.push(`${at}.privProtocol: privacy needs authProtocol too`);
      if (c.privProtocol && !privKey) errors.push(`${at}.privKey: required with privProtocol`);
      return { ...c, community, authKey, privKey };
    }
    return c;
  });
  if (errors.length) throw new UsageError(errors[0]!, errors);
  for (const c of entries) {
    if (c.protocol === "ssh" || c.protocol === "opcua") registerSecret(c.password);
    if (c.protocol === "snmp") {
      registerSecret(c.community);
      registerSecret(c.authKey);
      registerSecret(c.privKey);
    }
  }
  for (const [i, c] of entries.entries()) {
    if (c.host && !isValidHostSelector(c.host)) throw new UsageError(`${source}: [${i}].host: not an address, glob or CIDR: ${c.host}`);
  }
  return entries;
}

function isValidHostSelector(sel: string): boolean {
  if (sel.includes("/")) {
    const [addr, bits] = sel.split("/");
    const n = Number(bits);
    const fam = isIP(addr!);
    return fam !== 0 && Number.isInteger(n) && n >= 0 && n <= (fam === 4 ? 32 : 128);
  }
  return /^[A-Za-z0-9.:*?_\-\[\]]+$/.test(sel);
}

function ipv4ToInt(a: string): number {
  return a.split(".").reduce((acc, o) => (acc << 8) + Number(o), 0) >>> 0;
}

/** Does a credential's host selector match this device host? */
export function hostMatches(selector: string | undefined, host: string): boolean {
  if (!selector) return true;
  if (selector.includes("/")) {
    const [addr, bitsStr] = selector.split("/");
    if (isIP(addr!) !== 4 || isIP(host) !== 4) return addr === host;
    const bits = Number(bitsStr);
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return (ipv4ToInt(addr!) & mask) === (ipv4ToInt(host) & mask);
  }
  if (/[*?]/.test(selector)) {
    const re = new RegExp("^" + selector.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".") + "$", "i");
    return re.test(host);
  }
  return selector.toLowerCase() === host.toLowerCase();
}

export function credentialsFor(all: CredentialEntry[], pluginId: string, host: string): CredentialEntry[] {
  return all.filter((c) => credentialPluginId(c) === pluginId && hostMatches(c.host, host));
}
