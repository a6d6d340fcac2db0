// Must-show of issue 8: a bench of 60 devices on distinct loopback addresses (127.0.100.1-60), each
// with SSH (a real /usr/sbin/sshd per device; two share a host key), SNMP (real snmpd) and Modbus
// (pymodbus), swept in one go: every device's findings are identical to auditing that device alone
// with the scan pipeline, and the shared host key is reported for exactly those two devices.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import pLimit from "p-limit";
import { PLUGINS } from "../../probes/registry.js";
import { auditDevice, type AuditOptions } from "../../src/engine/audit.js";
import { resolveTargets } from "../../src/engine/targets.js";
import { silentLogger } from "../../src/log.js";
import type { DeviceResult, Finding } from "../../src/model/result.js";
import { SweepStore, loadResultFromStore } from "../../src/store/store.js";
import { runSweep } from "../../src/sweep/run.js";
import { expandSweepTargets } from "../../src/sweep/targets.js";
import type { FleetSection } from "../../src/fleet/model.js";
import { describeWithDaemon } from "../helpers/daemons.js";
import { realFleetAvailable, startRealFleet, type RealFleet } from "../../scripts/sweep-bench/real-fleet.js";

const avail = realFleetAvailable();
const COUNT = 60;

/** What "the same result" means: every finding's rule, status, severity, port, message and evidence. */
function normalised(d: DeviceResult): string[] {
  return d.findings.map((f: Finding) => JSON.stringify([f.protocol, f.ruleId, f.status, f.severity, f.port, f.message, f.evidence])).sort();
}

describeWithDaemon("sweep of 60 real devices (sshd, snmpd, pymodbus)", avail.ok, avail.reason, () => {
  let fleet: RealFleet;
  let dir: string;
  const audit = (): AuditOptions => ({
    plugins: [...PLUGINS],
    timeoutMs: 3000,
    concurrency: 32,
    intrusive: false,
    credentials: [],
    failOn: "high",
    log: silentLogger(),
  });

  beforeAll(async () => {
    fleet = await startRealFleet({ count: COUNT, first: "127.0.100.1" });
    dir = mkdtempSync(join(tmpdir(), "otaudit-sweep-test-"));
  }, 60_000);

  afterAll(async () => {
    await fleet?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("sweeps the fleet like auditing each device alone, and names exactly the two devices sharing a host key", async () => {
    const db = join(dir, "fleet.db");
    const store = new SweepStore(db);
    const targets = expandSweepTargets(["127.0.100.0/26"], { knownProtocols: PLUGINS.map((p) => p.id), maxRange: 1024, yes: false });
    const sweep = store.createSweep("bench", targets, { intrusive: false, protocols: PLUGINS.map((p) => p.id), failOn: "high" });
    const t0 = performance.now();
    const outcome = await runSweep({
      audit: audit(),
      politeness: { concurrency: 32, zoneLimits: new Map(), giveUpAfter: 3, backoffBaseMs: 500 },
      discoveryTimeoutMs: 1000,
      store,
      sweepId: sweep.id,
      targets,
    });
    const sweepMs = performance.now() - t0;
    store.finishSweep(sweep.id, "done");
    store.close();
    expect(outcome.interrupted).toBe(false);

    const doc = loadResultFromStore(db);
    const live = doc.devices.filter((d) => d.facts.discovery?.status === "ok");
    expect(live.map((d) => d.host)).toEqual(fleet.hosts);
    for (const d of live) {
      const ports = (d.facts.discovery!.data as { ports: { port: number; transport: string; state: string }[] }).ports
        .filter((p) => p.state === "open")
        .map((p) => `${p.transport}/${p.port}`);
      expect(ports.sort()).toEqual(["tcp/22", "tcp/502", "udp/161"]);
      // every UDP plugin is handed every device (discovery cannot prove absence on UDP); one with nothing
      // on its port (BACnet/IP here) reports `absent`, never an error
      expect(Object.values(d.facts).every((f) => f.status === "ok" || (f.status === "absent" && f.endpoints.every((e) => e.transport === "udp")))).toBe(true);
    }

    // each device alone, through the scan pipeline (resolveTargets + auditDevice), 8 at a time
    const limit = pLimit(8);
    const alone = await Promise.all(
      fleet.hosts.map((h) =>
        limit(async () => {
          const [spec] = await resolveTargets([h], PLUGINS);
          return auditDevice(spec!, audit());
        }),
      ),
    );
    for (const [i, a] of alone.entries()) {
      expect(normalised(live[i]!), `findings of ${a.host}`).toEqual(normalised(a));
    }

    const fleetSection = doc.fleet as FleetSection;
    const shared = fleetSection.findings.filter((f) => f.ruleId === "fleet.host-key.shared" && f.status === "fail");
    expect(shared).toHaveLength(1);
    expect(shared[0]!.devices).toEqual(fleet.sharedKeyHosts);
    expect(String(shared[0]!.evidence.fingerprint)).toMatch(/^SHA256:/);
    const sharedGaps = fleetSection.gaps.filter((g) => g.gaps.some((x) => x.kind === "shared-secret" && x.protocol === "ssh")).map((g) => g.host);
    expect(sharedGaps).toEqual(fleet.sharedKeyHosts);
    process.stderr.write(
      `[sweep bench] ${COUNT} real devices swept in ${(sweepMs / 1000).toFixed(1)} s (${((COUNT * 1000) / sweepMs).toFixed(1)} devices/s)\n`,
    );
  }, 90_000);
});
