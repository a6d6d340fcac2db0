// CLI contract: argument errors exit 2 with one line naming the argument and write nothing;
// an unreachable explicit target exits 3 with no pass anywhere; --help is quick; schema round trip.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { beforeAll, describe, expect, it } from "vitest";
import { runOtaudit } from "../helpers/cli.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "otaudit-cli-"));
});

describe("usage errors exit 2 naming the argument, nothing written", () => {
  const cases: [string, string[], RegExp][] = [
    ["unknown scheme", ["scan", "foo://127.0.0.1"], /unknown scheme 'foo'/],
    ["malformed URL", ["scan", "ssh://127.0.0.1:22:33"], /target 'ssh:\/\/127\.0\.0\.1:22:33'/],
    ["port out of range", ["scan", "ssh://127.0.0.1:70000"], /port 70000 is out of range/],
    ["unresolvable host", ["scan", "no-such-host.invalid"], /cannot resolve host name/],
    ["empty target list", ["scan"], /TARGET: give at least one host/],
    ["bad timeout", ["scan", "127.0.0.1", "--timeout", "soon"], /--timeout/],
    ["unknown protocol", ["scan", "127.0.0.1", "--protocols", "gopher"], /--protocols: unknown protocol 'gopher'/],
    ["bad fail-on", ["scan", "127.0.0.1", "--fail-on", "severe"], /--fail-on/],
    ["write test without --intrusive", ["scan", "modbus://127.0.0.1", "--modbus-write", "1:holding:40"], /--modbus-write: .*--intrusive/],
    ["full unit sweep without --intrusive", ["scan", "modbus://127.0.0.1", "--modbus-units", "all"], /--modbus-units all: .*intrusive/],
    ["login pacing without --intrusive", ["scan", "ssh://127.0.0.1", "--login-budget", "2"], /--login-budget: .*--intrusive/],
    ["login budget above the lockout-safe maximum", ["scan", "ssh://127.0.0.1", "--intrusive", "--login-budget", "9"], /--login-budget/],
  ];
  for (const [name, args, re] of cases) {
    it(name, async () => {
      const out = join(dir, `${name.replace(/\W+/g, "-")}.json`);
      const r = await runOtaudit([...args, "--json", out]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(re);
      expect(existsSync(out)).toBe(false);
    });
  }

  it("a credentials file that fails validation names the field", async () => {
    const creds = join(dir, "creds.yaml");
    writeFileSync(creds, "- protocol: snmp\n  username: ops\n  authProtocol: sha999\n");
    const out = join(dir, "creds-out.json");
    const r = await runOtaudit(["scan", "snmp://127.0.0.1:1", "--credentials", creds, "--json", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\[0\]\.authProtocol/);
    expect(r.stderr.trim().split("\n").length).toBeLessThanOrEqual(3);
    expect(existsSync(out)).toBe(false);
  });

  it("an output path that cannot be written: exit 2 naming it, no hang", async () => {
    const underFile = await runOtaudit(["scan", "ssh://127.0.0.1:1", "--json", "/etc/passwd/x.json"], { timeoutMs: 20_000 });
    expect(underFile.code).toBe(2);
    expect(underFile.stderr).toMatch(/--json \/etc\/passwd\/x\.json: \/etc\/passwd is not a folder/);
    // Node 20's recursive mkdir spins forever under /proc; ours must end with an error
    const proc = await runOtaudit(["scan", "ssh://127.0.0.1:1", "--json", "/proc/otaudit-nope/x.json"], { timeoutMs: 20_000 });
    expect(proc.code).toBe(2);
    expect(proc.stderr).toMatch(/cannot create \/proc\/otaudit-nope/);
  });

  it("a credentials file that does not parse", async () => {
    const creds = join(dir, "broken.yaml");
    writeFileSync(creds, "- protocol: ssh\n  username: [unclosed\n");
    const r = await runOtaudit(["scan", "ssh://127.0.0.1:1", "--credentials", creds]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not valid YAML/);
  });
});

describe("nothing reachable", () => {
  it("exits 3 and reports no pass anywhere", async () => {
    const out = join(dir, "unreachable.json");
    const r = await runOtaudit(["scan", "ssh://127.0.0.1:1", "--json", out, "--timeout", "1000"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/could not audit 127\.0\.0\.1: ssh:1 .*ECONNREFUSED/);
    const doc = JSON.parse(readFileSync(out, "utf8"));
    expect(doc.devices[0].facts.ssh.status).not.toBe("ok");
    expect(JSON.stringify(doc)).not.toMatch(/"(status|verdict)":\s*"pass"/);
    expect(doc.devices[0].elements).toHaveLength(12);
  });
});

describe("start-up and schema", () => {
  it("--help prints usage and exits 0", async () => {
    const r = await runOtaudit(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/scan/);
  });

  it("--version prints the package version", async () => {
    const r = await runOtaudit(["--version"]);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync("package.json", "utf8")).version);
  });

  it("a result document validates against `otaudit schema`", async () => {
    const schema = JSON.parse((await runOtaudit(["schema"])).stdout);
    const out = join(dir, "schema-rt.json");
    await runOtaudit(["scan", "ssh://127.0.0.1:1", "--json", out, "--timeout", "500"]);
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    const ok = validate(JSON.parse(readFileSync(out, "utf8")));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it("`otaudit rules` lists every rule with elements and safety", async () => {
    const r = await runOtaudit(["rules", "--json"]);
    expect(r.code).toBe(0);
    const rules = JSON.parse(r.stdout) as { id: string; elements: number[]; safety: string }[];
    for (const rule of rules) {
      expect(rule.elements.length).toBeGreaterThan(0);
      expect(["passive", "read", "intrusive"]).toContain(rule.safety);
    }
    const bad = await runOtaudit(["rules", "--element", "13"]);
    expect(bad.code).toBe(2);
  });
});

describe("command defaults", () => {
  it("sweep audits 128 devices at once by default, scan 32 (the value used, not only the help text)", async () => {
    const { buildProgram } = await import("../../src/cli/main.js");
    const program = buildProgram();
    const value = (name: string) => program.commands.find((c) => c.name() === name)!.getOptionValue("concurrency");
    expect(value("sweep")).toBe(128);
    expect(value("scan")).toBe(32);
  });
});
