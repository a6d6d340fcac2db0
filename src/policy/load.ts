// Loading a policy: `--policy FILE|NAME` is a policy file when such a file exists, else a built-in
// policy by name (src/policy/builtin/<name>.yaml). Files go through the input loaders every operator
// file uses (parseYamlText: garbage and deep nesting give one clean line), then the zod schema and
// the cross-checks against the plugins and the spec; every problem is one `source: path: message`
// line of one UsageError (exit 2).
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { UsageError, zodIssueLines } from "../errors.js";
import { parseYamlText, readInputFile, usageErrorFromLines } from "../evidence/load.js";
import type { ProtocolPlugin } from "../plugin.js";
import { PACKAGE_ROOT } from "../version.js";
import { PolicyDocument, policyProblems, type Policy } from "./format.js";

export const BUILTIN_DIR = "src/policy/builtin";
const BUILTIN_PREFIX = "built-in:";

/** Names of the built-in policies (file names without .yaml), sorted. */
export function builtinPolicyNames(): string[] {
  return readdirSync(join(PACKAGE_ROOT, BUILTIN_DIR))
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => f.slice(0, -".yaml".length))
    .sort();
}

/** Built-in policies a policy may extend, at most this deep (SL 3 -> SL 2 -> SL 1). */
const MAX_EXTENDS = 4;

/** Parse and validate policy text; `label` prefixes every error line. */
export function parsePolicy(text: string, label: string, source: string, plugins: readonly ProtocolPlugin[], depth = 0): Policy {
  const raw = parseYamlText(text, label);
  const parsed = PolicyDocument.safeParse(raw ?? {});
  if (!parsed.success) throw usageErrorFromLines(zodIssueLines(label, parsed.error.issues));
  const problems = policyProblems(parsed.data, plugins);
  if (parsed.data.extends !== undefined) {
    if (!builtinPolicyNames().includes(parsed.data.extends))
      problems.push({ path: ["extends"], message: `no built-in policy '${parsed.data.extends}' (built-in: ${builtinPolicyNames().join(", ")})` });
    else if (depth >= MAX_EXTENDS) problems.push({ path: ["extends"], message: `extends more than ${MAX_EXTENDS} policies deep (a cycle?)` });
  }
  if (problems.length) throw usageErrorFromLines(zodIssueLines(label, problems));
  const own: Policy = { ...parsed.data, source };
  return parsed.data.extends === undefined ? own : merged(loadBuiltinPolicy(parsed.data.extends, plugins, depth + 1), own);
}

/** A policy that extends another: the base's clauses first, its own after (a set clause of its own replaces the base's). */
function merged(base: Policy, own: Policy): Policy {
  const offers: Policy["offers"] = {};
  for (const src of [base.offers, own.offers]) for (const [protocol, sets] of Object.entries(src)) offers[protocol] = { ...offers[protocol], ...sets };
  const ids = new Set(own.requirements.map((r) => r.id));
  const requirements = [...base.requirements.filter((r) => !ids.has(r.id)), ...own.requirements];
  return { ...own, offers, requirements };
}

export function loadBuiltinPolicy(name: string, plugins: readonly ProtocolPlugin[], depth = 0): Policy {
  if (!builtinPolicyNames().includes(name)) throw new UsageError(`no built-in policy '${name}' (built-in: ${builtinPolicyNames().join(", ")})`);
  const file = join(PACKAGE_ROOT, BUILTIN_DIR, `${name}.yaml`);
  return parsePolicy(readInputFile(file, "built-in policy"), `built-in policy ${name}`, `${BUILTIN_PREFIX}${name}`, plugins, depth);
}

/** `--policy FILE|NAME`: an existing file, else a built-in name; neither is a usage error. */
export function loadPolicyArg(arg: string, plugins: readonly ProtocolPlugin[], label = "--policy"): Policy {
  if (existsSync(arg)) {
    if (!statSync(arg).isFile()) throw new UsageError(`${label} ${arg}: not a file`);
    return parsePolicy(readInputFile(arg, label), `${label} ${arg}`, arg, plugins);
  }
  if (builtinPolicyNames().includes(arg)) return loadBuiltinPolicy(arg, plugins);
  throw new UsageError(`${label} ${arg}: no such file, and no built-in policy by that name (built-in: ${builtinPolicyNames().join(", ")})`);
}

export function isBuiltin(p: Pick<Policy, "source">): boolean {
  return p.source.startsWith(BUILTIN_PREFIX);
}
