// Interop with snap7 (node-snap7 1.0.9 builds snap7 1.4 from source), an independent S7comm
// implementation, both ways:
//  - our probe against snap7's S7 server: the facts equal what snap7's own client reads from the
//    same server (its data banks come from a physical CPU 315-2 PN/DP), and the server's event log
//    (its device-side record of every request) shows only PDU negotiation and SZL reads: no data
//    read or write, no PLC control, no upload/download, no security (password) request;
//  - snap7's client against our simulator: it connects, negotiates and reads the same identity,
//    protection and status our profile serves (our simulator speaks S7comm as snap7 expects it).
import { createRequire } from "node:module";
import { afterAll, beforeAll, expect, test } from "vitest";
import { describeWithDaemon, freeTcpPort } from "../helpers/daemons.js";
import { scan, startSim, type Sim } from "./helpers.js";

const require = createRequire(import.meta.url);
let snap7: any;
try {
  snap7 = require("node-snap7");
} catch {
  snap7 = undefined;
}

/** node-snap7's callback API as promises (the synchronous forms would block our own simulator's event loop). */
const call = <T>(fn: (cb: (err: unknown, v?: T) => void) => void) =>
  new Promise<T>((resolve, reject) => fn((err, v) => (err ? reject(new Error(String(err))) : resolve(v as T))));

describeWithDaemon("snap7 (node-snap7 1.0.9)", snap7 !== undefined, "node-snap7 is not installed or its native build failed (npm ci with allowScripts)", () => {
  let server: any;
  let port = 0;
  const events: { code: number; text: string }[] = [];
  beforeAll(async () => {
    port = await freeTcpPort();
    server = new snap7.S7Server();
    server.on("event", (e: { EvtCode: number }) => events.push({ code: e.EvtCode, text: server.EventText(e) }));
    expect(server.SetParam(server.LocalPort, port)).toBe(true);
    server.RegisterArea(server.srvAreaDB, 1, Buffer.alloc(16));
    expect(server.StartTo("127.0.0.1")).toBe(true);
  });
  afterAll(() => server?.Stop());

  test("our probe against snap7's server: the same identity, protection and mode as snap7's own client reads; its event log shows only SZL reads", async () => {
    const { result, facts } = await scan([`s7://127.0.0.1:${port}`]);
    expect(result.facts.s7!.status).toBe("ok");
    // snap7's own client, on the same server
    const c = new snap7.S7Client();
    c.SetParam(c.RemotePort, port);
    await call((cb) => c.ConnectTo("127.0.0.1", 0, 2, cb));
    const order = await call<{ Code: string }>((cb) => c.GetOrderCode(cb));
    const info = await call<{ ModuleTypeName: string; SerialNumber: string; ASName: string; Copyright: string; ModuleName: string }>((cb) => c.GetCpuInfo(cb));
    const prot = await call<{ sch_schal: number; sch_par: number; sch_rel: number; bart_sch: number; anl_sch: number }>((cb) => c.GetProtection(cb));
    const status = await call<number>((cb) => c.PlcStatus(cb));
    c.Disconnect();
    expect(facts!.identity).toMatchObject({
      orderNumber: order.Code.trimEnd(),
      moduleTypeName: info.ModuleTypeName,
      serialNumber: info.SerialNumber,
      asName: info.ASName,
      copyright: info.Copyright,
      moduleName: info.ModuleName,
    });
    expect(facts!.protection).toMatchObject({
      keySwitchLevel: prot.sch_schal,
      parameterizedLevel: prot.sch_par,
      effectiveLevel: prot.sch_rel,
      modeSelector: prot.bart_sch,
      startupSwitch: prot.anl_sch,
    });
    expect(facts!.cpuMode!.code).toBe(status); // 8 = RUN (snap7 S7CpuStatusRun)
    // snap7's GetOrderCode takes V1.V2.V3 from the LAST record (the boot loader, index 0x81); the
    // firmware is index 7 ('V' 3.2.6): we report both, separately
    expect(facts!.identity!.firmwareVersion).toBe("V3.2.6");
    expect(facts!.identity!.bootLoaderVersion).toMatch(/^A\d+\.\d+\.\d+$/);
    expect(result.findings.filter((f) => f.status === "pass")).toEqual([]);

    // the device's own log: only client add/remove, PDU negotiation and Read SZL (evc codes of s7_types.h)
    await new Promise((r) => setTimeout(r, 300));
    const allowed = new Set([server.evcServerStarted, server.evcClientAdded, server.evcClientDisconnected, server.evcNegotiatePDU, server.evcReadSZL]);
    const forbidden = [
      server.evcDataRead,
      server.evcDataWrite,
      server.evcControl,
      server.evcUpload,
      server.evcDownload,
      server.evcSecurity,
      server.evcDirectory,
      server.evcClock,
    ];
    expect(events.filter((e) => forbidden.includes(e.code))).toEqual([]);
    expect(events.filter((e) => !allowed.has(e.code)).map((e) => e.text)).toEqual([]);
    const szl = events.filter((e) => e.code === server.evcReadSZL).map((e) => e.text.replace(/^.*Read SZL request, /, ""));
    // our probe's four reads, then snap7's client's (GetOrderCode 0x0011, GetCpuInfo 0x001C, GetProtection 0x0232/4, PlcStatus 0x0424)
    expect(szl.slice(0, 4)).toEqual([
      "ID:0x0011 INDEX:0x0000 --> OK",
      "ID:0x001c INDEX:0x0000 --> OK",
      "ID:0x0232 INDEX:0x0004 --> OK",
      "ID:0x0424 INDEX:0x0000 --> OK",
    ]);
  });
});

describeWithDaemon("snap7 client against our simulator", snap7 !== undefined, "node-snap7 is not installed or its native build failed", () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await startSim({
      tsaps: [0x0102],
      pduLength: 480,
      identity: {
        orderNumber: "6ES7 317-2EK14-0AB0",
        firmware: "V3.3.12",
        asName: "PRESS-7",
        moduleName: "CPU 317-2 PN/DP",
        moduleTypeName: "CPU 317-2 PN/DP",
        plantId: "",
        copyright: "Original Siemens Equipment",
        serialNumber: "S C-H4K612345678",
      },
      protection: { keySwitch: 2, parameterized: 3, effective: 2, modeSelector: 1 },
      cpuMode: "stop",
    });
  });
  afterAll(() => sim?.stop());

  test("snap7's client reads identity, protection and status from our simulator; its write and stop are refused and counted", async () => {
    const c = new snap7.S7Client();
    c.SetParam(c.RemotePort, sim.port);
    await call((cb) => c.ConnectTo("127.0.0.1", 0, 2, cb));
    expect(c.PDULength()).toBe(480);
    expect((await call<{ Code: string }>((cb) => c.GetOrderCode(cb))).Code.trimEnd()).toBe("6ES7 317-2EK14-0AB0");
    expect(await call((cb) => c.GetCpuInfo(cb))).toMatchObject({
      ModuleTypeName: "CPU 317-2 PN/DP",
      SerialNumber: "S C-H4K612345678",
      ASName: "PRESS-7",
      Copyright: "Original Siemens Equipment",
    });
    expect(await call((cb) => c.GetProtection(cb))).toMatchObject({ sch_schal: 2, sch_par: 3, sch_rel: 2, bart_sch: 1 });
    expect(await call((cb) => c.PlcStatus(cb))).toBe(c.S7CpuStatusStop);
    await expect(call((cb) => c.DBWrite(1, 0, 2, Buffer.from([1, 2]), cb))).rejects.toThrow();
    await expect(call((cb) => c.PlcStop(cb))).rejects.toThrow();
    c.Disconnect();
    const st = sim.stats();
    expect(st.writes).toBe(1);
    expect(st.controls).toBe(1);
  });
});
