// The demo result the export goldens are made from (test/report/golden-demo): the fixture library's
// legacy PLC and hardened controller (fixtures/library, recorded from the demo's device profiles)
// replayed through the current rules, with the policy `otaudit policy make` builds from the
// hardened controller applied to both: real facts (identities, keys, services) and policy findings
// in every format. Times are fixed so the files are stable. Regenerate on purpose:
// UPDATE_GOLDEN=1 npx vitest run test/report/demo-goldens.test.ts
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PLUGINS } from "../../probes/registry.js";
import { loadRecording, replayRecording } from "../../src/fixtures/replay.js";
import type { ResultDocument } from "../../src/model/result.js";
import { applyPolicy } from "../../src/policy/apply.js";
import { parsePolicy } from "../../src/policy/load.js";
import { makePolicy, policyYaml } from "../../src/policy/make.js";
import { renderReport, type ReportFormat } from "../../src/report/index.js";
import { PACKAGE_ROOT } from "../../src/version.js";
import { checkGolden } from "../helpers/golden.js";
import { mask } from "./helpers.js";

export const DEMO_GOLDEN_DIR = fileURLToPath(new URL("./golden-demo/", import.meta.url));
const T0 = "2025-03-01T10:00:00.000Z";
const T1 = "2025-03-01T10:00:42.000Z";

/** The export formats (and the CI formats that carry policy clauses) with a demo golden each. */
export const DEMO_GOLDENS: Partial<Record<ReportFormat, string>> = {
  defectdojo: "defectdojo.json",
  ocsf: "findings.ocsf.jsonl",
  cyclonedx: "bom.cdx.json",
  capability: "capability.json",
  sarif: "report.sarif",
  junit: "junit.xml",
  csv: "findings.csv",
};

function replay(name: string): ResultDocument {
  const file = `fixtures/library/${name}/recording.json`;
  return replayRecording(loadRecording(join(PACKAGE_ROOT, file), PLUGINS), { plugins: [...PLUGINS], failOn: "high", file });
}

/** The policy made from the hardened controller, as `policy make` writes it, parsed back. */
export function hardenedPolicy(hardened = replay("hardened-controller")) {
  const made = makePolicy(hardened, PLUGINS, { resultFile: "hardened-controller.json", toolVersion: "0.0.0", now: new Date(T0) });
  return parsePolicy(policyYaml(made), "made policy", "hardened-controller.policy.yaml", PLUGINS);
}

export function demoResult(): ResultDocument {
  const legacy = replay("legacy-plc");
  const hardened = replay("hardened-controller");
  const doc: ResultDocument = {
    ...legacy,
    run: { ...legacy.run, startedAt: T0, finishedAt: T1, durationMs: 42_000 },
    devices: [...legacy.devices, ...hardened.devices],
  };
  delete doc.run.recording;
  return applyPolicy(doc, hardenedPolicy(hardened), PLUGINS);
}

/** Compare the demo rendering of `file` with the golden in `dir` (a missing golden fails). */
export function checkDemoGolden(file: string, dir = DEMO_GOLDEN_DIR, update?: boolean, doc = demoResult()): void {
  const format = (Object.keys(DEMO_GOLDENS) as ReportFormat[]).find((f) => DEMO_GOLDENS[f] === file);
  if (!format) throw new Error(`no demo golden format renders ${file}`);
  checkGolden(join(dir, file), mask(renderReport(doc, format), doc.tool.version), "UPDATE_GOLDEN=1 npx vitest run test/report/demo-goldens.test.ts", update);
}
