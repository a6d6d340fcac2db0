// The built-in plugins' light metadata: id, URL schemes and default ports, and how to load each
// plugin module. The registry (registry.ts) loads every plugin from this list; the CLI reads it
// first to load only the plugins one command line needs (src/cli/plugin-choice.ts), since loading a
// plugin builds its zod schemas, rules and knowledge data. test/unit/plugin-manifest.test.ts keeps
// these fields equal to the plugins' own. Order = probe order within a device: quick TCP handshakes
// first, OPC UA (heaviest) last.
import type { ProtocolPlugin } from "../src/plugin.js";

export interface PluginManifestEntry {
  id: string;
  schemes: readonly string[];
  defaultPorts: readonly { scheme: string; port: number }[];
  load(): Promise<ProtocolPlugin>;
}

const ports = (scheme: string, ...ports: number[]) => ports.map((port) => ({ scheme, port }));
const def = (m: { default: unknown }) => m.default as ProtocolPlugin;

export const BUILTIN_MANIFEST: readonly PluginManifestEntry[] = [
  { id: "ssh", schemes: ["ssh"], defaultPorts: ports("ssh", 22), load: async () => def(await import("./ssh/index.js")) },
  { id: "telnet", schemes: ["telnet"], defaultPorts: ports("telnet", 23), load: async () => def(await import("./telnet/index.js")) },
  { id: "ftp", schemes: ["ftp"], defaultPorts: ports("ftp", 21), load: async () => def(await import("./ftp/index.js")) },
  { id: "vnc", schemes: ["vnc"], defaultPorts: ports("vnc", 5900), load: async () => def(await import("./vnc/index.js")) },
  {
    id: "mqtt",
    schemes: ["mqtt", "mqtts"],
    defaultPorts: [...ports("mqtt", 1883), ...ports("mqtts", 8883)],
    load: async () => def(await import("./mqtt/index.js")),
  },
  {
    id: "modbus",
    schemes: ["modbus", "modbus+tls"],
    defaultPorts: [...ports("modbus", 502), ...ports("modbus+tls", 802)],
    load: async () => def(await import("./modbus/index.js")),
  },
  { id: "s7", schemes: ["s7"], defaultPorts: ports("s7", 102), load: async () => def(await import("./s7/index.js")) },
  { id: "enip", schemes: ["enip"], defaultPorts: ports("enip", 44818), load: async () => def(await import("./enip/index.js")) },
  { id: "dnp3", schemes: ["dnp3"], defaultPorts: ports("dnp3", 20000), load: async () => def(await import("./dnp3/index.js")) },
  {
    id: "iec104",
    schemes: ["iec104", "iec104+tls"],
    defaultPorts: [...ports("iec104", 2404), ...ports("iec104+tls", 19998)],
    load: async () => def(await import("./iec104/index.js")),
  },
  { id: "snmp", schemes: ["snmp"], defaultPorts: ports("snmp", 161), load: async () => def(await import("./snmp/index.js")) },
  { id: "bacnet", schemes: ["bacnet"], defaultPorts: ports("bacnet", 47808), load: async () => def(await import("./bacnet/index.js")) },
  { id: "tls", schemes: ["tls"], defaultPorts: ports("tls", 443, 8443, 4843, 6514), load: async () => def(await import("./tls/index.js")) },
  {
    id: "http",
    schemes: ["http", "https"],
    defaultPorts: [...ports("http", 80, 8080), ...ports("https", 443, 8443)],
    load: async () => def(await import("./http/index.js")),
  },
  { id: "opcua", schemes: ["opc.tcp"], defaultPorts: ports("opc.tcp", 4840), load: async () => def(await import("./opcua/index.js")) },
];
