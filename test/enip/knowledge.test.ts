// Invariants of probes/enip/data/vendors.yaml: a cited source, ids in the UINT range, unique,
// non-empty names; the device-type and status tables decode every value they claim to.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DEVICE_TYPES, securityProfileNames, statusBits } from "../../probes/enip/identity.js";
import { VENDORS_FILE, VendorTable, vendorName } from "../../probes/enip/knowledge.js";
import { PACKAGE_ROOT } from "../../src/version.js";

describe("CIP vendor table", () => {
  const raw = readFileSync(`${PACKAGE_ROOT}/${VENDORS_FILE}`, "utf8");
  const t = VendorTable.parse(parse(raw));
  it("cites its source and licence", () => expect(t.source).toMatch(/Wireshark.*GPL-2\.0-or-later.*ODVA/));
  it("ids are 1..65535, written once, names non-empty", () => {
    const ids = [...raw.matchAll(/^ {2}(\d+):/gm)].map((m) => Number(m[1]));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toBeGreaterThan(0), expect(id).toBeLessThan(65536);
    expect(Object.values(t.vendors).every((n) => n.trim() === n && n.length > 0)).toBe(true);
  });
  it("names what a device reports, unknown ids stay unnamed", () => {
    expect(vendorName(1)).toBe("Rockwell Automation/Allen-Bradley");
    expect(vendorName(65000)).toBeUndefined();
  });
  it("device types and status bits", () => {
    expect(DEVICE_TYPES[0x0e]).toBe("Programmable Logic Controller");
    expect(statusBits(0x0001).owned).toBe(true);
    expect(statusBits(0x0800).majorUnrecoverableFault).toBe(true);
    expect(securityProfileNames(0x0006)).toEqual(["EtherNet/IP Confidentiality Profile", "CIP Authorization Profile"]);
  });
});
