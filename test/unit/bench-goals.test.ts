// The sweep benchmark's goal verdicts (scripts/bench/sweep.ts goalLine): a run stopped at its time
// cap gives a bound, never a "met" it cannot prove, and a missing figure is undetermined.
import { describe, expect, it } from "vitest";
import { goalLine, type Timed } from "../../scripts/bench/sweep.js";

const run = (wallS: number, rssMb: number, timedOut = false): Timed => ({ wallS, rssMb, code: timedOut ? null : 0, timedOut });

describe("sweep bench goal verdicts", () => {
  it("judges measured figures", () => {
    expect(goalLine(60, run(6.5, 127), run(13.3, 139), { ratio: 5 })).toBe("  goal (issue 14): throughput >= 5x nmap: not met");
    expect(goalLine(60, run(2, 127), run(13.3, 139), { ratio: 5 })).toBe("  goal (issue 14): throughput >= 5x nmap: met");
    expect(goalLine(1000, run(11.2, 261), run(153, 205), { devicesPerS: 150, rssMb: 300 })).toBe(
      "  goal (issue 14): >= 150 devices/s: not met; peak RSS <= 300 MB: met",
    );
  });

  it("a capped run is a bound: met only where the bound proves it", () => {
    // nmap capped: the ratio is a lower bound
    expect(goalLine(60, run(6.5, 127), run(600, Number.NaN, true), { ratio: 5 })).toBe("  goal (issue 14): throughput >= 5x nmap: met");
    expect(goalLine(60, run(6.5, 127), run(600, Number.NaN, true), { ratio: 500 })).toBe(
      "  goal (issue 14): throughput >= 500x nmap: undetermined (nmap stopped at the time cap)",
    );
    // otaudit capped: its rate and the ratio are upper bounds, its RSS unread
    expect(goalLine(1000, run(600, Number.NaN, true), run(153, 205), { ratio: 5, devicesPerS: 1, rssMb: 300 })).toBe(
      "  goal (issue 14): throughput >= 5x nmap: not met; >= 1 devices/s: undetermined (otaudit stopped at the time cap); peak RSS <= 300 MB: undetermined (no figure)",
    );
  });

  it("no nmap: the ratio goal is undetermined", () => {
    expect(goalLine(60, run(6.5, 127), undefined, { ratio: 5 })).toBe("  goal (issue 14): throughput >= 5x nmap: undetermined (no figure)");
  });
});
