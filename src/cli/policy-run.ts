// `otaudit policy ...`: make a policy from a golden device in a stored result, validate policy
// files, list built-in policies and the plugins' sets, print the JSON Schema. Policy files are
// operator input (src/policy/load.ts: path.to.field errors, exit 2); output goes through the
// escaping boundary (safeText) where it is for people, YAML/JSON as is.
import { closeSync, existsSync, openSync, readFileSync, readSync } from "node:fs";
import { join } from "node:path";
import { EXIT, UsageError } from "../errors.js";
import { PLUGINS } from "../../probes/registry.js";
import { builtinPolicyNames, BUILTIN_DIR, loadBuiltinPolicy, loadPolicyArg } from "../policy/load.js";
import { makePolicy, policyYaml } from "../policy/make.js";
import { policyJsonSchema } from "../policy/format.js";
import { SERVICES_KEY, SERVICES_SET } from "../policy/rules.js";
import { checkWritableFile, refuseSameFile, writeFileAtomic } from "../report/write.js";
import { safeText } from "../report/safe-text.js";
import { PACKAGE_ROOT, TOOL_VERSION } from "../version.js";
import { loadResult } from "./report-run.js";
import type { PolicyMakeOptions } from "./option-types.js";
import { say } from "./ui.js";

export async function runPolicyMake(result: string, opts: PolicyMakeOptions): Promise<number> {
  const toFile = opts.out !== undefined && opts.out !== "-";
  if (toFile) {
    if (existsSync(opts.out!) && !opts.force) throw new UsageError(`--out: ${opts.out} exists (use --force to overwrite)`);
    checkWritableFile(opts.out!, `--out ${opts.out}`);
    refuseSameFile([{ label: "--out", path: opts.out! }], [{ label: "RESULT", path: result }]);
  }
  if (looksLikeRecording(result))
    throw new UsageError(
      `RESULT: ${result} is a recording (otaudit record), not a result: replay it first (otaudit scan --from-facts ${result} --json result.json)`,
    );
  const doc = await loadResult(result);
  const policy = makePolicy(doc, PLUGINS, { device: opts.device, name: opts.name, resultFile: result, toolVersion: TOOL_VERSION });
  const text = policyYaml(policy);
  if (!toFile) {
    process.stdout.write(text);
    return EXIT.OK;
  }
  writeFileAtomic(opts.out!, text, "--out");
  const sets = Object.values(policy.offers).reduce((n, s) => n + Object.keys(s).length, 0);
  say(`wrote ${safeText(opts.out!)}: ${sets} allowed set(s)${policy.notIncluded?.length ? `, ${policy.notIncluded.length} left out (see notIncluded)` : ""}\n`);
  return EXIT.OK;
}

/** A recording's first bytes name its kind; reading a little is enough to tell it from a result. */
function looksLikeRecording(file: string): boolean {
  try {
    const fd = openSync(file, "r");
    try {
      const head = Buffer.alloc(256);
      const n = readSync(fd, head, 0, head.length, 0);
      return /^\s*\{\s*"kind"\s*:\s*"otaudit-recording"/.test(head.subarray(0, n).toString("utf8"));
    } finally {
      closeSync(fd);
    }
  } catch {
    return false; // loadResult reports a file it cannot read
  }
}

export async function runPolicyCheck(arg: string): Promise<number> {
  const p = loadPolicyArg(arg, PLUGINS, "POLICY");
  const sets = Object.values(p.offers).reduce((n, s) => n + Object.keys(s).length, 0);
  say(`${safeText(arg)}: ok (${safeText(p.name)}: ${sets} set clause(s), ${p.requirements.length} requirement clause(s))\n`);
  return EXIT.OK;
}

export async function runPolicyList(): Promise<number> {
  for (const name of builtinPolicyNames()) {
    const p = loadBuiltinPolicy(name, PLUGINS);
    say(`${name}\n  ${p.name}: ${p.requirements.length} requirement clause(s)${p.extends ? ` (extends ${p.extends})` : ""}\n`);
  }
  return EXIT.OK;
}

export async function runPolicySets(): Promise<number> {
  say(`${SERVICES_KEY}.${SERVICES_SET}  (exposure)  open services: plugin services and surface ports\n`);
  for (const p of PLUGINS) for (const [set, d] of Object.entries(p.policySets ?? {})) say(`${p.id}.${set}  (${d.concern})  ${d.title}\n`);
  return EXIT.OK;
}

export async function runPolicyShow(name: string): Promise<number> {
  if (!builtinPolicyNames().includes(name)) throw new UsageError(`NAME: no built-in policy '${name}' (built-in: ${builtinPolicyNames().join(", ")})`);
  process.stdout.write(readFileSync(join(PACKAGE_ROOT, BUILTIN_DIR, `${name}.yaml`), "utf8"));
  return EXIT.OK;
}

export async function runPolicySchema(): Promise<number> {
  process.stdout.write(JSON.stringify(policyJsonSchema(), null, 2) + "\n");
  return EXIT.OK;
}
