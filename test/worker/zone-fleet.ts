// Simulated devices in zones for the worker tests: on each loopback address 127.0.x.y the Modbus
// simulator of the demo's legacy-plc profile on 502 (startProfile, src/engine/profiles.ts) and a
// scripted telnet listener on 23 that records every connection from the device's side (when it
// opened and closed, FIN or reset: scripts/sweep-bench/cheap-devices.ts). An inventory CSV puts
// the devices into zones. Port 502 needs root (as CI runs).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PLUGINS } from "../../probes/registry.js";
import { loadProfile, startProfile, type RunningDevice } from "../../src/engine/profiles.js";
import { startCheapFleet, type CheapFleet, type ConnectionRecord } from "../../scripts/sweep-bench/cheap-devices.js";
import { consecutiveHosts } from "../../scripts/sweep-bench/real-fleet.js";

export interface ZoneFleet {
  hosts: string[];
  zoneOf: Map<string, string>;
  inventory: string;
  telnet: CheapFleet;
  stop(): Promise<void>;
}

export function canBindPrivileged(): boolean {
  return process.getuid?.() === 0;
}

export async function startZoneFleet(first: string, zones: string[], perZone: number, dir: string, opts: { modbus?: boolean } = {}): Promise<ZoneFleet> {
  const hosts = consecutiveHosts(first, zones.length * perZone);
  const zoneOf = new Map(hosts.map((h, i) => [h, zones[Math.floor(i / perZone)]!]));
  const devices: RunningDevice[] = [];
  const stateDir = mkdtempSync(join(tmpdir(), "otaudit-zone-fleet-"));
  const telnet = await startCheapFleet(hosts, [23], () => "login: ");
  try {
    if (opts.modbus !== false) {
      const profile = loadProfile("fixtures/profiles/legacy-plc.yaml", PLUGINS);
      const modbusOnly = { ...profile, sections: new Map([...profile.sections].filter(([id]) => id === "modbus")) };
      for (const h of hosts) devices.push(await startProfile(modbusOnly, PLUGINS, h, stateDir, { modbus: 502 }));
    }
  } catch (e) {
    await Promise.allSettled(devices.map((d) => d.stop()));
    await telnet.stop();
    throw e;
  }
  const inventory = join(dir, "plant.csv");
  writeFileSync(inventory, `host,name,zone\n${hosts.map((h, i) => `${h},"plc ${i}",${zoneOf.get(h)}`).join("\n")}\n`);
  return {
    hosts,
    zoneOf,
    inventory,
    telnet,
    async stop() {
      await Promise.allSettled(devices.map((d) => d.stop()));
      await telnet.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/**
 * The most devices of `hosts` busy at the same moment, seen from the devices' side. A device is busy
 * from a connection's open to its close; its connections closer than `gapMs` apart are one visit
 * (a device given back and redone later is two visits, not one long one).
 */
export function maxBusyAtOnce(connections: ConnectionRecord[], hosts: Set<string>, gapMs = 500): number {
  const byHost = new Map<string, [number, number][]>();
  for (const c of connections) {
    if (!hosts.has(c.host)) continue;
    const list = byHost.get(c.host) ?? [];
    list.push([c.openedAt, c.closedAt ?? Number.MAX_SAFE_INTEGER]);
    byHost.set(c.host, list);
  }
  const visits: [number, number][] = [];
  for (const list of byHost.values()) {
    list.sort((x, y) => x[0] - y[0]);
    let cur = [...list[0]!] as [number, number];
    for (const [a, b] of list.slice(1)) {
      if (a - cur[1] <= gapMs) cur[1] = Math.max(cur[1], b);
      else {
        visits.push(cur);
        cur = [a, b];
      }
    }
    visits.push(cur);
  }
  const events = visits.flatMap(([a, b]) => [[a, 1] as const, [b, -1] as const]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let now = 0;
  let max = 0;
  for (const [, d] of events) max = Math.max(max, (now += d));
  return max;
}

/** A result document without what differs between two runs over the same devices (times, durations, ids). */
export function comparable(doc: unknown): unknown {
  return JSON.parse(JSON.stringify(doc, (k, v) => (/(At|Ms|^ms|^durationMs|^sweepId)$/.test(k) ? undefined : v)));
}
