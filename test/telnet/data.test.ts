// Invariants of the Telnet knowledge: prompt patterns (examples match, counter-examples do not, no
// nested quantifiers, bounded on hostile text) and the default-account list (shared format).
import { describe, expect, it } from "vitest";
import { checkDefaultCredentialsInvariants } from "../../src/knowledge/default-credentials.js";
import { classifyPrompt, defaultCredentials, matchesKind, prompts, type PromptsFile } from "../../probes/telnet/knowledge.js";

describe("probes/telnet/data/prompts.yaml", () => {
  const file = prompts();
  const kinds = Object.keys(file) as (keyof PromptsFile)[];
  it("every kind matches its examples and none of its counter-examples", () => {
    for (const k of kinds) {
      for (const ex of file[k].examples) expect(matchesKind(k, ex), `${k}: ${ex}`).toBe(true);
      for (const ex of file[k].counter) expect(matchesKind(k, ex), `${k} counter: ${ex}`).toBe(false);
    }
  });
  it("no pattern has a nested quantifier", () => {
    for (const k of kinds) for (const p of file[k].patterns) expect(p, k).not.toMatch(/\([^)]*[+*][^)]*\)[+*{]/);
  });
  it("classifies last lines: password before login before command; empty is none", () => {
    expect(classifyPrompt("Welcome\r\nlx100 login: ")).toBe("login");
    expect(classifyPrompt("admin\r\nPassword: ")).toBe("password");
    expect(classifyPrompt("Router>")).toBe("command");
    expect(classifyPrompt("Welcome to the PLC\r\n")).toBe("none");
    expect(classifyPrompt("")).toBe("none");
  });
  it("4 KiB of hostile text is classified from its last 256 characters", () => {
    expect(classifyPrompt("login: " + "a ".repeat(2000))).toBe("none");
    expect(classifyPrompt("\x1b[2J".repeat(500) + "\r\nlogin: ")).toBe("login");
  });
});

describe("probes/telnet/data/default-credentials.yaml", () => {
  const file = defaultCredentials();
  it("keeps the shared invariants, every entry names a user, nothing runs in default mode", () => {
    expect(checkDefaultCredentialsInvariants(file)).toEqual([]);
    for (const e of file.entries) {
      expect(e.username, e.id).toBeTruthy();
      expect(e.defaultMode ?? false).toBe(false);
    }
  });
});
