// Wireshark's own dissectors (tshark: enip, cip, CIP Security) decode what our probe sent and what
// our simulator answered, captured byte for byte by a recording proxy (TCP) and written as a pcap,
// plus the UDP ListIdentity exchange: requests are ListIdentity, ListServices, RegisterSession,
// Get_Attribute_Single to the CIP Security object and UnRegisterSession only; the answers decode to
// the identity, capabilities and CIP Security state and profiles the probe recorded.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { Deadline } from "../../src/net/index.js";
import { udpExchange } from "../../probes/enip/transports.js";
import { CMD, encode } from "../../probes/enip/wire.js";
import { describeWithDaemon } from "../helpers/daemons.js";
import { TSHARK, fieldValues, recordingProxy, tsharkJson, writePcap } from "../s7/pcap.js";
import { scan, startSim } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "otaudit-enip-pcap-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeWithDaemon("tshark decodes the EtherNet/IP probe and simulator", TSHARK !== undefined, "tshark is not installed (apt-get install tshark)", () => {
  test("TCP: only the read-only commands and CIP Get_Attribute_Single to class 0x5D; answers match the facts", async () => {
    const sim = await startSim({ cipSecurity: { present: true, state: 2, profiles: 6, configured: 2 } });
    const proxy = await recordingProxy(sim.host, sim.port);
    try {
      const { facts } = await scan([`enip://127.0.0.1:${proxy.port}`]);
      const file = join(dir, "enip-tcp.pcap");
      writePcap(file, proxy.chunks, 44818);
      const frames = tsharkJson(file).filter((f) => f.enip);
      const c2s = frames.filter((f) => fieldValues(f.tcp, "tcp.dstport")[0] === "44818");
      const s2c = frames.filter((f) => fieldValues(f.tcp, "tcp.srcport")[0] === "44818");
      expect(c2s.map((f) => fieldValues(f, "enip.command")[0])).toEqual(["0x0063", "0x0004", "0x0065", "0x006f", "0x006f", "0x006f", "0x0066"]);
      expect(c2s.flatMap((f) => fieldValues(f, "cip.service"))).toEqual(["0x0e", "0x0e", "0x0e"]);
      expect(c2s.flatMap((f) => fieldValues(f, "cip.epath"))).toEqual(["20:5d:24:01:30:01", "20:5d:24:01:30:02", "20:5d:24:01:30:03"]);
      // ListIdentity asks for no reply delay (sender context bytes 0-1)
      expect(fieldValues(c2s[0], "enip.listid_delay")).toEqual(["0"]);
      const id = facts!.listIdentity.identity!;
      expect(fieldValues(s2c[0], "enip.lir.vendor")).toEqual([`0x${id.vendorId.toString(16).padStart(4, "0")}`]);
      expect(fieldValues(s2c[0], "enip.lir.prodcode")).toEqual([String(id.productCode)]);
      expect(fieldValues(s2c[0], "enip.lir.serial")).toEqual([`0x${id.serialNumber}`]);
      expect(fieldValues(s2c[0], "enip.lir.name")).toEqual([id.productName]);
      expect(fieldValues(s2c[1], "enip.lsr.servicename")).toEqual([facts!.listServices.services[0]!.name]);
      expect(fieldValues(s2c, "cip.security.state")).toEqual([String(facts!.cipSecurity.state)]);
      expect(fieldValues(s2c, "enip.security_profiles.eip_confidentiality")).toEqual(["1"]);
      expect(fieldValues(s2c, "enip.security_profiles.cip_authorization")).toEqual(["1"]);
      expect(facts!.cipSecurity.profiles).toEqual(["EtherNet/IP Confidentiality Profile", "CIP Authorization Profile"]);
    } finally {
      await proxy.close();
      await sim.stop();
    }
  });

  test("UDP: the ListIdentity request and the simulator's answer", async () => {
    const sim = await startSim({});
    try {
      const req = encode(CMD.LIST_IDENTITY);
      const r = await udpExchange(sim.host, sim.port, req, new Deadline(2000));
      const file = join(dir, "enip-udp.pcap");
      writePcap(
        file,
        [
          { dir: "c2s", data: req },
          { dir: "s2c", data: r.answer! },
        ],
        44818,
        "udp",
      );
      const frames = tsharkJson(file);
      expect(frames.map((f) => fieldValues(f, "enip.command")[0])).toEqual(["0x0063", "0x0063"]);
      expect(fieldValues(frames[1], "enip.lir.name")).toEqual(["1756-L61/B LOGIX5561"]);
      expect(fieldValues(frames[1], "enip.lir.state")).toEqual(["0x03"]);
    } finally {
      await sim.stop();
    }
  });
});
