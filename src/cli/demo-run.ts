// The demo bench: the bundled "legacy" and "hardened" device profiles served by our simulators on
// loopback, audited in default mode, shown side by side and written to ./otaudit-demo/result.json.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PLUGINS } from "../../probes/registry.js";
import { auditDevices } from "../engine/audit.js";
import { loadProfile, startProfile, type RunningDevice } from "../engine/profiles.js";
import { resolveTargets } from "../engine/targets.js";
import { EXIT } from "../errors.js";
import { createLogger } from "../log.js";
import { loadCredentials } from "../config/credentials.js";
import { PACKAGE_ROOT } from "../version.js";
import { renderScorecards, useColor } from "../report/terminal.js";
import { checkWritableDir, writeJson } from "../report/write.js";
import { finalize } from "./outputs.js";
import { note, say } from "./ui.js";
import type { ResultDocument } from "../model/result.js";
import { nothingAudited } from "../engine/audit.js";
import { loadAdvisoryFiles } from "../advisories/load.js";

export const DEMO_DEVICES = [
  { profile: "legacy-plc.yaml", host: "127.0.0.11" },
  { profile: "hardened-controller.yaml", host: "127.0.0.12" },
];

/** Advisories the demo matches observed versions against (fixtures/advisories; the CSAF one is fictitious). */
export const DEMO_ADVISORIES = ["example-automation-lx100.csaf.json", "openssh.advisories.yaml"];

/**
 * What fills the unverified elements: only the vendor can show them (threat model, ownership,
 * vulnerability management...), through an evidence file applied with --evidence.
 */
export function evidenceHint(doc: ResultDocument, resultFile: string): string {
  const ids = [...new Set(doc.devices.flatMap((d) => d.elements.filter((e) => e.verdict === "unverified").map((e) => e.id)))].sort((a, b) => a - b);
  if (ids.length === 0) return "";
  return [
    "",
    `Unverified elements (${ids.join(", ")}): no probe can see them; only the vendor can show them. To fill them in:`,
    "  otaudit evidence init --out vendor-evidence.yaml        # the questions for every element; the vendor answers",
    "  otaudit evidence check --evidence vendor-evidence.yaml  # says what is not filled in yet",
    `  otaudit report ${resultFile} --evidence vendor-evidence.yaml --format html --out report/`,
    "Answered elements become attested (the vendor's word, never pass); a failure otaudit observed always wins.",
    "",
  ].join("\n");
}

export async function runDemo(opts: { out: string; color: boolean }): Promise<number> {
  checkWritableDir(opts.out, `--out ${opts.out}`);
  const stateDir = mkdtempSync(join(tmpdir(), "otaudit-demo-"));
  const running: RunningDevice[] = [];
  try {
    for (const d of DEMO_DEVICES) {
      const profile = loadProfile(join(PACKAGE_ROOT, "fixtures", "profiles", d.profile), PLUGINS);
      running.push(await startProfile(profile, PLUGINS, d.host, stateDir));
    }
    for (const r of running) note(`demo: ${r.profile.header.name} listening: ${r.urls.join(" ") || "(no simulator available)"}`);
    const devices = [];
    for (const r of running) {
      if (r.urls.length === 0) continue;
      const [spec] = await resolveTargets(r.urls, PLUGINS);
      devices.push({ ...spec!, name: r.profile.header.name });
    }
    const doc = finalize(
      await auditDevices(devices, {
        plugins: [...PLUGINS],
        timeoutMs: 3000,
        concurrency: 2,
        intrusive: false,
        // bench credentials for the hardened controller, as an acceptance tester supplies them
        credentials: loadCredentials(join(PACKAGE_ROOT, "fixtures", "profiles", "bench", "demo-credentials.yaml")),
        failOn: "high",
        log: createLogger({ level: "warn" }),
        advisories: loadAdvisoryFiles(DEMO_ADVISORIES.map((f) => join(PACKAGE_ROOT, "fixtures", "advisories", f))),
      }),
    );
    const outFile = resolve(opts.out, "result.json");
    writeJson(outFile, doc, "--out");
    say(renderScorecards(doc, { color: useColor(opts.color), maxFindings: 15 }));
    say(`Result document: ${outFile}\n`);
    say(evidenceHint(doc, join(opts.out, "result.json")));
    return nothingAudited(doc) ? EXIT.CANNOT_AUDIT : EXIT.OK;
  } finally {
    await Promise.allSettled(running.map((r) => r.stop()));
    rmSync(stateDir, { recursive: true, force: true });
  }
}
