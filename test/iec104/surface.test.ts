// DNP3 (20000) and IEC 104 (2404) were surface indicator ports (probes/surface.ts); with the plugins
// registered, their default ports take precedence: `scan HOST` no longer treats them as unaudited
// surface (no surface finding fires), and sweep discovery hands them to the plugins.
import { describe, expect, it } from "vitest";
import { PLUGINS, SURFACE_PORTS } from "../../probes/registry.js";
import { discoveryPlan } from "../../src/engine/discovery.js";
import { surfacePorts, unauditedPorts } from "../../src/engine/surface.js";
import { surfaceFindings } from "../../src/engine/surface-rules.js";
import type { FactsEnvelope } from "../../src/model/facts.js";

describe("surface ports claimed by the DNP3 and IEC 104 plugins", () => {
  it("20000 and 2404 are in the surface data but no longer surface ports; 19998 and 47808 are plugin ports", () => {
    expect(SURFACE_PORTS.map((s) => s.port)).toEqual(expect.arrayContaining([20000, 2404]));
    const ports = surfacePorts(PLUGINS, {}).map((s) => s.port);
    expect(ports).not.toContain(20000);
    expect(ports).not.toContain(2404);
    const plan = discoveryPlan(PLUGINS, surfacePorts(PLUGINS, {}));
    expect(plan.tcp.filter((t) => [20000, 2404, 19998].includes(t.port)).map((t) => [t.port, t.plugin, t.cleartext])).toEqual([
      [20000, "dnp3", true],
      [2404, "iec104", true],
      [19998, "iec104", false],
    ]);
    expect(plan.udp.find((u) => u.port === 47808)?.plugin.id).toBe("bacnet");
  });

  it("an open 20000 / 2404 found by discovery is not an unaudited service, so no surface rule fires", () => {
    const plan = discoveryPlan(PLUGINS, surfacePorts(PLUGINS, {}));
    const ports = plan.tcp.filter((t) => t.port === 20000 || t.port === 2404).map((t) => ({ ...t, transport: "tcp" as const, state: "open" as const, ms: 1 }));
    const facts: Record<string, FactsEnvelope> = {
      discovery: {
        protocol: "discovery",
        status: "ok",
        endpoints: [],
        startedAt: new Date(0).toISOString(),
        durationMs: 1,
        probeVersion: "1.0.0",
        data: { ports, backedOff: false },
      },
    };
    expect(unauditedPorts(facts)).toEqual([]);
    expect(surfaceFindings(facts).filter((f) => f.status !== "pass" && f.status !== "not_applicable")).toEqual([]);
  });
});
