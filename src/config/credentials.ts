// Credentials file (YAML): bench credentials per protocol and host. The file's schema is built from
// every plugin's `credentials` declaration (kinds, fields, secrets, path fields, cross-field checks).
// Secrets come from this file or from environment variables it names (`<field>Env`), never from
// argv, and are registered for scrubbing. Path fields are resolved against the file (like
// ssh_config) and read here, before any network work, so an unusable key file is exit 2 naming
// `[i].field`. Errors are `source: [i].field: message` lines.
import { readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { parseYaml } from "../yaml.js";
import { z } from "zod";
import { PLUGINS } from "../../probes/registry.js";
import { UsageError, zodIssueLines } from "../errors.js";
import type { PluginCredentialEntry, ProtocolPlugin } from "../plugin.js";
import { registerSecret } from "../secrets.js";
import { hostMatches, isValidHostSelector } from "./hosts.js";

export { hostMatches } from "./hosts.js";

/** A validated entry as probes receive it (see PluginCredentialEntry). */
export type CredentialEntry = PluginCredentialEntry;

/** Key and certificate files larger than this are not what the field names. */
export const MAX_CREDENTIAL_FILE_BYTES = 1 << 20;

const hostSelector = z.string().min(1).optional().describe("address, glob (10.0.*) or CIDR; absent = any host");
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name");

type Declared = Pick<ProtocolPlugin, "id" | "credentials">;

/** The credentials file schema for these plugins: one strict entry shape per declared kind. */
export function credentialsFileSchema(plugins: readonly Declared[] = PLUGINS) {
  const variants: z.ZodObject[] = [];
  for (const p of plugins) {
    const decl = p.credentials;
    if (!decl) continue;
    const shape: Record<string, z.ZodType> = { host: hostSelector };
    for (const [field, schema] of Object.entries(decl.fields)) {
      if (decl.secrets.includes(field)) {
        // the value's own schema applies after env resolution (an empty password is a value)
        shape[field] = z.string().optional();
        shape[`${field}Env`] = envName.optional();
      } else shape[field] = schema as z.ZodType;
    }
    for (const kind of decl.kinds) variants.push(z.object({ protocol: z.literal(kind), ...shape }).strict());
  }
  const entry = variants.length ? z.discriminatedUnion("protocol", variants as [z.ZodObject, ...z.ZodObject[]]) : z.never();
  return z.array(entry);
}

/** Every `protocol:` kind the plugins declare, with the plugin that takes it. */
function kindOwners(plugins: readonly Declared[]): Map<string, Declared> {
  const out = new Map<string, Declared>();
  for (const p of plugins) for (const k of p.credentials?.kinds ?? []) out.set(k, p);
  return out;
}

export interface ParseCredentialsOptions {
  /** relative path fields resolve against this folder (the credentials file's); default the working directory */
  baseDir?: string;
  plugins?: readonly Declared[];
}

/** Parse and validate a credentials file; throws UsageError with `path.to.field` lines. */
export function loadCredentials(file: string, env: NodeJS.ProcessEnv = process.env, plugins: readonly Declared[] = PLUGINS): CredentialEntry[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`--credentials ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  return parseCredentials(text, `--credentials ${file}`, env, { baseDir: dirname(resolve(file)), plugins });
}

function readPathField(path: string): Buffer | string {
  try {
    const st = statSync(path);
    if (!st.isFile()) return `${path} is not a regular file`;
    if (st.size > MAX_CREDENTIAL_FILE_BYTES) return `${path} is larger than ${MAX_CREDENTIAL_FILE_BYTES} bytes`;
    return readFileSync(path);
  } catch (e) {
    return `cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? "error"})`;
  }
}

/** Prefix a plugin's `field: message` (or plain message) with the entry index. */
function entryLine(source: string, i: number, message: string): string {
  return /^[A-Za-z_][\w.[\]]*: /.test(message) ? `${source}: [${i}].${message}` : `${source}: [${i}]: ${message}`;
}

export function parseCredentials(text: string, source: string, env: NodeJS.ProcessEnv = process.env, opts: ParseCredentialsOptions = {}): CredentialEntry[] {
  const plugins = opts.plugins ?? PLUGINS;
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? [];
  } catch (e) {
    throw new UsageError(`${source}: not valid YAML (${(e as Error).message.split("\n")[0]})`);
  }
  const owners = kindOwners(plugins);
  const parsed = credentialsFileSchema(plugins).safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((iss) => {
      const last = iss.path.at(-1);
      const entry = iss.path.length === 2 && typeof iss.path[0] === "number" ? (raw as Record<string, unknown>[])[iss.path[0]] : undefined;
      if (last === "protocol" && entry && typeof entry === "object") {
        const kind = (entry as Record<string, unknown>).protocol;
        return {
          ...iss,
          message: `${kind === undefined ? "missing" : `unknown kind ${JSON.stringify(kind)}`} (known: ${[...owners.keys()].sort().join(", ")})`,
        };
      }
      return iss;
    });
    const lines = zodIssueLines(source, issues);
    throw new UsageError(lines[0]!, lines);
  }
  const baseDir = opts.baseDir ?? process.cwd();
  const errors: string[] = [];
  const entries = (parsed.data as Record<string, unknown>[]).map((rawEntry, i) => {
    const entry: CredentialEntry = { ...(rawEntry as CredentialEntry) };
    const decl = owners.get(entry.protocol)!.credentials!;
    const at = `${source}: [${i}]`;
    const fromEnv = new Set<string>();
    for (const s of decl.secrets) {
      const name = entry[`${s}Env`] as string | undefined;
      if (name === undefined) continue;
      if (entry[s] !== undefined) {
        errors.push(`${at}.${s}Env: give ${s} or ${s}Env, not both`);
        continue;
      }
      const v = env[name];
      if (v === undefined) errors.push(`${at}.${s}Env: environment variable ${name} is not set`);
      else {
        entry[s] = v;
        fromEnv.add(s);
      }
    }
    // the resolved values against the plugin's own field schemas
    const values = z.object(decl.fields).safeParse(Object.fromEntries(Object.keys(decl.fields).map((f) => [f, entry[f]])));
    if (!values.success) {
      for (const iss of values.error.issues) {
        const field = String(iss.path[0] ?? "");
        const shown = fromEnv.has(field) ? `${field}Env` : field;
        const message =
          iss.code === "invalid_type" && entry[field] === undefined
            ? `required${decl.secrets.includes(field) ? ` (give ${field} or ${field}Env)` : ""}`
            : iss.message;
        errors.push(`${at}.${[shown, ...iss.path.slice(1).map(String)].join(".")}: ${message}`);
      }
      return entry;
    }
    const files: Record<string, Buffer> = {};
    for (const f of decl.paths ?? []) {
      const p = entry[f];
      if (typeof p !== "string" || p === "") continue;
      const abs = isAbsolute(p) ? p : resolve(baseDir, p);
      entry[f] = abs;
      const content = readPathField(abs);
      if (typeof content === "string") errors.push(`${at}.${f}: ${content}`);
      else files[f] = content;
    }
    if (Object.keys(files).length === (decl.paths ?? []).filter((f) => typeof entry[f] === "string").length) {
      for (const m of decl.validate?.(entry, files) ?? []) errors.push(entryLine(source, i, m));
    }
    if (entry.host !== undefined && !isValidHostSelector(entry.host)) errors.push(`${at}.host: not an address, glob or CIDR: ${entry.host}`);
    return entry;
  });
  // secrets are registered before any error is raised: a message must never carry one
  for (const c of entries) for (const s of owners.get(c.protocol)!.credentials!.secrets) if (typeof c[s] === "string") registerSecret(c[s] as string);
  if (errors.length) throw new UsageError(errors[0]!, errors);
  return entries;
}

/** The `protocol:` kinds a plugin takes: its declaration's, or its own id when it declares none. */
export function credentialKinds(plugin: Declared): readonly string[] {
  return plugin.credentials?.kinds ?? [plugin.id];
}

/** The entries for one plugin and device host (the plugin looked up in `plugins`, then the registry). */
export function credentialsFor(all: readonly CredentialEntry[], pluginId: string, host: string, plugins: readonly Declared[] = PLUGINS): CredentialEntry[] {
  const plugin = plugins.find((p) => p.id === pluginId) ?? PLUGINS.find((p) => p.id === pluginId) ?? { id: pluginId };
  const kinds = credentialKinds(plugin);
  return all.filter((c) => kinds.includes(c.protocol) && hostMatches(c.host, host));
}
