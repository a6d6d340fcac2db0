// SZL (System Status List) payload decoding (pure): the list header (SZL-ID, index, record length,
// record count) and the four lists the probe reads, per Siemens "System Software for S7-300/400 System
// and Standard Functions" (A5E02789976), chapter 34 "System Status Lists":
//   W#16#xy11 module identification (§34.5): index, MLFB (20 chars), BGTyp, Ausbg, Ausbe; index 1
//     the module, 6 basic hardware, 7 basic firmware ('V' + three version digits), 0x81 boot loader;
//   W#16#xy1C component identification (§34.10): index + 32 characters: 1 automation system name,
//     2 module name, 3 plant designation, 4 copyright, 5 serial number, 7 module type name,
//     8 memory card serial number, 9 manufacturer and profile, 0x0A OEM id, 0x0B location designation;
//   W#16#0232 index 4 communication status data, protection (§34.21): sch_schal (protection level
//     set with the mode selector), sch_par (parameterised level: 0 = no password), sch_rel (valid
//     protection level of the CPU), bart_sch (mode selector: 1 RUN, 2 RUN-P, 3 STOP, 4 MRES),
//     anl_sch (startup switch);
//   W#16#0424 operating mode (§34.33): event id, ae, bzu-id (bits 0-3 the mode the CPU is in).
// Counts are bounded (MAX_RECORDS); records that do not fit are reported, never guessed.

import { S7WireError } from "./wire.js";

export const MAX_RECORDS = 64;

export interface SzlList {
  id: number;
  index: number;
  recordLength: number;
  /** records the header announced */
  announced: number;
  records: Buffer[];
  /** bytes after the last whole record (or records beyond MAX_RECORDS) */
  trailing: number;
}

/** The SZL list header and its records (data part of the reassembled Read SZL answer). */
export function parseSzlList(payload: Buffer): SzlList {
  if (payload.length < 8) throw new S7WireError(`SZL list of ${payload.length} bytes (8-byte header)`);
  const id = payload.readUInt16BE(0);
  const index = payload.readUInt16BE(2);
  const recordLength = payload.readUInt16BE(4);
  const announced = payload.readUInt16BE(6);
  if (recordLength === 0 && announced > 0) throw new S7WireError(`SZL ${id.toString(16)} announces ${announced} records of 0 bytes`);
  const body = payload.subarray(8);
  const whole = recordLength ? Math.floor(body.length / recordLength) : 0;
  const n = Math.min(whole, announced, MAX_RECORDS);
  const records: Buffer[] = [];
  for (let i = 0; i < n; i++) records.push(Buffer.from(body.subarray(i * recordLength, (i + 1) * recordLength)));
  return { id, index, recordLength, announced, records, trailing: body.length - n * recordLength };
}

/** Text of a fixed-width field: exact bytes (latin1), the NUL padding after the text removed. */
export function fieldText(b: Buffer): string {
  let end = b.length;
  while (end > 0 && b[end - 1] === 0) end--;
  return b.subarray(0, end).toString("latin1");
}

export interface ModuleIdentification {
  /** MLFB of index 1 (the module), trailing blanks kept out */
  orderNumber?: string;
  hardwareVersion?: string;
  firmwareVersion?: string;
  bootLoaderVersion?: string;
  entries: { index: number; mlfb: string; bgTyp: number; ausbg: number; ausbe: number }[];
}

/** 'V' + three digits (Ausbg low byte, Ausbe bytes): V3.2.6; other encodings are left as raw numbers. */
function versionOf(ausbg: number, ausbe: number): string | undefined {
  const letter = ausbg >> 8;
  if (letter === 0x56 /* V */ || letter === 0x41 /* A (boot loader) */) return `${String.fromCharCode(letter)}${ausbg & 0xff}.${ausbe >> 8}.${ausbe & 0xff}`;
  return undefined;
}

export function decodeModuleIdentification(list: SzlList): ModuleIdentification {
  if (list.recordLength < 28) throw new S7WireError(`SZL 0x0011 records of ${list.recordLength} bytes (28 expected)`);
  const out: ModuleIdentification = { entries: [] };
  for (const r of list.records) {
    const e = { index: r.readUInt16BE(0), mlfb: fieldText(r.subarray(2, 22)), bgTyp: r.readUInt16BE(22), ausbg: r.readUInt16BE(24), ausbe: r.readUInt16BE(26) };
    out.entries.push(e);
    if (e.index === 0x0001 && e.mlfb.trim()) out.orderNumber = e.mlfb.replace(/ +$/, ""); // blank padding only
    // index 6: hardware release as Ausbe (Ausbg 0 on most CPUs): kept as the plain number
    if (e.index === 0x0006) out.hardwareVersion = String(e.ausbe);
    if (e.index === 0x0007) {
      const v = versionOf(e.ausbg, e.ausbe);
      if (v) out.firmwareVersion = v;
    }
    if (e.index === 0x0081) {
      const v = versionOf(e.ausbg, e.ausbe);
      if (v) out.bootLoaderVersion = v;
    }
  }
  return out;
}

export const COMPONENT_FIELDS: Record<number, string> = {
  0x0001: "asName",
  0x0002: "moduleName",
  0x0003: "plantId",
  0x0004: "copyright",
  0x0005: "serialNumber",
  0x0007: "moduleTypeName",
  0x0008: "memoryCardSerial",
  0x000a: "oemId",
  0x000b: "location",
};

export function decodeComponentIdentification(list: SzlList): { fields: Record<string, string>; entries: { index: number; text: string }[] } {
  if (list.recordLength < 34) throw new S7WireError(`SZL 0x001C records of ${list.recordLength} bytes (34 expected)`);
  const fields: Record<string, string> = {};
  const entries: { index: number; text: string }[] = [];
  for (const r of list.records) {
    const index = r.readUInt16BE(0);
    // index 9 holds binary manufacturer id / profile words, not text
    const text = index === 0x0009 ? r.subarray(2, 34).toString("hex") : fieldText(r.subarray(2, 34));
    entries.push({ index, text });
    const key = COMPONENT_FIELDS[index];
    if (key && text !== "" && fields[key] === undefined) fields[key] = text;
  }
  return { fields, entries };
}

export interface Protection {
  keySwitchLevel: number;
  parameterizedLevel: number;
  effectiveLevel: number;
  modeSelector: number;
  startupSwitch: number;
}

/** SZL 0x0232 index 4, the first record: five words after the index word. */
export function decodeProtection(list: SzlList): Protection {
  const r = list.records.find((x) => x.length >= 12 && x.readUInt16BE(0) === 0x0004) ?? list.records[0];
  if (!r || r.length < 12) throw new S7WireError("SZL 0x0232 index 4 holds no protection record");
  return {
    keySwitchLevel: r.readUInt16BE(2),
    parameterizedLevel: r.readUInt16BE(4),
    effectiveLevel: r.readUInt16BE(6),
    modeSelector: r.readUInt16BE(8),
    startupSwitch: r.readUInt16BE(10),
  };
}

export const MODE_SELECTOR: Record<number, string> = { 0: "undefined or cannot be determined", 1: "RUN", 2: "RUN-P", 3: "STOP", 4: "MRES" };

/** Operating modes of bzu-id bits 0-3 (SZL 0x0424; the same codes as diagnostic event W#16#43xx). */
export const CPU_MODES: Record<number, string> = {
  1: "STOP (update)",
  2: "STOP (memory reset)",
  3: "STOP (self initialization)",
  4: "STOP (internal)",
  5: "STARTUP (complete restart)",
  6: "STARTUP (cold restart)",
  7: "STARTUP (restart)",
  8: "RUN",
  9: "RUN (redundant)",
  10: "HOLD",
  13: "DEFECT",
};

export function decodeCpuMode(list: SzlList): { code: number; name: string } {
  const r = list.records[0];
  if (!r || r.length < 4) throw new S7WireError("SZL 0x0424 holds no operating-mode record");
  const code = r[3]! & 0x0f;
  return { code, name: CPU_MODES[code] ?? `unknown mode ${code}` };
}
