// Plugin contract v2, core side: the registry's invariants, plugin flags built and validated from
// each plugin's `options`, and external plugin modules (OTAUDIT_PLUGINS) checked before use.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { PLUGINS } from "../../probes/registry.js";
import type { UsageError } from "../../src/errors.js";
import { checkPlugins, loadExternalPlugins, pluginPaths } from "../../src/plugin-loader.js";
import { addPluginOptions, flagAttribute, pluginFlag, pluginOptionValues } from "../../src/cli/plugin-options.js";
import type { ProtocolPlugin } from "../../src/plugin.js";
import { runOtaudit } from "../helpers/cli.js";

describe("registry invariants", () => {
  it("the built-in plugins pass the checks external plugins must pass", () => {
    expect(checkPlugins(PLUGINS)).toEqual([]);
  });

  it("names what is wrong with a plugin", () => {
    const good = PLUGINS[0]!;
    const bad = {
      ...good,
      id: "acme",
      credentials: undefined,
      schemes: [good.schemes[0]!],
      rules: [{ meta: { ...good.rules[0]!.meta, id: "other.rule" }, check: () => null }],
    } as ProtocolPlugin;
    expect(checkPlugins([good, bad])).toEqual([
      `plugin 'acme': scheme '${good.schemes[0]}' belongs to another plugin`,
      "plugin 'acme': rule id \"other.rule\" must start with 'acme.'",
    ]);
    expect(checkPlugins([{ ...good, id: "surface" } as ProtocolPlugin])[0]).toMatch(/reserved/);
  });
});

describe("plugin options from declarations", () => {
  const fake = {
    id: "acme",
    options: [
      {
        name: "write-target",
        valueName: "addr",
        description: "a write target",
        schema: z.string().regex(/^\d+$/, "expected a number"),
        requiresIntrusive: true,
        intrusiveNote: "a write test is intrusive",
      },
      {
        name: "level",
        valueName: "n",
        description: "a level",
        schema: z.string(),
        requiresIntrusive: (v: string) => v === "max",
        expand: (v: string): Record<string, string> => (v === "max" ? { sweep: "full" } : { level: v }),
      },
    ],
  } as unknown as ProtocolPlugin;

  it("builds --<id>-<name> flags with their help and needs --intrusive where declared", () => {
    const cmd = addPluginOptions(new Command("x"), [fake]);
    expect(cmd.helpInformation()).toMatch(/--acme-write-target <addr>\s+a write target \(needs --intrusive\)/);
    expect(pluginFlag(fake, fake.options![0]!)).toBe("--acme-write-target");
    expect(flagAttribute("--acme-write-target")).toBe("acmeWriteTarget");
  });

  it("validates values into ctx.options keys <id>.<key>", () => {
    expect(pluginOptionValues({ acmeWriteTarget: "40" }, [fake], true)).toEqual({ "acme.writeTarget": "40" });
    expect(pluginOptionValues({ acmeLevel: "max" }, [fake], true)).toEqual({ "acme.sweep": "full" });
    expect(pluginOptionValues({ acmeLevel: "2" }, [fake], false)).toEqual({ "acme.level": "2" });
    const fail = (given: Record<string, unknown>, intrusive: boolean) => {
      try {
        pluginOptionValues(given, [fake], intrusive);
      } catch (e) {
        return (e as UsageError).message;
      }
      return "";
    };
    expect(fail({ acmeWriteTarget: "40" }, false)).toBe("--acme-write-target: a write test is intrusive; add --intrusive to run it");
    expect(fail({ acmeLevel: "max" }, false)).toBe("--acme-level max: an intrusive option; add --intrusive to run it");
    expect(fail({ acmeWriteTarget: "x" }, true)).toBe("--acme-write-target: expected a number");
  });

  it("every built-in plugin flag is in `scan --help`, `sweep --help` and `record --help`", async () => {
    const flags = PLUGINS.flatMap((p) => (p.options ?? []).map((o) => `${pluginFlag(p, o)} <${o.valueName}>`));
    expect(flags.length).toBeGreaterThan(0);
    for (const cmd of ["scan", "sweep", "record"]) {
      const r = await runOtaudit([cmd, "--help"]);
      for (const f of flags) expect(r.stdout.replace(/\s+/g, " ")).toContain(f);
    }
  });
});

describe("OTAUDIT_PLUGINS", () => {
  const dir = mkdtempSync(join(tmpdir(), "otaudit-ext-"));
  it("splits paths on ':' and ','", () => {
    expect(pluginPaths("/a/x.mjs:/b/y.mjs,c.mjs")).toEqual(["/a/x.mjs", "/b/y.mjs", "c.mjs"]);
    expect(pluginPaths(undefined)).toEqual([]);
  });

  it("a module that fails to load or check is left out with a reason", async () => {
    writeFileSync(join(dir, "dup.mjs"), `export default { id: "${PLUGINS[0]!.id}" };\n`);
    writeFileSync(join(dir, "throws.mjs"), `throw new Error("boom");\n`);
    const r = await loadExternalPlugins([join(dir, "dup.mjs"), join(dir, "throws.mjs"), join(dir, "missing.mjs")].join(","), PLUGINS);
    expect(r.plugins).toEqual([]);
    expect(r.errors[0]).toMatch(new RegExp(`^OTAUDIT_PLUGINS: .*dup\\.mjs: plugin '${PLUGINS[0]!.id}': another plugin has this id`));
    expect(r.errors.some((e) => /throws\.mjs: cannot load \(boom\)/.test(e))).toBe(true);
    expect(r.errors.some((e) => /missing\.mjs: cannot load/.test(e))).toBe(true);
  });

  it("CLI: a broken plugin module is exit 2 with one line per problem", async () => {
    writeFileSync(join(dir, "empty.mjs"), "export default 42;\n");
    const r = await runOtaudit(["rules"], { env: { OTAUDIT_PLUGINS: join(dir, "empty.mjs") } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^otaudit: OTAUDIT_PLUGINS: .*empty\.mjs: not a plugin object/);
  });
});
