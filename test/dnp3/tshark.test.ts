// Independent cross-check with Wireshark's DNP3 dissector (tshark, Debian package `tshark`): the
// exact bytes our probe sent and our simulator answered (a recording proxy between them) are written
// to a pcap and dissected. Wireshark must find valid CRCs in every frame (no CRC expert info), the
// link functions and addresses we meant, READ requests of group 0 and responses with IIN and the
// attribute values. Also a corrupted frame, so the check itself is shown to catch a bad CRC.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect } from "vitest";
import dnp3 from "../../probes/dnp3/index.js";
import type { Dnp3Facts } from "../../probes/dnp3/facts.js";
import { describeWithDaemon } from "../helpers/daemons.js";
import { scanWith, startSim } from "./helpers.js";
import { TSHARK, tcpPcap, tsharkFields, tsharkJson, writePcap } from "./pcap.js";
import { tcpRecordingProxy } from "./proxy.js";
import { it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "otaudit-dnp3-pcap-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeWithDaemon("DNP3 bytes on the wire, dissected by Wireshark (tshark)", Boolean(TSHARK), "tshark not installed (apt-get install tshark)", () => {
  it("our requests and our simulator's answers dissect as intended, every CRC valid", async () => {
    const sim = await startSim(dnp3, { address: 1024, attributes: { "252": "ACME Grid", "250": "RTU-9", "242": "3.1.4" }, saVersion: 5, iin: ["need-time"] });
    const port = Number(/:(\d+)$/.exec(sim.urls[0]!)![1]);
    const proxy = await tcpRecordingProxy("127.0.0.1", port);
    try {
      const { facts } = await scanWith<Dnp3Facts>(dnp3, [`dnp3://127.0.0.1:${proxy.port}`], { timeoutMs: 400 });
      expect(facts!.outstation).toBe(1024);
    } finally {
      await proxy.close();
      await sim.stop();
    }
    const file = writePcap(join(dir, "probe.pcap"), tcpPcap(20000, proxy.packets));
    const rows = tsharkFields(
      file,
      ["dnp3.src", "dnp3.dst", "dnp3.ctl.prifunc", "dnp3.ctl.secfunc", "dnp3.al.func", "dnp3.al.obj", "dnp3.al.iin"],
      ["-Y", "dnp3"],
    );
    const json = JSON.stringify(tsharkJson(file));
    expect(json).not.toMatch(/CRC\.incorrect|Checksum incorrect/i);
    // every frame's header CRC "Good" (status 1) and every data chunk's CRC "Good"
    expect(json.match(/"dnp\.hdr\.CRC\.status":"1"/g)?.length).toBe(7);
    expect(json.match(/"dnp\.data_chunk\.CRC\.status":"1"/g)?.length).toBeGreaterThanOrEqual(4);
    expect(json).not.toMatch(/CRC\.status":"[02]"/);
    // link status to 10 (silent), to 1024 (answered), then two READs and two responses
    expect(rows.map((r) => r.slice(0, 5))).toEqual([
      ["1", "10", "9", "", ""],
      ["1", "1024", "9", "", ""],
      ["1024", "1", "", "11", ""],
      ["1", "1024", "4", "", "1"],
      ["1024", "1", "4", "", "129"],
      ["1", "1024", "4", "", "1"],
      ["1024", "1", "4", "", "129"],
    ]);
    expect(rows[3]![5]).toBe("0x00fc,0x00fa,0x00f2,0x00f3,0x00f8,0x00f7,0x00f6");
    expect(rows[5]![5]).toBe("0x00d1");
    expect(rows[4]![6]).toBe("0x1002"); // IIN1.4 need time, IIN2.1 object unknown (attributes 243.. absent)
    const values = tsharkFields(file, ["dnp3.al.da.value"], ["-Y", "dnp3.al.func == 129"]).flat().join(",");
    expect(values).toContain("ACME Grid");
    expect(values).toContain("RTU-9");
  });

  it("a flipped bit is caught by Wireshark too (the check can fail): a data block flagged, a bad header not even DNP3", () => {
    const block = Buffer.from("056420440300040095e3c8c581000000d5000000020401000000607a00d7000000020403000000789f", "hex");
    block[14] ^= 0x01;
    const f1 = writePcap(join(dir, "bad-block.pcap"), tcpPcap(20000, [{ fromClient: false, payload: block }]));
    expect(JSON.stringify(tsharkJson(f1))).toMatch(/dnp3\.data_chunk\.CRC\.incorrect/);
    const header = Buffer.from("056405c9000401009881", "hex");
    header[8] ^= 0x01;
    const f2 = writePcap(join(dir, "bad-header.pcap"), tcpPcap(20000, [{ fromClient: true, payload: header }]));
    expect(tsharkFields(f2, ["frame.protocols"])[0]![0]).not.toMatch(/dnp3/);
    expect(
      tsharkFields(writePcap(join(dir, "good-header.pcap"), tcpPcap(20000, [{ fromClient: true, payload: Buffer.from("056405c9000401009881", "hex") }])), [
        "frame.protocols",
      ])[0]![0],
    ).toMatch(/dnp3/);
  });
});
