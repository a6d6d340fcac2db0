// Independent cross-check with Wireshark's IEC 60870-5-104 dissector (tshark): the bytes our probe sent
// and our simulator answered, recorded by a proxy, must dissect as APCI U-format TESTFR act (from us)
// and TESTFR con (from the station), APDU length 4, and nothing else.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import iec104 from "../../probes/iec104/index.js";
import type { Iec104Facts } from "../../probes/iec104/facts.js";
import { describeWithDaemon } from "../helpers/daemons.js";
import { scanWith, startSim } from "../dnp3/helpers.js";
import { TSHARK, tcpPcap, tsharkFields, writePcap } from "../dnp3/pcap.js";
import { tcpRecordingProxy } from "../dnp3/proxy.js";
import { REAL_IEC104 } from "./fixtures/real-traffic.js";

const dir = mkdtempSync(join(tmpdir(), "otaudit-iec104-pcap-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeWithDaemon("IEC 104 bytes on the wire, dissected by Wireshark (tshark)", Boolean(TSHARK), "tshark not installed (apt-get install tshark)", () => {
  it("our TESTFR act and the simulator's TESTFR con are U-format APCI to Wireshark", async () => {
    const sim = await startSim(iec104, { plain: true });
    const port = Number(/:(\d+)$/.exec(sim.urls[0]!)![1]);
    const proxy = await tcpRecordingProxy("127.0.0.1", port);
    try {
      const { facts } = await scanWith<Iec104Facts>(iec104, [`iec104://127.0.0.1:${proxy.port}`], { timeoutMs: 500 });
      expect(facts!.plain[0]!.testfr).toBe("testfr-con");
    } finally {
      await proxy.close();
      await sim.stop();
    }
    const file = writePcap(join(dir, "probe.pcap"), tcpPcap(2404, proxy.packets));
    const rows = tsharkFields(file, ["tcp.srcport", "iec60870_104.apdulen", "iec60870_104.type", "iec60870_104.utype"], ["-Y", "iec60870_104"]);
    expect(rows).toEqual([
      ["40000", "4", "0x00000003", "0x00000010"], // U-format (3), TESTFR act (0x10)
      ["2404", "4", "0x00000003", "0x00000020"], // TESTFR con (0x20)
    ]);
  });

  it("Wireshark and our decoder agree on real station traffic (types, sequence numbers, cause)", () => {
    const pkts = [REAL_IEC104.iFrameMeasured, REAL_IEC104.sFrame, REAL_IEC104.iFrameCommand].map((h, i) => ({
      fromClient: i !== 0,
      payload: Buffer.from(h, "hex"),
    }));
    const file = writePcap(join(dir, "real.pcap"), tcpPcap(2404, pkts));
    const rows = tsharkFields(
      file,
      ["iec60870_104.type", "iec60870_104.tx", "iec60870_104.rx", "iec60870_asdu.typeid", "iec60870_asdu.causetx"],
      ["-Y", "iec60870_104"],
    );
    expect(rows).toEqual([
      ["0x00000000", "77", "20", "13", "1"], // I-format, M_ME_NC_1, periodic
      ["0x00000001", "", "78", "", ""], // S-format
      ["0x00000000", "20", "78", "58", "6"], // I-format, C_SC_TA_1, activation
    ]);
  });
});
