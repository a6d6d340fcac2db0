// Terminal scorecard: colour only on a TTY and never with NO_COLOR; all 12 elements per device,
// devices side by side, failing findings listed worst first.
import { afterEach, describe, expect, it } from "vitest";
import { renderScorecards, useColor } from "../../src/report/terminal.js";
import { scoreElements } from "../../src/engine/scoring.js";
import { newResultDocument, type Finding } from "../../src/model/result.js";
import { ELEMENTS } from "../../src/catalog/elements.js";

const saved = process.env.NO_COLOR;
afterEach(() => {
  if (saved === undefined) delete process.env.NO_COLOR;
  else process.env.NO_COLOR = saved;
});

const tty = { isTTY: true } as NodeJS.WriteStream;
const pipe = { isTTY: false } as NodeJS.WriteStream;

describe("colour", () => {
  it("only on a TTY, and NO_COLOR turns it off", () => {
    delete process.env.NO_COLOR;
    expect(useColor(true, tty)).toBe(true);
    expect(useColor(true, pipe)).toBe(false);
    expect(useColor(false, tty)).toBe(false);
    process.env.NO_COLOR = "1";
    expect(useColor(true, tty)).toBe(false);
  });
});

describe("scorecard", () => {
  const finding = (ruleId: string, severity: Finding["severity"], status: Finding["status"]): Finding => ({
    ruleId,
    title: ruleId,
    status,
    severity,
    elements: [7],
    iec62443: ["CR 4.3"],
    protocol: "ssh",
    port: 22,
    message: `${ruleId} message`,
    evidence: {},
    remediation: "",
    safety: "passive",
  });
  const device = (name: string, findings: Finding[]) => ({
    host: `10.0.0.${name.length}`,
    name,
    services: [],
    facts: {},
    findings,
    elements: scoreElements(findings),
  });
  const doc = newResultDocument(
    { startedAt: new Date(0), finishedAt: new Date(1000), intrusive: false, protocols: ["ssh"], failOn: "high", interrupted: false, source: "live" },
    [
      device("legacy", [finding("ssh.cipher.weak", "medium", "fail"), finding("ssh.kex.weak", "high", "fail")]),
      device("hardened", [finding("ssh.kex.weak", "high", "pass")]),
    ],
    "0.0.0",
  );

  it("shows every element for both devices side by side, without escape codes when colour is off", () => {
    const text = renderScorecards(doc, { color: false });
    for (const e of ELEMENTS) expect(text).toContain(`${e.id}. ${e.name}`);
    expect(text).toMatch(/Element\s+legacy\s+hardened/);
    expect(text).toMatch(/7\. Secure Communication\s+FAIL\s+PASS/);
    expect(text).not.toContain("\x1b[");
  });

  it("lists failing findings worst first", () => {
    const text = renderScorecards(doc, { color: false });
    expect(text.indexOf("ssh.kex.weak")).toBeLessThan(text.indexOf("ssh.cipher.weak"));
  });
});
