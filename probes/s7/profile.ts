// Simulator profile schema for S7comm (the `s7:` section of fixtures/profiles/*.yaml), and
// profileFromFacts: a recorded probe result -> a profile that makes the simulator look the same.
import { z } from "zod";
import type { S7Facts } from "./facts.js";

const Text = z.string().max(32);

export const S7SimProfile = z
  .object({
    /** called TSAPs accepted (others get a COTP DR) */
    tsaps: z.array(z.number().int().min(0).max(0xffff)).min(1).default([0x0101, 0x0102]),
    /** PDU length offered in the Setup communication answer */
    pduLength: z.number().int().min(240).max(960).default(240),
    identity: z
      .object({
        orderNumber: z.string().max(20).default("6ES7 315-2EH14-0AB0"),
        firmware: z
          .string()
          .regex(/^V\d{1,3}\.\d{1,3}\.\d{1,3}$/)
          .default("V3.2.6"),
        asName: Text.default("SIM-STATION"),
        moduleName: Text.default("CPU 315-2 PN/DP"),
        moduleTypeName: Text.default("CPU 315-2 PN/DP"),
        plantId: Text.default(""),
        copyright: Text.default("Original Siemens Equipment"),
        serialNumber: Text.default("S C-X0000000"),
      })
      .strict()
      .default({
        orderNumber: "6ES7 315-2EH14-0AB0",
        firmware: "V3.2.6",
        asName: "SIM-STATION",
        moduleName: "CPU 315-2 PN/DP",
        moduleTypeName: "CPU 315-2 PN/DP",
        plantId: "",
        copyright: "Original Siemens Equipment",
        serialNumber: "S C-X0000000",
      }),
    protection: z
      .object({
        keySwitch: z.number().int().min(0).max(3).default(1),
        parameterized: z.number().int().min(0).max(3).default(0),
        effective: z.number().int().min(0).max(3).default(1),
        modeSelector: z.number().int().min(0).max(4).default(2),
      })
      .strict()
      .default({ keySwitch: 1, parameterized: 0, effective: 1, modeSelector: 2 }),
    cpuMode: z.enum(["run", "stop"]).default("run"),
    /** SZL ids answered with "object does not exist" (0x0A), e.g. [0x0232] */
    deniedSzl: z.array(z.number().int()).default([]),
    /** most SZL payload bytes per userdata fragment (a CPU splits lists at its PDU size; smaller forces more fragments) */
    fragmentBytes: z.number().int().min(16).max(900).optional(),
    /** s7plus: COTP accepted, the classic Setup communication answered with an S7comm-plus frame */
    variant: z.enum(["classic", "s7plus"]).default("classic"),
  })
  .strict();
export type S7SimProfile = z.infer<typeof S7SimProfile>;

/** A recorded result -> a simulator profile that answers the same way (for `otaudit simulate`). */
export function profileFromFacts(facts: S7Facts): z.input<typeof S7SimProfile> {
  const id = facts.identity ?? {};
  const p = facts.protection;
  const cut = (s: string | undefined, n = 32) => (s ?? "").slice(0, n);
  return {
    tsaps: facts.cotp ? [facts.cotp.calledTsap] : [0x0102],
    ...(facts.setup.pduLength && facts.setup.pduLength >= 240 && facts.setup.pduLength <= 960 ? { pduLength: facts.setup.pduLength } : {}),
    identity: {
      orderNumber: cut(id.orderNumber, 20),
      firmware: id.firmwareVersion && /^V\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(id.firmwareVersion) ? id.firmwareVersion : "V0.0.0",
      asName: cut(id.asName),
      moduleName: cut(id.moduleName),
      moduleTypeName: cut(id.moduleTypeName),
      plantId: cut(id.plantId),
      copyright: cut(id.copyright),
      serialNumber: cut(id.serialNumber),
    },
    ...(p
      ? {
          protection: {
            keySwitch: Math.min(3, p.keySwitchLevel),
            parameterized: Math.min(3, p.parameterizedLevel),
            effective: Math.min(3, p.effectiveLevel),
            modeSelector: Math.min(4, p.modeSelector),
          },
        }
      : {}),
    cpuMode: facts.cpuMode && facts.cpuMode.code >= 1 && facts.cpuMode.code <= 4 ? "stop" : "run",
    deniedSzl: facts.szl.filter((r) => r.status === "refused").map((r) => r.id),
    variant: facts.setup.status === "s7plus" ? "s7plus" : "classic",
  };
}
