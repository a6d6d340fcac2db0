// Real EtherNet/IP device bytes for parser tests (hex), with where they come from:
//
// 1. The ListIdentity reply data (CPF item count + CIP Identity item) of a FANUC R-30iB Plus robot
//    controller (vendor 356 "FANUC Robotics America", device type 12, product code 4, revision 3.1,
//    serial 0xF420D721, "FANUC Robot R30iB+"), as published in the unit tests of a public
//    JavaScript EtherNet/IP library on GitHub (test "Parse/Encode an list identity encapsulated data
//    response"; found through a code search, whose index did not name the repository, so its
//    licence could not be checked: 50 bytes of device output, facts, kept for interoperability
//    testing). The device sends sin_family little-endian (0x0200), against CIP Vol. 2 Table
//    2-4.4 (big-endian): a real-device quirk the parser must survive.
// 2. The ListIdentity reply our st-ethernet-ip cross-check produces is not a real device and is
//    not kept here.
export const FANUC_R30IB_LIST_IDENTITY = "01000c00340001000200af12c0a80149000000000000000064010c0004000301340021d720f41246414e554320526f626f742052333069422bff";

export const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");
