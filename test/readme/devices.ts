// Simulated devices for the README command tests: a demo profile served on its protocols' DEFAULT
// ports (22, 502, 802, 161/udp, 4840) on a loopback address of its own, so README commands that
// name a bare host ("otaudit scan 10.0.5.20") or a URL without a port run unchanged but for the
// host. Binding ports below 1024 needs root (skipUnless in the tests: a visible reason locally, a
// failure under CI=true).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PLUGINS } from "../../probes/registry.js";
import { loadProfile } from "../../src/engine/profiles.js";
import type { RunningSimulator } from "../../src/plugin.js";
import { PACKAGE_ROOT } from "../../src/version.js";

export const IS_ROOT = process.getuid?.() === 0;

export interface DefaultPortDevice {
  host: string;
  urls: string[];
  stop(): Promise<void>;
}

/**
 * Serve fixtures/profiles/<name>.yaml on `host` with every simulator on its default port(s);
 * `without` leaves protocols out (OPC UA is the slow one: suites whose commands do not name it
 * leave it out, and the commands then find nothing on 4840, as on a device without OPC UA).
 */
export async function startOnDefaultPorts(profileName: string, host: string, without: string[] = []): Promise<DefaultPortDevice> {
  const profile = loadProfile(join(PACKAGE_ROOT, "fixtures", "profiles", `${profileName}.yaml`), PLUGINS);
  const stateDir = mkdtempSync(join(tmpdir(), `otaudit-readme-${profileName}-`));
  const running: RunningSimulator[] = [];
  const stop = async () => {
    await Promise.allSettled(running.map((r) => r.stop()));
    rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    for (const plugin of PLUGINS) {
      const section = profile.sections.get(plugin.id);
      if (section === undefined || !plugin.simulator || without.includes(plugin.id)) continue;
      const ports = Object.fromEntries(plugin.defaultPorts.map((d) => [d.scheme, d.port]));
      running.push(await plugin.simulator.start(section, { host, port: plugin.defaultPorts[0]!.port, ports, stateDir }));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { host, urls: running.flatMap((r) => r.urls), stop };
}
