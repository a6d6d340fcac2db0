// The Modbus role extension (Modbus/TCP Security, "RoleOID" 1.3.6.1.4.1.50316.802.1) read by our own
// DER walker (probes/tls/wire/x509.ts extensionValue), checked against certificates @peculiar/x509
// issued with and without the role, beside other extensions and with the critical flag set.
import { describe, expect, it } from "vitest";
import { encodeRole, issueCertificate, MODBUS_ROLE_OID, roleOf } from "../../probes/modbus/certs.js";
import { extensionValue } from "../../probes/tls/wire/x509.js";

const der = (c: { cert: { rawData: ArrayBuffer } }) => Buffer.from(c.cert.rawData);

describe("Modbus role extension", () => {
  it("reads the role of an issued certificate, and nothing from one without it", async () => {
    const ca = await issueCertificate({ subject: "CN=test CA", isCa: true });
    const withRole = await issueCertificate({ subject: "CN=client", ca, role: "Operator/Ünïcode", ips: ["127.0.0.1"] });
    const without = await issueCertificate({ subject: "CN=client2", ca, ips: ["127.0.0.1"] });
    expect(roleOf(der(withRole))).toBe("Operator/Ünïcode");
    expect(Buffer.from(extensionValue(der(withRole), MODBUS_ROLE_OID)!)).toEqual(Buffer.from(encodeRole("Operator/Ünïcode")));
    expect(Buffer.from(extensionValue(der(withRole), MODBUS_ROLE_OID)!)).toEqual(Buffer.from(withRole.cert.getExtension(MODBUS_ROLE_OID)!.value));
    expect(roleOf(der(without))).toBeUndefined();
    // basicConstraints is marked critical by issueCertificate: the BOOLEAN is skipped
    expect(extensionValue(der(withRole), "2.5.29.19")).toEqual(Buffer.from(withRole.cert.getExtension("2.5.29.19")!.value));
  });

  it("a truncated or non-certificate DER gives no role, never a throw from roleOf", async () => {
    const c = await issueCertificate({ subject: "CN=x", role: "admin" });
    const bytes = der(c);
    for (const cut of [0, 1, 10, bytes.length >> 1, bytes.length - 1]) expect(roleOf(bytes.subarray(0, cut))).toBeUndefined();
    expect(roleOf(Buffer.from("not a certificate"))).toBeUndefined();
  });
});
