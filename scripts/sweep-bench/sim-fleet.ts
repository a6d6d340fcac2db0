// Many simulated devices in one process for the sweep benchmark: the protocol plugins' own
// simulators (SSH, SNMP, Modbus) on the standard ports (22/tcp, 161/udp, 502/tcp) of consecutive
// loopback addresses. Run as a child: `tsx scripts/sweep-bench/sim-fleet.ts COUNT FIRST STATEDIR`;
// prints "ready N" when every device listens, stops everything on SIGTERM or when stdin closes.
import { PLUGINS } from "../../probes/registry.js";
import type { RunningSimulator } from "../../src/plugin.js";
import { consecutiveHosts } from "./real-fleet.js";

/** A small legacy device: password SSH, v2c community public, plain Modbus with identification. */
export function benchProfile(i: number): Record<string, unknown> {
  return {
    ssh: {
      software: "OpenSSH_8.4",
      algorithms: {
        kex: ["curve25519-sha256", "diffie-hellman-group14-sha1"],
        hostKey: ["ssh-ed25519"],
        cipher: ["aes128-ctr", "aes256-ctr"],
        mac: ["hmac-sha2-256", "hmac-sha1"],
      },
      hostKeys: [{ type: "ed25519" }],
      auth: { chains: [["password"], ["publickey"]] },
    },
    snmp: {
      engineId: `80001f8804${Buffer.from(`sim${String(i).padStart(5, "0")}`).toString("hex")}`,
      system: { sysDescr: `Bench PLC ${i}, firmware 1.0.${i % 7}`, sysObjectID: "1.3.6.1.4.1.8072.3.2.10", sysName: `plc-${i}` },
      communities: [{ community: "public", versions: ["v1", "v2c"], access: "read-only" }],
    },
    modbus: {
      units: [1],
      identity: { vendorName: "Bench Automation", productCode: "BA-PLC", revision: `1.0.${i % 7}` },
    },
  };
}

async function main(): Promise<void> {
  const [countText, first, stateDir] = process.argv.slice(2);
  const hosts = consecutiveHosts(first!, Number(countText));
  const running: RunningSimulator[] = [];
  const stop = async () => {
    await Promise.allSettled(running.map((s) => s.stop()));
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.stdin.on("end", stop);
  process.stdin.resume();
  const ports: Record<string, number> = { ssh: 22, snmp: 161, modbus: 502 };
  for (const [i, host] of hosts.entries()) {
    const profile = benchProfile(i);
    for (const plugin of PLUGINS) {
      const section = profile[plugin.id];
      if (!section || !plugin.simulator) continue;
      const parsed = plugin.simulator.profileSchema.parse(section);
      // one state dir: every simulated device reuses the same generated SSH host key (a cloned image)
      running.push(await plugin.simulator.start(parsed, { host, port: ports[plugin.id], stateDir: stateDir! }));
    }
  }
  process.stdout.write(`ready ${hosts.length}\n`);
}

await main();
