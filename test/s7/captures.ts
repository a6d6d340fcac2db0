// Real S7 device bytes for parser tests (hex), with where they come from:
//
// 1. A Siemens S7-1200 CPU (order number 6ES7 214-1HE30-0XB0, firmware V2.2) talking to a TP1200
//    HMI (TIA Portal V13): public capture "S7/V13_1200_TP1200sim_MW100_Int_SPS_5s_MW102_Int_SPS_10s_
//    MW102_ab_1000_Timer_sync.pcapng" of the GitHub collection automayt/ICS-pcap (commit 13b7ae3).
//    That repository states no licence; its README credits public sources (Wireshark sample captures,
//    netresec, ...). Only these four TPDUs (under 300 bytes) are kept, for interoperability testing.
//    Frame 4: COTP CR from the HMI (called TSAP the 16-byte string "SIMATIC-ROOT-HMI");
//    frame 5: the CPU's COTP CC; frame 8: the CPU's S7comm-plus (0x72, version 1) CreateObject
//    answer, which names "1;6ES7 214-1HE30-0XB0 ;V2.2"; frame 11: an S7comm-plus version 2 answer.
// 2. SZL data banks of snap7 1.4 (deps/snap7/src/core/s7_firmware.h in node-snap7 1.0.9, LGPL-3.0),
//    which its author took "from a physical CPU" (a CPU 315-2 PN/DP, 6ES7 315-2EH14-0AB0, V3.2.6):
//    the data parts (return code, transport size, length, SZL header, records) of SZL 0x0011,
//    0x0232 index 4 and 0x0424.
export const S7_1200 = {
  cotpCr: "030000241fe00000000900c1020600c21053494d415449432d524f4f542d484d49c0010a",
  cotpCc: "030000241fd00009000900c0010ac1020600c21053494d415449432d524f4f542d484d49",
  s7plusCreateObjectAnswer:
    "0300008902f0807201007a32000004ca000000013611028760870da100000120821f0000a38169001500a3823200170000013a823b00048200823c00048140823d00048480c040823e00048480c040823f00151b313b36455337203231342d31484533302d30584230203b56322e328240001505323b37393382410003000300a20000000072010000",
  s7plusV2Answer: "0300001f02f080720200103200000542000000023400000000000072020000",
};

export const CPU_315 = {
  szl0011:
    "ff09007800110000001c0004000136455337203331352d32454831342d304142302000c000040001000636455337203331352d32454831342d304142302000c0000400010007202020202020202020202020202020202020202000c0560302060081426f6f74204c6f61646572202020202020202020000041200909",
  szl0232idx4: "ff0900300232000400280001000400010000000100020000000056561001337b020075f402000000000000000000000000000000",
  szl0424: "ff09001c04240000001400015144ff0800000000000000009402050201559067",
};

export const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");
