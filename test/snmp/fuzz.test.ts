// The SNMP fuzz targets of scripts/fuzz/snmp.ts at a smaller number of cases (the script runs
// 10,000+ per target: `npm run fuzz -- snmp`): no exception but BerParseError escapes a decoder,
// renderers and classifiers never throw, valid messages always decode.
import { describe, expect, it } from "vitest";
import { runSnmpFuzz } from "../../scripts/fuzz/snmp.js";

describe("SNMP fuzzing (vitest-sized run)", () => {
  it("0 exceptions escape at 300 cases per target", () => {
    const lines: string[] = [];
    const failed = runSnmpFuzz(300, undefined, (l) => lines.push(l));
    expect(failed, lines.join("\n")).toBe(0);
    expect(lines.length).toBeGreaterThanOrEqual(7);
  });
});
