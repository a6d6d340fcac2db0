// Device profiles (fixtures/profiles/*.yaml): one simulated device, a section per protocol that the
// protocol's simulator validates. Starts and stops the simulators of a profile on loopback.
import { readFileSync } from "node:fs";
import { parseYaml } from "../yaml.js";
import { z } from "zod";
import { UsageError, zodIssueLines } from "../errors.js";
import type { ProtocolPlugin, RunningSimulator } from "../plugin.js";

export const ProfileHeader = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "lower-case letters, digits and dashes"),
  description: z.string(),
  vendor: z.string().optional(),
  model: z.string().optional(),
});

export interface DeviceProfile {
  header: z.infer<typeof ProfileHeader>;
  sections: Map<string, unknown>; // plugin id -> validated simulator profile
}

export function parseProfile(text: string, source: string, plugins: readonly ProtocolPlugin[]): DeviceProfile {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new UsageError(`${source}: not valid YAML (${(e as Error).message.split("\n")[0]})`);
  }
  const obj = z.record(z.string(), z.unknown()).safeParse(raw);
  if (!obj.success) throw new UsageError(`${source}: (root): expected a mapping`);
  const header = ProfileHeader.safeParse({ name: obj.data.name, description: obj.data.description, vendor: obj.data.vendor, model: obj.data.model });
  const lines: string[] = header.success ? [] : zodIssueLines(source, header.error.issues);
  const sections = new Map<string, unknown>();
  const known = new Set(["name", "description", "vendor", "model", "evidence"]);
  for (const [key, value] of Object.entries(obj.data)) {
    if (known.has(key)) continue;
    const plugin = plugins.find((p) => p.id === key);
    if (!plugin) {
      lines.push(`${source}: ${key}: unknown section (protocols: ${plugins.map((p) => p.id).join(", ")})`);
      continue;
    }
    if (!plugin.simulator) continue; // protocol without a simulator yet: section ignored
    const parsed = plugin.simulator.profileSchema.safeParse(value);
    if (!parsed.success)
      lines.push(
        ...zodIssueLines(
          source,
          parsed.error.issues.map((i) => ({ ...i, path: [key, ...i.path] })),
        ),
      );
    else sections.set(key, parsed.data);
  }
  if (lines.length) throw new UsageError(lines[0]!, lines);
  return { header: header.data!, sections };
}

export function loadProfile(file: string, plugins: readonly ProtocolPlugin[]): DeviceProfile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  return parseProfile(text, file, plugins);
}

export interface RunningDevice {
  profile: DeviceProfile;
  host: string;
  urls: string[];
  simulators: Map<string, RunningSimulator>;
  stop(): Promise<void>;
}

/**
 * Start every simulator of a profile on `host`: ephemeral ports, or the per-scheme `ports` asked
 * for (e.g. { ssh: 22, "modbus+tls": 802 }). Stops what started on failure.
 */
export async function startProfile(
  profile: DeviceProfile,
  plugins: readonly ProtocolPlugin[],
  host: string,
  stateDir: string,
  ports: Record<string, number> = {},
): Promise<RunningDevice> {
  const simulators = new Map<string, RunningSimulator>();
  const stopAll = async () => {
    await Promise.allSettled([...simulators.values()].map((s) => s.stop()));
  };
  try {
    for (const plugin of plugins) {
      const section = profile.sections.get(plugin.id);
      if (section === undefined || !plugin.simulator) continue;
      const mine = Object.fromEntries(Object.entries(ports).filter(([scheme]) => plugin.schemes.includes(scheme)));
      const port = mine[plugin.schemes[0]!];
      simulators.set(
        plugin.id,
        await plugin.simulator.start(section, {
          host,
          stateDir,
          ...(port !== undefined ? { port } : {}),
          ...(Object.keys(mine).length ? { ports: mine } : {}),
        }),
      );
    }
  } catch (e) {
    await stopAll();
    throw e;
  }
  return { profile, host, urls: [...simulators.values()].flatMap((s) => s.urls), simulators, stop: stopAll };
}
