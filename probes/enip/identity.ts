// Meaning of the CIP Identity object's coded attributes (ODVA CIP Vol. 1, chapter 5A-2 Identity
// Object, attributes 2 device type, 5 status and 8 state; chapter 6 device profiles), and of the CIP
// Security object's attributes (CIP Vol. 8 "CIP Security", Security object class 0x5D, attributes
// 1 state, 2 security profiles, 3 security profiles configured). Names cross-checked with
// Wireshark's packet-cip.c / packet-enip.c value tables (GPL-2.0-or-later; facts, not code, used).

/** Attribute 5 status word, bit by bit (Vol. 1 Table 5A-2.7). */
export interface StatusBits {
  owned: boolean;
  configured: boolean;
  /** bits 4-7 */
  extendedStatus: number;
  extendedStatusName: string;
  minorRecoverableFault: boolean;
  minorUnrecoverableFault: boolean;
  majorRecoverableFault: boolean;
  majorUnrecoverableFault: boolean;
  /** bits 12-15, vendor or profile specific */
  extendedStatus2: number;
}

/** Vol. 1 Table 5A-2.8 extended device status (bits 4-7). */
const EXTENDED: Record<number, string> = {
  0: "self-testing or unknown",
  1: "firmware update in progress",
  2: "at least one faulted I/O connection",
  3: "no I/O connections established",
  4: "non-volatile configuration bad",
  5: "major fault",
  6: "at least one I/O connection in run mode",
  7: "at least one I/O connection established, all in idle mode",
};

export function statusBits(w: number): StatusBits {
  const ext = (w >> 4) & 0x0f;
  return {
    owned: (w & 0x0001) !== 0,
    configured: (w & 0x0004) !== 0,
    extendedStatus: ext,
    extendedStatusName: EXTENDED[ext] ?? `reserved or vendor specific (${ext})`,
    minorRecoverableFault: (w & 0x0100) !== 0,
    minorUnrecoverableFault: (w & 0x0200) !== 0,
    majorRecoverableFault: (w & 0x0400) !== 0,
    majorUnrecoverableFault: (w & 0x0800) !== 0,
    extendedStatus2: (w >> 12) & 0x0f,
  };
}

/** Attribute 8 state (Vol. 1 Table 5A-2.9). */
export function stateName(s: number): string {
  const names: Record<number, string> = {
    0: "nonexistent",
    1: "device self testing",
    2: "standby",
    3: "operational",
    4: "major recoverable fault",
    5: "major unrecoverable fault",
    255: "default for Get_Attributes_All",
  };
  return names[s] ?? `reserved (${s})`;
}

/** Vol. 1 chapter 6 device profiles (device type numbers). */
export const DEVICE_TYPES: Record<number, string> = {
  0x00: "Generic Device (deprecated)",
  0x02: "AC Drive",
  0x03: "Motor Overload",
  0x04: "Limit Switch",
  0x05: "Inductive Proximity Switch",
  0x06: "Photoelectric Sensor",
  0x07: "General Purpose Discrete I/O",
  0x09: "Resolver",
  0x0c: "Communications Adapter",
  0x0e: "Programmable Logic Controller",
  0x10: "Position Controller",
  0x13: "DC Drive",
  0x15: "Contactor",
  0x16: "Motor Starter",
  0x17: "Soft Start",
  0x18: "Human-Machine Interface",
  0x1a: "Mass Flow Controller",
  0x1b: "Pneumatic Valve",
  0x1c: "Vacuum Pressure Gauge",
  0x1d: "Process Control Value",
  0x1e: "Residual Gas Analyzer",
  0x1f: "DC Power Generator",
  0x20: "RF Power Generator",
  0x21: "Turbomolecular Vacuum Pump",
  0x22: "Encoder",
  0x23: "Safety Discrete I/O Device",
  0x24: "Fluid Flow Controller",
  0x25: "CIP Motion Drive",
  0x26: "CompoNet Repeater",
  0x27: "Mass Flow Controller, Enhanced",
  0x28: "CIP Modbus Device",
  0x29: "CIP Modbus Translator",
  0x2a: "Safety Analog I/O Device",
  0x2b: "Generic Device (keyable)",
  0x2c: "Managed Switch",
  0x32: "ControlNet Physical Layer Component",
};

/** CIP Security object (class 0x5D) attribute 1, state. */
export function securityStateName(s: number): string {
  const names: Record<number, string> = { 0: "factory default configuration", 1: "configuration in progress", 2: "configured", 3: "incomplete configuration" };
  return names[s] ?? `reserved (${s})`;
}

/** CIP Security object attributes 2/3, security profiles bitmap. */
export function securityProfileNames(w: number): string[] {
  // bit 0 was the EtherNet/IP Integrity Profile (later withdrawn); names as Wireshark's
  // packet-enip.c decodes them (eip_integrity, eip_confidentiality, cip_authorization,
  // cip_user_authentication, resource_constrained; the rest reserved)
  const names = [
    "EtherNet/IP Integrity Profile (withdrawn)",
    "EtherNet/IP Confidentiality Profile",
    "CIP Authorization Profile",
    "CIP User Authentication Profile",
    "Resource-Constrained CIP Security Profile",
  ];
  const out: string[] = [];
  for (let b = 0; b < 16; b++) if (w & (1 << b)) out.push(names[b] ?? `reserved (bit ${b})`);
  return out;
}
