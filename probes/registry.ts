// The one sorted registry of protocol plugins. Adding a protocol = one folder + one line here.
// The core never imports a protocol module by name; it iterates this list.
import type { ProtocolPlugin } from "../src/plugin.js";
import ftp from "./ftp/index.js";
import modbus from "./modbus/index.js";
import mqtt from "./mqtt/index.js";
import opcua from "./opcua/index.js";
import snmp from "./snmp/index.js";
import ssh from "./ssh/index.js";
import telnet from "./telnet/index.js";
import vnc from "./vnc/index.js";

/** Probe order within a device: quick TCP handshakes first, OPC UA (heaviest) last. */
export const PLUGINS: readonly ProtocolPlugin[] = [ssh, telnet, ftp, vnc, mqtt, modbus, snmp, opcua];

export function pluginById(id: string): ProtocolPlugin | undefined {
  return PLUGINS.find((p) => p.id === id);
}
