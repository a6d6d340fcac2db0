// The device's wider surface as data: TCP ports that say something about a device even when no
// plugin audits them. `scan HOST` and `sweep` connect to each (full connect, clean FIN close, one
// at a time) unless a plugin's default port is the same (the plugin audits it then, and the port
// drops out of this list automatically). An open cleartext management port that no plugin audited
// is a verified failure of secure communication (element 7); any other open port here that no
// plugin audited keeps the elements it bears on from passing (they are at best partial).
import type { ElementId } from "../src/model/common.js";

export interface SurfacePort {
  port: number;
  /** short service name (the IANA name where it is the one people know) */
  service: string;
  title: string;
  /** the wire protocol carries credentials and data readable by anyone on the path */
  cleartext: boolean;
  /**
   * management: remote administration or remote access (a cleartext one fails element 7);
   * control: an industrial protocol that commands the process; data: telemetry or messaging
   */
  role: "management" | "control" | "data";
  /** Secure by Demand elements an unaudited service on this port bears on */
  elements: ElementId[];
  /** where the protocol is defined */
  spec: string;
  /** what to use instead, for a cleartext management service */
  secureAlternative?: string;
}

const MANAGEMENT_CLEAR: ElementId[] = [5, 6, 7, 9];
const MANAGEMENT_TLS: ElementId[] = [5, 7, 9];
const CONTROL: ElementId[] = [3, 7, 8, 9];
const DATA: ElementId[] = [5, 7, 9];

export const SURFACE_PORTS: readonly SurfacePort[] = [
  { port: 23, service: "telnet", title: "Telnet", cleartext: true, role: "management", elements: MANAGEMENT_CLEAR, spec: "RFC 854", secureAlternative: "SSH" },
  {
    port: 21,
    service: "ftp",
    title: "FTP",
    cleartext: true,
    role: "management",
    elements: MANAGEMENT_CLEAR,
    spec: "RFC 959",
    secureAlternative: "SFTP or FTPS",
  },
  {
    port: 80,
    service: "http",
    title: "HTTP",
    cleartext: true,
    role: "management",
    elements: MANAGEMENT_CLEAR,
    spec: "RFC 9112",
    secureAlternative: "HTTPS only (HTTP answering with a redirect still sends the first request in clear)",
  },
  {
    port: 8080,
    service: "http-alt",
    title: "HTTP (alternate port)",
    cleartext: true,
    role: "management",
    elements: MANAGEMENT_CLEAR,
    spec: "RFC 9112",
    secureAlternative: "HTTPS only",
  },
  {
    port: 5900,
    service: "vnc",
    title: "VNC (RFB)",
    cleartext: true,
    role: "management",
    elements: MANAGEMENT_CLEAR,
    spec: "RFC 6143 (no transport encryption)",
    secureAlternative: "VNC tunnelled through SSH or TLS, or a remote-access gateway with MFA",
  },
  { port: 443, service: "https", title: "HTTPS", cleartext: false, role: "management", elements: MANAGEMENT_TLS, spec: "RFC 9110 over TLS (RFC 8446)" },
  { port: 3389, service: "ms-wbt-server", title: "RDP", cleartext: false, role: "management", elements: MANAGEMENT_TLS, spec: "MS-RDPBCGR" },
  { port: 102, service: "s7comm", title: "S7comm (ISO-TSAP)", cleartext: true, role: "control", elements: CONTROL, spec: "RFC 1006" },
  { port: 44818, service: "ethernet-ip", title: "EtherNet/IP", cleartext: true, role: "control", elements: CONTROL, spec: "ODVA CIP Vol. 2" },
  { port: 20000, service: "dnp3", title: "DNP3", cleartext: true, role: "control", elements: CONTROL, spec: "IEEE 1815" },
  { port: 2404, service: "iec-104", title: "IEC 60870-5-104", cleartext: true, role: "control", elements: CONTROL, spec: "IEC 60870-5-104" },
  { port: 1883, service: "mqtt", title: "MQTT", cleartext: true, role: "data", elements: DATA, spec: "OASIS MQTT 5.0 §4.8" },
  { port: 8883, service: "secure-mqtt", title: "MQTT over TLS", cleartext: false, role: "data", elements: DATA, spec: "OASIS MQTT 5.0 §4.2" },
];
