// A generated sweep store for the dashboard's tests and benchmark: the fixture library's realistic
// devices (fixtures/library/*/recording.json) replayed through the real rules (no network), cloned
// to N hosts in zones, over several sweeps. Between sweeps a growing share of devices gets a
// "firmware update" (the version strings in its facts changed, then replayed again, so findings
// follow the facts), a few devices go missing and a few are new: drift to show. Optionally one
// device carries hostile strings (ESC, BEL, U+202E, markup) in its name and in its facts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PLUGINS } from "../../probes/registry.js";
import { replayRecording } from "../../src/fixtures/replay.js";
import { parseRecording } from "../../src/fixtures/format.js";
import { snapshotDevice } from "../../src/fleet/drift.js";
import { SweepStore } from "../../src/store/store.js";
import { PACKAGE_ROOT } from "../../src/version.js";
import type { DeviceResult } from "../../src/model/result.js";

/** name, the version string its facts carry, the version after the "update" */
const TEMPLATES = [
  { name: "legacy-plc", from: "2.4.1", to: "2.4.7" },
  { name: "password-gateway", from: "1.8.0", to: "1.9.2" },
  { name: "opcua-legacy-server", from: "7.0.3", to: "7.1.0" },
  { name: "hardened-controller", from: "OpenSSH_9.6", to: "OpenSSH_9.8" },
] as const;

export const HOSTILE = "Evil\u001b[2J\u0007Corp\u202e<img src=x onerror=alert(1)>";
export const HOSTILE_HOST = "10.66.6.6";
export const ZONES = ["cell-a", "cell-b", "dmz", "substation-1", "substation-2"];

interface Template {
  name: string;
  host: string;
  /** JSON of the replayed device result: before and after the update */
  json: [string, string];
}

function templates(): Template[] {
  return TEMPLATES.map((t) => {
    // the name is set per clone (prefixed to the JSON), so the templates carry none
    const { name: _b, ...before } = replayedFrom(t.name, (s) => s);
    const { name: _a, ...after } = replayedFrom(t.name, (s) => s.split(t.from).join(t.to));
    return { name: t.name, host: before.host, json: [JSON.stringify(before), JSON.stringify(after)] };
  });
}

/** Replay a library recording after editing its text (the facts are validated again by parseRecording). */
function replayedFrom(name: string, edit: (s: string) => string): DeviceResult {
  const file = join(PACKAGE_ROOT, "fixtures", "library", name, "recording.json");
  const text = edit(readFileSync(file, "utf8"));
  return replayText(text, file);
}

function replayText(text: string, file: string): DeviceResult {
  return replayRecording(parseRecording(text, file, PLUGINS), { plugins: PLUGINS, failOn: "high", file }).devices[0]!;
}

export interface FleetStoreOptions {
  devices: number;
  sweeps: number;
  /** save a baseline of the first sweep under this name */
  baseline?: string;
  /** one device (HOSTILE_HOST) with hostile strings in its name and vendor */
  hostile?: boolean;
  /** progress lines (bench) */
  log?: (line: string) => void;
}

export interface FleetStoreInfo {
  sweepIds: string[];
  /** hosts of the first sweep, in order */
  hosts: string[];
}

export function hostOf(i: number): string {
  return `10.${20 + Math.floor(i / 65536)}.${Math.floor(i / 256) % 256}.${(i % 256) + 1}`;
}

/**
 * Write the store. Sweep s (0-based) holds devices 0..N-1 minus every 97th in the last sweep, plus
 * s extra new devices; device i runs the updated firmware in sweep s when i % 10 < s.
 */
export function buildFleetStore(file: string, opts: FleetStoreOptions): FleetStoreInfo {
  const tpl = templates();
  const hostile = opts.hostile
    ? JSON.stringify({
        ...replayText(
          readFileSync(join(PACKAGE_ROOT, "fixtures", "library", "password-gateway", "recording.json"), "utf8")
            .split("Example Networks")
            .join(JSON.stringify(HOSTILE).slice(1, -1)),
          "hostile",
        ),
        name: `gw ${HOSTILE}`,
      })
    : undefined;
  const store = new SweepStore(file);
  const insert = store.db.prepare("INSERT INTO devices (sweep_id, host, seq, zone, completed_at, result) VALUES (?, ?, ?, ?, ?, ?)");
  const setCreated = store.db.prepare("UPDATE sweeps SET created_at = ?, finished_at = ? WHERE id = ?");
  const sweepIds: string[] = [];
  const hosts: string[] = [];
  const day = 86_400_000;
  const t0 = Date.parse("2025-03-01T06:00:00Z");
  let snapshotDevices: Record<string, ReturnType<typeof snapshotDevice>> | undefined;
  for (let s = 0; s < opts.sweeps; s++) {
    const id = `sweep-${String(s + 1).padStart(2, "0")}`;
    store.createSweep(id, [], { intrusive: false, protocols: PLUGINS.map((p) => p.id), failOn: "high" });
    const created = new Date(t0 + s * 7 * day).toISOString();
    setCreated.run(created, new Date(t0 + s * 7 * day + 3_600_000).toISOString(), id);
    const last = s === opts.sweeps - 1 && s > 0;
    const wantSnapshot = s === 0 && !!opts.baseline;
    if (wantSnapshot) snapshotDevices = {};
    store.db.transaction(() => {
      const total = opts.devices + s;
      for (let i = 0; i < total; i++) {
        if (last && i % 97 === 50 && i < opts.devices) continue;
        const host = hostOf(i);
        const t = tpl[i % tpl.length]!;
        const updated = i % 10 < s ? 1 : 0;
        let json = t.json[updated]!.split(t.host).join(host);
        json = json.replace(/^\{/, `{"name":"${t.name}-${i}",`);
        const zone = ZONES[i % ZONES.length]!;
        insert.run(id, host, i, zone, created, json);
        if (s === 0) hosts.push(host);
        if (wantSnapshot) snapshotDevices![host] = snapshotDevice(JSON.parse(json) as DeviceResult);
      }
      if (hostile) {
        const json = hostile.split(tpl[1]!.host).join(HOSTILE_HOST);
        insert.run(id, HOSTILE_HOST, total, "dmz", created, json);
        if (s === 0) hosts.push(HOSTILE_HOST);
        if (wantSnapshot) snapshotDevices![HOSTILE_HOST] = snapshotDevice(JSON.parse(json) as DeviceResult);
      }
    })();
    store.db.prepare("UPDATE sweeps SET status = 'done' WHERE id = ?").run(id);
    if (wantSnapshot) store.saveBaseline(opts.baseline!, id, { sweepId: id, devices: snapshotDevices });
    sweepIds.push(id);
    opts.log?.(`  ${id}: ${opts.devices + s} devices written`);
  }
  store.close();
  return { sweepIds, hosts };
}
