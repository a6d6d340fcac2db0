// Plugins from outside the source tree (OTAUDIT_PLUGINS), and the registry's invariants: ids,
// schemes, credential kinds and option flags unique, rule ids under the plugin's own id. The
// registry (probes/registry.ts) loads external plugins before any command builds its flags, so a
// plugin that lives anywhere gets its options, credentials, discovery, rules and signals without
// a change to the core. Load problems are collected, and the CLI reports them as usage errors.
import { delimiter, isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { ProtocolPlugin } from "./plugin.js";

/** The environment variable naming plugin modules (absolute or relative paths; `:` or `,` separated). */
export const PLUGINS_ENV = "OTAUDIT_PLUGINS";

/** Ids the core uses for its own facts, finding sources and flags: no plugin may take them. */
export const RESERVED_IDS: readonly string[] = [
  "surface",
  "discovery",
  "advisories",
  "fleet",
  "login",
  "log",
  "no",
  "from",
  "fail",
  "max",
  "zone",
  "device",
  "give",
  "sweep",
  "policy",
  "services",
];
/** Concerns a plugin's policy set may have (src/policy/rules.ts maps each to a policy rule). */
const POLICY_SET_CONCERNS = ["cryptography", "protocol-version", "authentication", "exposure"];
const POLICY_SET_RE = /^[A-Za-z][A-Za-z0-9-]*$/;

const ID_RE = /^[a-z][a-z0-9]*$/;
const NAME_RE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const SCHEME_RE = /^[a-z][a-z0-9+.-]*$/;

/** Problems with one plugin against those already accepted (empty = fine). */
export function checkPlugin(p: ProtocolPlugin, accepted: readonly ProtocolPlugin[]): string[] {
  const out: string[] = [];
  if (!p || typeof p !== "object") return ["not a plugin object (export default { id, schemes, ... })"];
  if (typeof p.id !== "string" || !ID_RE.test(p.id)) return [`id ${JSON.stringify(p.id)}: lower-case letters and digits, starting with a letter`];
  const at = `plugin '${p.id}'`;
  if (RESERVED_IDS.includes(p.id)) out.push(`${at}: id is reserved by the core`);
  if (accepted.some((a) => a.id === p.id)) out.push(`${at}: another plugin has this id`);
  if (typeof p.title !== "string" || p.title === "") out.push(`${at}: title is required`);
  if (p.transport !== "tcp" && p.transport !== "udp") out.push(`${at}: transport must be tcp or udp`);
  if (typeof p.version !== "string") out.push(`${at}: version is required`);
  if (typeof p.probe !== "function") out.push(`${at}: probe(ctx) is required`);
  if (!p.factsSchema || typeof (p.factsSchema as { safeParse?: unknown }).safeParse !== "function") out.push(`${at}: factsSchema must be a zod schema`);
  if (!Array.isArray(p.schemes) || p.schemes.length === 0) out.push(`${at}: schemes must list at least one URL scheme`);
  for (const s of Array.isArray(p.schemes) ? p.schemes : []) {
    if (typeof s !== "string" || !SCHEME_RE.test(s)) out.push(`${at}: scheme ${JSON.stringify(s)} is not a URL scheme`);
    else if (accepted.some((a) => a.schemes.includes(s))) out.push(`${at}: scheme '${s}' belongs to another plugin`);
  }
  if (!Array.isArray(p.defaultPorts)) out.push(`${at}: defaultPorts must be a list`);
  for (const d of Array.isArray(p.defaultPorts) ? p.defaultPorts : []) {
    if (!Number.isInteger(d?.port) || d.port < 1 || d.port > 65535) out.push(`${at}: default port ${JSON.stringify(d?.port)} is out of range`);
    if (!p.schemes?.includes(d?.scheme)) out.push(`${at}: default port ${d?.port}: scheme '${d?.scheme}' is not one of the plugin's schemes`);
  }
  if (!Array.isArray(p.checks)) out.push(`${at}: checks must be a list`);
  if (!Array.isArray(p.rules)) out.push(`${at}: rules must be a list`);
  const ruleIds = new Set<string>();
  for (const r of Array.isArray(p.rules) ? p.rules : []) {
    const id = r?.meta?.id;
    if (typeof id !== "string" || !id.startsWith(`${p.id}.`)) out.push(`${at}: rule id ${JSON.stringify(id)} must start with '${p.id}.'`);
    else if (ruleIds.has(id)) out.push(`${at}: rule id '${id}' is declared twice`);
    else ruleIds.add(id);
    if (typeof r?.check !== "function") out.push(`${at}: rule ${JSON.stringify(id)} has no check()`);
  }
  for (const o of p.options ?? []) {
    if (typeof o?.name !== "string" || !NAME_RE.test(o.name)) out.push(`${at}: option name ${JSON.stringify(o?.name)} must be kebab-case`);
    if (!o?.schema || typeof (o.schema as { safeParse?: unknown }).safeParse !== "function") out.push(`${at}: option '${o?.name}' needs a zod schema`);
  }
  if (!!p.policySets !== (typeof p.policyFacts === "function"))
    out.push(`${at}: policySets and policyFacts come together (the sets a device offers, and how the facts show them)`);
  for (const [name, d] of Object.entries(p.policySets ?? {})) {
    if (!POLICY_SET_RE.test(name)) out.push(`${at}: policy set name ${JSON.stringify(name)} must be letters, digits and '-'`);
    if (!POLICY_SET_CONCERNS.includes(d?.concern)) out.push(`${at}: policy set '${name}': concern must be one of ${POLICY_SET_CONCERNS.join(", ")}`);
  }
  const names = (p.options ?? []).map((o) => o?.name);
  if (new Set(names).size !== names.length) out.push(`${at}: an option name is declared twice`);
  if (p.credentials) {
    const c = p.credentials;
    if (!Array.isArray(c.kinds) || c.kinds.length === 0) out.push(`${at}: credentials.kinds must list at least one kind`);
    for (const k of c.kinds ?? []) {
      if (typeof k !== "string" || !NAME_RE.test(k)) out.push(`${at}: credentials kind ${JSON.stringify(k)} must be kebab-case`);
      else if (accepted.some((a) => a.credentials?.kinds.includes(k))) out.push(`${at}: credentials kind '${k}' belongs to another plugin`);
    }
    for (const f of [...(c.secrets ?? []), ...(c.paths ?? [])])
      if (!(f in (c.fields ?? {}))) out.push(`${at}: credentials field '${f}' is not among the declared fields`);
    for (const f of Object.keys(c.fields ?? {}))
      if (f === "protocol" || f === "host" || f.endsWith("Env")) out.push(`${at}: credentials field '${f}' is reserved by the core`);
  }
  return out;
}

/** Check a whole list (the built-in registry is checked the same way, by a test). */
export function checkPlugins(plugins: readonly ProtocolPlugin[]): string[] {
  const accepted: ProtocolPlugin[] = [];
  const out: string[] = [];
  for (const p of plugins) {
    const problems = checkPlugin(p, accepted);
    out.push(...problems);
    if (problems.length === 0) accepted.push(p);
  }
  return out;
}

export interface ExternalPlugins {
  plugins: ProtocolPlugin[];
  /** one line per problem, naming OTAUDIT_PLUGINS and the file */
  errors: string[];
}

/** The module paths named by OTAUDIT_PLUGINS. */
export function pluginPaths(spec: string | undefined): string[] {
  if (!spec) return [];
  return spec
    .split(new RegExp(`[,${delimiter === ";" ? ";" : ":"}]`))
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Import each module (its default export: one plugin or a list) and check it against the built-in
 * plugins and the ones before it. A module that fails to load or check is left out, with a reason.
 */
export async function loadExternalPlugins(spec: string | undefined, builtins: readonly ProtocolPlugin[]): Promise<ExternalPlugins> {
  const plugins: ProtocolPlugin[] = [];
  const errors: string[] = [];
  for (const file of pluginPaths(spec)) {
    const path = isAbsolute(file) ? file : resolve(file);
    const at = `${PLUGINS_ENV}: ${file}`;
    let mod: { default?: unknown };
    try {
      mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
    } catch (e) {
      errors.push(`${at}: cannot load (${((e as Error).message ?? String(e)).split("\n")[0]})`);
      continue;
    }
    const exported = mod.default;
    const list = (Array.isArray(exported) ? exported : [exported]) as ProtocolPlugin[];
    for (const p of list) {
      const problems = checkPlugin(p, [...builtins, ...plugins]);
      if (problems.length) errors.push(...problems.map((m) => `${at}: ${m}`));
      else plugins.push(p);
    }
  }
  return { plugins, errors };
}

let builtinRequest: readonly string[] | undefined;

/**
 * Before the registry (probes/registry.ts) is first imported: load only these built-in plugins
 * (the CLI's choice for one command line, src/cli/plugin-choice.ts). Without a request, or once the
 * registry is loaded, every plugin is (and stays) loaded.
 */
export function requestBuiltinPlugins(ids: readonly string[]): void {
  builtinRequest = ids;
}

/** The ids requested by requestBuiltinPlugins (undefined: all). */
export function builtinPluginRequest(): readonly string[] | undefined {
  return builtinRequest;
}
