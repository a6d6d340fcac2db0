// Our Modbus simulator cross-checked with an independent, widely used client (modbus-serial):
// register reads and Read Device Identification (Modbus Application Protocol 1.1b §6.3, §6.21)
// decode the same on both sides, so the simulator the demo and CI rely on speaks real Modbus.
import modbusSerial from "modbus-serial";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startSim, type Sim } from "./helpers.js";

// modbus-serial is CommonJS (`module.exports = ModbusRTU`); its typings describe an ES default export
const ModbusRTU = ((modbusSerial as unknown as { default?: unknown }).default ?? modbusSerial) as typeof modbusSerial.default;

describe("simulator vs modbus-serial client", () => {
  let sim: Sim;
  let client: InstanceType<typeof ModbusRTU>;
  beforeAll(async () => {
    sim = await startSim({ units: [1], identity: { vendorName: "Example Automation", productCode: "LX-100", revision: "2.4.1" }, holding: { "40": 1234 } });
    const { port } = new URL(sim.plainUrl!.replace(/^modbus:/, "http:"));
    client = new ModbusRTU();
    await client.connectTCP("127.0.0.1", { port: Number(port) });
    client.setID(1);
    client.setTimeout(2000);
  });
  afterAll(async () => {
    await new Promise<void>((r) => client.close(() => r()));
    await sim.stop();
  });

  test("FC 3 read holding register 40", async () => {
    const r = await client.readHoldingRegisters(40, 1);
    expect(r.data).toEqual([1234]);
  });

  test("FC 43 / MEI 14 basic device identification", async () => {
    const r = await client.readDeviceIdentification(1, 0);
    expect(r.data).toMatchObject({ 0: "Example Automation", 1: "LX-100", 2: "2.4.1" });
  });

  test("the simulator counted only read function codes", () => {
    expect(Object.keys(sim.stats().byFunctionCode).sort()).toEqual(["3", "43"]);
  });
});
