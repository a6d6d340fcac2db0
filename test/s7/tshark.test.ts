// Wireshark's own dissectors (tshark: tpkt, cotp, s7comm) decode what our probe sent and what our
// simulator answered, captured byte for byte by a recording proxy and written as a pcap: every
// request is a COTP CR, a Setup communication job or a userdata Read SZL (function group 4,
// subfunction 1) for the planned lists; the simulator's answers decode to the same SZL ids, record
// lengths and counts the probe recorded, and the TSAPs are the ones in the facts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { describeWithDaemon } from "../helpers/daemons.js";
import { scan, startSim } from "./helpers.js";
import { TSHARK, fieldValues, recordingProxy, tsharkJson, writePcap } from "./pcap.js";

const dir = mkdtempSync(join(tmpdir(), "otaudit-s7-pcap-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeWithDaemon("tshark decodes the S7comm probe and simulator", TSHARK !== undefined, "tshark is not installed (apt-get install tshark)", () => {
  test("requests are only COTP CR, Setup communication and Read SZL; answers match the recorded facts", async () => {
    const sim = await startSim({ tsaps: [0x0101], pduLength: 240, fragmentBytes: 120 });
    const proxy = await recordingProxy("127.0.0.1", sim.port);
    try {
      const { facts } = await scan([`s7://127.0.0.1:${proxy.port}`]);
      const file = join(dir, "s7.pcap");
      writePcap(file, proxy.chunks, 102);
      const frames = tsharkJson(file).filter((f) => f.cotp);
      const c2s = frames.filter((f) => fieldValues(f.tcp, "tcp.dstport")[0] === "102");
      const s2c = frames.filter((f) => fieldValues(f.tcp, "tcp.srcport")[0] === "102");
      // every request, as Wireshark reads it
      for (const f of c2s) {
        const type = fieldValues(f, "cotp.type")[0];
        if (type === "0x0e") continue; // CR
        expect(type).toBe("0x0f"); // DT
        const rosctr = fieldValues(f, "s7comm.header.rosctr")[0];
        if (rosctr === "1") expect(fieldValues(f, "s7comm.param.func")).toEqual(["0xf0"]);
        else {
          expect(rosctr).toBe("7");
          expect(fieldValues(f, "s7comm.param.userdata.funcgroup")).toEqual(["4"]);
          expect(fieldValues(f, "s7comm.param.userdata.subfunc")).toEqual(["1"]);
        }
      }
      expect(c2s.filter((f) => fieldValues(f, "cotp.type")[0] === "0x0e").map((f) => fieldValues(f, "cotp.dst-tsap")[0])).toEqual(["0x0102", "0x0101"]);
      const asked = c2s.flatMap((f) =>
        fieldValues(f, "s7comm.data.userdata.szl_id").map((id) => `${id}/${fieldValues(f, "s7comm.data.userdata.szl_index")[0]}`),
      );
      expect(asked).toEqual(["0x0011/0x0000", "0x001c/0x0000", "0x0232/0x0004", "0x0424/0x0000"]);
      // follow-ups: userdata requests with a sequence number and no SZL id (data return code 0x0a)
      const followUps = c2s.filter((f) => fieldValues(f, "s7comm.header.rosctr")[0] === "7" && fieldValues(f, "s7comm.data.userdata.szl_id").length === 0);
      expect(followUps.length).toBe(facts!.szl.reduce((n, r) => n + r.fragments - 1, 0));
      // answers: setup PDU length, and each first fragment's SZL header equals what the probe recorded
      expect(s2c.flatMap((f) => fieldValues(f, "s7comm.param.pdu_length"))).toEqual([String(facts!.setup.pduLength)]);
      // (a fragmented list is shown by Wireshark as fragments; whole lists show their header)
      expect(facts!.szl.some((r) => r.fragments > 1)).toBe(true);
      for (const r of facts!.szl.filter((x) => x.fragments === 1)) {
        const first = s2c.find((f) => fieldValues(f, "s7comm.data.userdata.szl_id")[0] === `0x${r.id.toString(16).padStart(4, "0")}`)!;
        expect(fieldValues(first, "s7comm.data.userdata.szl_id.partlist_len")).toEqual([String(r.recordLength)]);
        expect(fieldValues(first, "s7comm.data.userdata.szl_id.partlist_cnt")).toEqual([String(r.recordsAnnounced)]);
      }
      expect(fieldValues(s2c, "s7comm.szl.0424.0000.bzu_id.req")).toEqual(["0x08"]);
    } finally {
      await proxy.close();
      await sim.stop();
    }
  });
});
