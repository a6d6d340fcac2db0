// Interop: the probe against Debian's pymodbus server (python3-pymodbus, run with /usr/bin/python3)
// with a device identity. The identity facts must match it field for field, plain exposure fails,
// and the server's own log shows no write function code in default mode.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, test } from "vitest";
import { describeWithDaemon, findBinary, waitFor } from "../helpers/daemons.js";
import { finding, scan } from "./helpers.js";

const PYTHON = findBinary("/usr/bin/python3");
const HAS_PYMODBUS = existsSync("/usr/lib/python3/dist-packages/pymodbus/server/async_io.py");
const SCRIPT = fileURLToPath(new URL("./pymodbus_server.py", import.meta.url));
const IDENTITY = {
  VendorName: "Pymodbus Interop GmbH",
  ProductCode: "PM-3000",
  MajorMinorRevision: "3.0.0rc1",
  VendorUrl: "https://pymodbus.invalid",
  ProductName: "Pymodbus Server",
  ModelName: "Interop Model",
  UserApplicationName: "otaudit test",
};
const WRITE_CODES = [5, 6, 8, 15, 16, 21, 22, 23];
/** extended (vendor-specific) objects, read with read device id code 3 (nmap modbus-discover reads only basic) */
const EXTENDED = { "128": "Serial 0815", "129": "Firmware build 42" };

describeWithDaemon("Modbus/TCP interop: pymodbus 3.0 server", Boolean(PYTHON && HAS_PYMODBUS), "needs /usr/bin/python3 with python3-pymodbus", () => {
  let child: ChildProcess;
  let port = 0;
  const log: string[] = [];

  beforeAll(async () => {
    child = spawn(PYTHON!, [SCRIPT, "0", JSON.stringify(IDENTITY), JSON.stringify(EXTENDED)], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout!.setEncoding("utf8").on("data", (d: string) => log.push(...d.split("\n").filter(Boolean)));
    child.stderr!.resume();
    const ready = await waitFor(() => log.find((l) => l.startsWith("READY ")), 15_000);
    port = Number(ready.split(" ")[1]);
  });
  afterAll(() => {
    child?.kill("SIGTERM");
  });

  test("identity facts match field for field; plain exposure fails; no write code reached the server", async () => {
    const { result, facts } = await scan([`modbus://127.0.0.1:${port}`], { timeoutMs: 800 });
    expect(result.facts.modbus!.status).toBe("ok");
    const plain = facts!.plain[0]!;
    const unit1 = plain.units.find((u) => u.unitId === 1)!;
    expect(unit1.answered).toBe(true);
    expect(unit1.deviceId!.identity).toEqual({
      vendorName: IDENTITY.VendorName,
      productCode: IDENTITY.ProductCode,
      revision: IDENTITY.MajorMinorRevision,
      vendorUrl: IDENTITY.VendorUrl,
      productName: IDENTITY.ProductName,
      modelName: IDENTITY.ModelName,
      userApplicationName: IDENTITY.UserApplicationName,
    });
    expect(unit1.deviceId!.conformityLevel).toBe(0x83);
    expect(unit1.deviceId!.objects.filter((o) => o.id >= 0x80)).toEqual([
      { id: 0x80, value: "Serial 0815" },
      { id: 0x81, value: "Firmware build 42" },
    ]);
    expect(unit1.deviceId!.streams!.map((s) => s.readCode)).toEqual([1, 2, 3]);
    expect(unit1.serverId!.status).toBe("ok");
    expect(unit1.serverId!.text).toContain(IDENTITY.VendorName);
    // pymodbus: identifier bytes, then the run indicator status 0xFF (ON) as the last byte (§6.17)
    expect(unit1.serverId!.runIndicator).toEqual({ status: "on", offset: Buffer.from(unit1.serverId!.hex!, "hex").length - 1, basis: "last-byte" });
    // unit 255 does not exist: pymodbus's framer drops its request silently (timeout); unit 0, the
    // serial broadcast address, is not tried by default (Modbus over Serial Line §2.2)
    expect(plain.unitsTried).toEqual([1, 255]);
    expect(plain.exchanges.filter((x) => x.unitId !== 1).map((x) => x.outcome)).toEqual(["timeout"]);
    const exposed = finding(result, "modbus.plain.exposed")[0]!;
    expect(exposed.status).toBe("fail");
    expect(exposed.evidence).toMatchObject({ unitsAnswering: [1] });
    expect(finding(result, "modbus.identity.disclosed")[0]!.evidence).toMatchObject({
      vendorName: IDENTITY.VendorName,
      productCode: IDENTITY.ProductCode,
      revision: IDENTITY.MajorMinorRevision,
    });
    // from the server's side
    const seen = log.filter((l) => l.startsWith("REQ ")).map((l) => Number(/fc=(\d+)/.exec(l)![1]));
    expect(seen.length).toBe(plain.functionCodesSent.length);
    expect(new Set(seen)).toEqual(new Set([43, 17]));
    expect(seen.filter((c) => WRITE_CODES.includes(c))).toEqual([]);
  });
});
