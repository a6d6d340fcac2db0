// The one sorted registry of protocol plugins. Adding a protocol = one folder + one line here.
// The core never imports a protocol module by name; it iterates this list. Plugins from outside the
// tree are appended from OTAUDIT_PLUGINS (module paths) before any command is built; load problems
// are kept in PLUGIN_LOAD_ERRORS and reported by the CLI as usage errors (exit 2).
import type { ProtocolPlugin } from "../src/plugin.js";
import { loadExternalPlugins, PLUGINS_ENV } from "../src/plugin-loader.js";
import bacnet from "./bacnet/index.js";
import dnp3 from "./dnp3/index.js";
import enip from "./enip/index.js";
import ftp from "./ftp/index.js";
import http from "./http/index.js";
import iec104 from "./iec104/index.js";
import modbus from "./modbus/index.js";
import mqtt from "./mqtt/index.js";
import opcua from "./opcua/index.js";
import s7 from "./s7/index.js";
import snmp from "./snmp/index.js";
import ssh from "./ssh/index.js";
import telnet from "./telnet/index.js";
import tls from "./tls/index.js";
import vnc from "./vnc/index.js";

export { SURFACE_PORTS, type SurfacePort } from "./surface.js";

/** Probe order within a device: quick TCP handshakes first, OPC UA (heaviest) last. */
const BUILTIN: readonly ProtocolPlugin[] = [ssh, telnet, ftp, vnc, mqtt, modbus, s7, enip, dnp3, iec104, snmp, bacnet, tls, http, opcua];

const external = await loadExternalPlugins(process.env[PLUGINS_ENV], BUILTIN);

/** Built-in plugins, then external ones in the order OTAUDIT_PLUGINS names them. */
export const PLUGINS: readonly ProtocolPlugin[] = [...BUILTIN, ...external.plugins];

/** Problems loading OTAUDIT_PLUGINS (empty when all loaded). */
export const PLUGIN_LOAD_ERRORS: readonly string[] = external.errors;

export function pluginById(id: string): ProtocolPlugin | undefined {
  return PLUGINS.find((p) => p.id === id);
}
