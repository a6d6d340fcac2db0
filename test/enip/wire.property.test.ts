// EtherNet/IP codec: a real device's ListIdentity item (test/enip/captures.ts), round trips of what
// the probe sends, the send guard, and property tests: on any bytes the decoders return or throw
// EnipWireError only, and item counts stay within MAX_ITEMS whatever the count field claims.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EnipError, assertSendable } from "../../probes/enip/client.js";
import { identityFacts } from "../../probes/enip/probe.js";
import {
  CMD,
  EnipWireError,
  ITEM,
  MAX_ITEMS,
  cipRequest,
  encode,
  frameLength,
  logicalPath,
  parseCpf,
  parseHeader,
  parseIdentityItem,
  parseRRDataReply,
  parseServiceItem,
  registerSession,
  sendRRData,
} from "../../probes/enip/wire.js";
import { FANUC_R30IB_LIST_IDENTITY, hex } from "./captures.js";

const typedOnly = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (!(e instanceof EnipWireError)) throw e;
  }
};

describe("a real FANUC R-30iB Plus ListIdentity reply", () => {
  it("decodes vendor, type, product, revision, status, serial, name and state", () => {
    const cpf = parseCpf(hex(FANUC_R30IB_LIST_IDENTITY));
    expect(cpf).toMatchObject({ announced: 1, trailing: 0 });
    const item = cpf.items[0]!;
    expect(item.typeId).toBe(ITEM.IDENTITY);
    const id = identityFacts(parseIdentityItem(item.data));
    expect(id).toMatchObject({
      vendorId: 356,
      vendorName: "FANUC Robotics America",
      deviceType: 12,
      deviceTypeName: "Communications Adapter",
      productCode: 4,
      revision: "3.1",
      status: 0x0034,
      serialNumber: "f420d721",
      productName: "FANUC Robot R30iB+",
      state: 255,
      stateName: "default for Get_Attributes_All",
    });
    expect(id.statusBits).toMatchObject({ owned: false, configured: true, extendedStatus: 3, extendedStatusName: "no I/O connections established" });
    // the controller writes sin_family little-endian: kept as received, not "corrected"
    expect(id.socketAddress).toEqual({ family: 0x0200, port: 44818, address: "192.168.1.73" });
  });
});

describe("what the probe sends", () => {
  it("ListIdentity, ListServices, RegisterSession and Get_Attribute_Single in SendRRData pass the send guard and round-trip", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.nat(),
        (cls, inst, attr, session) => {
          for (const m of [
            encode(CMD.LIST_IDENTITY),
            encode(CMD.LIST_SERVICES),
            registerSession(),
            sendRRData(session, cipRequest(0x0e, logicalPath(cls, inst, attr))),
            sendRRData(session, cipRequest(0x01, logicalPath(cls, inst))),
          ]) {
            expect(() => assertSendable(m)).not.toThrow();
            expect(frameLength(m)).toBe(m.length);
          }
          const m = sendRRData(session, cipRequest(0x0e, logicalPath(cls, inst, attr)));
          expect(parseHeader(m)).toMatchObject({ command: CMD.SEND_RR_DATA, session: session >>> 0 });
        },
      ),
    );
  });

  it("no other CIP service can be built or sent (Set_Attribute_Single 0x10, Reset 0x05, Forward_Open 0x54, Multiple_Service 0x0A...)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }).filter((s) => s !== 0x01 && s !== 0x0e),
        (service) => {
          expect(() => cipRequest(service, logicalPath(1, 1))).toThrow(EnipWireError);
          const raw = sendRRData(1, Buffer.from([0x0e, 2, 0x20, 1, 0x24, 1]));
          raw[24 + 16] = service;
          expect(() => assertSendable(raw)).toThrow(EnipError);
        },
      ),
    );
    for (const cmd of [CMD.NOP, CMD.SEND_UNIT_DATA, CMD.LIST_INTERFACES, 0x0001, 0xffff]) expect(() => assertSendable(encode(cmd))).toThrow(EnipError);
  });
});

describe("decoders on arbitrary and mutated bytes (property)", () => {
  const sample = hex(FANUC_R30IB_LIST_IDENTITY);
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 400 }).map((a) => Buffer.from(a)),
    fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 6 }).map((flips) => {
      const b = Buffer.from(sample);
      for (const [at, v] of flips) b[at % b.length] = v;
      return b;
    }),
  );
  it("CPF lists, identity and service items, SendRRData replies throw only EnipWireError; items never exceed MAX_ITEMS", () => {
    fc.assert(
      fc.property(bytes, (b) => {
        typedOnly(() => {
          const cpf = parseCpf(b);
          expect(cpf.items.length).toBeLessThanOrEqual(MAX_ITEMS);
          for (const it of cpf.items) {
            typedOnly(() => identityFacts(parseIdentityItem(it.data)));
            typedOnly(() => parseServiceItem(it));
          }
        });
        typedOnly(() => parseRRDataReply(b));
        typedOnly(() => parseHeader(b));
      }),
      { numRuns: 3000 },
    );
  });
});
