// Our EtherNet/IP simulator against an independent client library, st-ethernet-ip 2.7.5 (npm):
// its session registration, its Unconnected_Send-wrapped Get_Attributes_All of the Identity object
// (readControllerProps) and Get_Attribute_Single of the CIP Security object read what our profile
// serves, and its own ListIdentity parser (the Browser's) reads our UDP answer. The library dials
// port 44818 only, so the simulator listens on 44818 of a loopback address of its own.
import { createRequire } from "node:module";
import { afterAll, beforeAll, expect, test } from "vitest";
import { describeWithDaemon } from "../helpers/daemons.js";
import { CMD, encode } from "../../probes/enip/wire.js";
import { udpExchange } from "../../probes/enip/transports.js";
import { Deadline } from "../../src/net/index.js";
import { startSim, type Sim } from "./helpers.js";

const require = createRequire(import.meta.url);
let eip: any;
try {
  eip = require("st-ethernet-ip");
} catch {
  eip = undefined;
}

describeWithDaemon("st-ethernet-ip client against our EtherNet/IP simulator", eip !== undefined, "st-ethernet-ip is not installed (npm ci)", () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await startSim(
      {
        identity: {
          vendorId: 1,
          deviceType: 14,
          productCode: 94,
          revision: "32.11",
          status: 0x3060,
          serialNumber: "60d2a3f1",
          productName: "1756-L83E/B",
          state: 3,
        },
        cipSecurity: { present: true, state: 1, profiles: 6, configured: 0 },
      },
      { port: 44818 },
    );
  });
  afterAll(() => sim?.stop());

  test("session, identity (Get_Attributes_All through Unconnected_Send) and the CIP Security state, as the library reads them", async () => {
    const plc = new eip.Controller(false, { unconnectedSendTimeout: 2000 });
    await plc.connect(sim.host, 0, false);
    await plc.readControllerProps();
    expect(plc.state.controller).toMatchObject({ name: "1756-L83E/B", serial_number: 0x60d2a3f1, version: "32.11", status: 0x3060, run: true, faulted: false });
    const state = await plc.getAttributeSingle(0x5d, 1, 1);
    expect(Buffer.from(state)).toEqual(Buffer.from([1]));
    plc.destroy();
    const st = sim.stats();
    expect(st.sessionsRegistered).toBe(1);
    expect(st.cipRequests).toMatchObject({ "0x52/6/1/-": 1, "0x1/1/1/-": 1, "0xe/93/1/1": 1 });
    expect(st.nonReadServices).toBe(0);
  });

  test("the library's ListIdentity parser reads our simulator's UDP answer", async () => {
    const r = await udpExchange(sim.host, sim.port, encode(CMD.LIST_IDENTITY), new Deadline(2000));
    const browser = new eip.Browser(0, "127.0.0.1", false);
    const device = browser._parseListIdentityResponse(r.answer);
    browser.stop?.();
    browser.socket?.close?.();
    expect(device).toMatchObject({
      vendorID: 1,
      deviceType: 14,
      productCode: 94,
      revision: "32.11",
      status: 0x3060,
      serialNumber: "0x60d2a3f1",
      productName: "1756-L83E/B",
      state: 3,
    });
  });
});
