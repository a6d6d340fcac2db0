// Target forms (issues 13 and 20): host:port and [v6]:port name the protocol by its default port,
// --protocols still limits, a user name or password in a target is refused without being echoed,
// and an IPv6 URL reaches the resolver without brackets (the URL keeps them).
import { describe, expect, it } from "vitest";
import { PLUGINS } from "../../probes/registry.js";
import { parseTargetStrings, resolveTargets } from "../../src/engine/targets.js";
import { UsageError } from "../../src/errors.js";
import { runOtaudit } from "../helpers/cli.js";

const usage = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error("no UsageError");
};
const only = (ids: string[]) => PLUGINS.filter((p) => ids.includes(p.id));

describe("host:port targets", () => {
  it("infer the protocol from a plugin's default port, as an explicitly named service", () => {
    const owners = (port: number) => PLUGINS.filter((x) => x.defaultPorts.some((d) => d.port === port)).length;
    for (const p of PLUGINS) {
      for (const d of p.defaultPorts) {
        // a port two plugins share (443: tls and https) must be named by a URL: a usage error naming both
        if (owners(d.port) > 1) {
          expect(() => parseTargetStrings([`10.0.0.9:${d.port}`], PLUGINS)).toThrow(/default port of .* and /);
          continue;
        }
        const [dev] = parseTargetStrings([`10.0.0.9:${d.port}`], PLUGINS);
        expect(dev!.endpoints).toEqual([
          { protocol: p.id, scheme: d.scheme, host: "10.0.0.9", port: d.port, transport: p.transport, url: `${d.scheme}://10.0.0.9:${d.port}`, explicit: true },
        ]);
        expect(dev!.surface).toBeUndefined();
      }
    }
  });

  it("[v6]:port and host names work; several forms of one host are one device", () => {
    const port = PLUGINS[0]!.defaultPorts[0]!;
    const [v6, ...rest] = parseTargetStrings([`[::1]:${port.port}`, "::1"], PLUGINS);
    expect(rest).toHaveLength(0);
    expect(v6!.host).toBe("::1");
    expect(v6!.surface).toBe(true);
    expect(v6!.endpoints.find((e) => e.port === port.port)!.url).toBe(`${port.scheme}://[::1]:${port.port}`);
    const [named] = parseTargetStrings([`plc-7.example:${port.port}`], PLUGINS);
    expect(named!.host).toBe("plc-7.example");
  });

  it("a port no enabled plugin owns is an error suggesting a URL; --protocols still limits", () => {
    expect(usage(() => parseTargetStrings(["10.0.0.9:4444"], PLUGINS))).toMatch(
      /^target '10\.0\.0\.9:4444': no enabled protocol has 4444 as its default port; name the protocol with a URL such as scheme:\/\/10\.0\.0\.9:4444/,
    );
    const p = PLUGINS[0]!;
    const others = PLUGINS.filter((x) => x.id !== p.id);
    expect(usage(() => parseTargetStrings([`10.0.0.9:${p.defaultPorts[0]!.port}`], others))).toMatch(/no enabled protocol/);
    expect(usage(() => parseTargetStrings(["10.0.0.9:99999"], PLUGINS))).toMatch(/port 99999 is out of range/);
    expect(usage(() => parseTargetStrings(["10.0.0.9:"], PLUGINS))).toMatch(/port '' is not a number/);
  });
});

describe("credentials in a target", () => {
  const CANARY = "canary-Pw-7f3a91";
  it.each([
    `ssh://admin:${CANARY}@10.0.0.5:22`,
    `admin:${CANARY}@10.0.0.5`,
    `opc.tcp://op:${CANARY}@[::1]:4840/x`,
    `admin@10.0.0.5:22`,
    `ssh://admin:p/${CANARY}@10.0.0.5`,
    `admin:x?${CANARY}@10.0.0.5`,
  ])("%s is refused without echoing the secret", (target) => {
    const m = usage(() => parseTargetStrings([target], PLUGINS));
    expect(m).toMatch(/a user name or password in a target is not accepted .*--credentials file/);
    expect(m).not.toContain(CANARY);
    expect(m).not.toContain("admin");
    expect(m).toContain("***@");
  });

  it("CLI: exit 2, one line, no password anywhere in the output", async () => {
    const r = await runOtaudit(["scan", `ssh://admin:${CANARY}@127.0.0.1:22`]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr + r.stdout).not.toContain(CANARY);
  });
});

describe("IPv6 service URLs", () => {
  it("opc.tcp://[::1]:4840 resolves to ::1 (no brackets reach the resolver); the URL keeps them", async () => {
    const [d] = await resolveTargets(["opc.tcp://[::1]:4840/path"], only(["opcua"]));
    expect(d!.address).toBe("::1");
    expect(d!.endpoints[0]).toMatchObject({ host: "::1", port: 4840, url: "opc.tcp://[::1]:4840/path", path: "/path" });
  });
});
