// Regenerate the fixture library on purpose: `npm run fixtures:regen [-- NAME...] [--expected-only]`.
//
// For each fixtures/library/<name>/ with a profile.yaml: serve the profile with our simulators on
// loopback, record it with a default (or record.yaml: intrusive) audit, write recording.json, then
// replay that recording and write expected.json (the golden findings). The live findings must equal
// the replayed ones, or the script stops. A folder with only a recording.json (recorded from a real
// device) keeps its recording; its expected.json is rebuilt from it. --expected-only rebuilds every
// expected.json from the existing recordings without starting anything.
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { PLUGINS } from "../probes/registry.js";
import { loadProfile, type DeviceProfile } from "../src/engine/profiles.js";
import type { RunningSimulator } from "../src/plugin.js";
import { resolveTargets } from "../src/engine/targets.js";
import { goldenOf, serializeGolden } from "../src/fixtures/golden.js";
import { parseRecording } from "../src/fixtures/format.js";
import { recordDevices, serializeRecording } from "../src/fixtures/record.js";
import { replayRecording } from "../src/fixtures/replay.js";
import { silentLogger } from "../src/log.js";
import { writeFileAtomic } from "../src/report/write.js";
import { PACKAGE_ROOT } from "../src/version.js";

const LIBRARY = join(PACKAGE_ROOT, "fixtures", "library");
const RecordSettings = z.object({ intrusive: z.boolean().default(false), options: z.record(z.string(), z.string()).default({}) }).strict();

function replayGolden(dir: string, text: string) {
  const rec = parseRecording(text, join(dir, "recording.json"), PLUGINS);
  return goldenOf(replayRecording(rec, { plugins: PLUGINS, failOn: "high", file: "recording.json" }));
}

/**
 * A loopback address of its own per fixture (stable across regenerations, derived from the name),
 * so default-port checks of the recorded device (e.g. Modbus/TCP Security on 802 beside a plain
 * service) never meet whatever else listens on 127.0.0.1 of the machine regenerating.
 */
function fixtureAddress(name: string): string {
  const h = createHash("sha256").update(name).digest();
  return `127.77.${(h[0]! % 250) + 1}.${(h[1]! % 250) + 1}`;
}

/**
 * Like startProfile, but each simulator on its protocol's default port (22, 502, 161, 4840) when it
 * can bind it, so regenerated golden files differ only where findings do; ephemeral otherwise.
 */
async function startOnDefaultPorts(profile: DeviceProfile, host: string, stateDir: string): Promise<{ urls: string[]; stop(): Promise<void> }> {
  const running: RunningSimulator[] = [];
  const stop = async () => void (await Promise.allSettled(running.map((r) => r.stop())));
  try {
    for (const plugin of PLUGINS) {
      const section = profile.sections.get(plugin.id);
      if (section === undefined || !plugin.simulator) continue;
      const port = plugin.defaultPorts[0]?.port;
      const ports = Object.fromEntries(plugin.defaultPorts.map((d) => [d.scheme, d.port]));
      running.push(await plugin.simulator.start(section, { host, port, ports, stateDir }).catch(() => plugin.simulator!.start(section, { host, stateDir })));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { urls: running.flatMap((r) => r.urls), stop };
}

async function recordProfile(name: string, dir: string): Promise<string> {
  const settingsFile = join(dir, "record.yaml");
  const settings = RecordSettings.parse(existsSync(settingsFile) ? parseYaml(readFileSync(settingsFile, "utf8")) : {});
  const profile = loadProfile(join(dir, "profile.yaml"), PLUGINS);
  const stateDir = mkdtempSync(join(tmpdir(), `otaudit-regen-${name}-`));
  const device = await startOnDefaultPorts(profile, fixtureAddress(name), stateDir);
  try {
    const [spec] = await resolveTargets(device.urls, PLUGINS);
    const live = await recordDevices([{ ...spec!, name: profile.header.name }], {
      plugins: [...PLUGINS],
      timeoutMs: 3000,
      concurrency: 1,
      intrusive: settings.intrusive,
      credentials: [],
      failOn: "high",
      log: silentLogger(),
      pluginOptions: settings.options,
    });
    const text = serializeRecording(live.recording);
    if (!isDeepStrictEqual(replayGolden(dir, text), goldenOf(live.doc))) throw new Error(`${name}: replayed findings differ from the live findings`);
    return text;
  } finally {
    await device.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const expectedOnly = args.includes("--expected-only");
  const only = args.filter((a) => !a.startsWith("--"));
  const names = readdirSync(LIBRARY, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  for (const n of only) if (!names.includes(n)) throw new Error(`no fixture '${n}' in ${LIBRARY} (have: ${names.join(", ")})`);
  for (const name of only.length ? only : names) {
    const dir = join(LIBRARY, name);
    let text: string;
    if (!expectedOnly && existsSync(join(dir, "profile.yaml"))) {
      text = await recordProfile(name, dir);
      writeFileAtomic(join(dir, "recording.json"), text);
    } else {
      text = readFileSync(join(dir, "recording.json"), "utf8");
    }
    const golden = replayGolden(dir, text);
    writeFileAtomic(join(dir, "expected.json"), serializeGolden(golden));
    const counts = golden.devices.flatMap((d) => d.findings).reduce<Record<string, number>>((acc, f) => ((acc[f.status] = (acc[f.status] ?? 0) + 1), acc), {});
    process.stdout.write(
      `${name}: ${Object.entries(counts)
        .map(([k, v]) => `${v} ${k}`)
        .join(", ")}\n`,
    );
  }
}

await main();
