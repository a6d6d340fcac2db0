// The CLI loads only the plugins a `scan` command line names (src/cli/plugin-choice.ts) from the
// registry's light manifest (probes/manifest.ts): the manifest says what the plugins themselves
// say, and any command line this reader cannot narrow safely loads every plugin.
import { describe, expect, it } from "vitest";
import { BUILTIN_MANIFEST } from "../../probes/manifest.js";
import { PLUGINS, PLUGIN_IDS } from "../../probes/registry.js";
import { buildProgram } from "../../src/cli/main.js";
import { choosePlugins } from "../../src/cli/plugin-choice.js";

const program = buildProgram();
const choose = (...argv: string[]) => choosePlugins(argv, program, BUILTIN_MANIFEST, {});

describe("the plugin manifest", () => {
  it("lists every built-in plugin in registry order with the plugin's own id, schemes and default ports", async () => {
    expect(BUILTIN_MANIFEST.map((m) => m.id)).toEqual(PLUGINS.map((p) => p.id));
    expect(PLUGIN_IDS).toEqual(PLUGINS.map((p) => p.id));
    for (const m of BUILTIN_MANIFEST) {
      const p = await m.load();
      expect(p, m.id).toBe(PLUGINS.find((x) => x.id === m.id));
      expect([...m.schemes], m.id).toEqual(p.schemes);
      expect([...m.defaultPorts], m.id).toEqual(p.defaultPorts);
    }
  });
});

describe("choosing the plugins of a command line", () => {
  it("a scan of service URLs and host:port on one plugin's default port loads those plugins", () => {
    expect(choose("scan", "ssh://10.0.0.1:2222", "--json", "/dev/null", "--timeout", "3000")).toEqual(["ssh"]);
    expect(choose("-q", "scan", "10.0.0.1:502", "SSH://10.0.0.1")).toEqual(["ssh", "modbus"]);
    expect(choose("scan", "opc.tcp://h:4841/ua", "snmp://h", "--json=-", "--no-color", "-q")).toEqual(["snmp", "opcua"]);
  });

  it("--protocols names them; a plugin's own flag adds its plugin", () => {
    expect(choose("scan", "10.0.0.1", "--protocols", "modbus,ssh")).toEqual(["ssh", "modbus"]);
    expect(choose("scan", "ssh://h", "--modbus-units", "1")).toEqual(["ssh", "modbus"]);
    expect(choose("scan", "ssh://h", "--modbus-units=1")).toEqual(["ssh", "modbus"]);
  });

  it("anything it cannot narrow safely loads every plugin", () => {
    for (const argv of [
      ["scan", "10.0.0.1"], // a bare host: every default port
      ["scan", "h:443"], // two plugins' default port
      ["scan", "h:9"], // nobody's: the error lists every scheme
      ["scan", "nope://h"],
      ["scan"],
      ["scan", "ssh://h", "--help"],
      ["scan", "ssh://h", "--credentials", "c.yaml"],
      ["scan", "ssh://h", "--waivers", "w.yaml"],
      ["scan", "ssh://h", "--policy", "p.yaml"],
      ["scan", "ssh://h", "--format", "sarif", "--out", "d"],
      ["scan", "ssh://h", "--unknown-flag"],
      ["scan", "ssh://h", "--protocols", "ssh,nope"],
      ["scan", "ssh://h", "--", "x"],
      ["sweep", "plant.csv"],
      ["rules"],
      ["--help", "scan"],
    ])
      expect(choose(...argv), argv.join(" ")).toBeUndefined();
    expect(choosePlugins(["scan", "ssh://h"], program, BUILTIN_MANIFEST, { OTAUDIT_PLUGINS: "x.js" })).toBeUndefined();
  });
});
