// The intrusive write-back test (only with --intrusive and --modbus-write unit:type:address): read
// the operator's coil or holding register (FC 1/3), write the same value back (FC 5/6, Modbus
// Application Protocol 1.1b §6.5, §6.6), read again. Never unit 0 (a broadcast), never another address.
import type { ProbeContext } from "../../src/plugin.js";
import type { Deadline } from "../../src/net/index.js";
import type { ModbusReply } from "./client.js";
import type { PlainEndpointFacts, WriteTestFacts } from "./facts.js";
import { FC, decodeReadResponse, readBitsOrRegistersRequest, writeSingleRequest } from "./mbap.js";
import { CHECKS, parseWriteTarget } from "./options.js";
import { errorFact, exchange, newSession } from "./plain-probe.js";

export async function writeBackTest(ctx: ProbeContext, plain: PlainEndpointFacts | undefined, host: string, deadline: Deadline): Promise<WriteTestFacts> {
  const spec = ctx.options["modbus.write"];
  if (!spec) return { status: "not_requested", functionCodes: [] };
  const result: WriteTestFacts = { status: "error", target: spec, functionCodes: [] };
  try {
    ctx.assertAllowed(CHECKS.writeBack);
  } catch (e) {
    result.detail = (e as Error).message;
    return result;
  }
  const target = parseWriteTarget(spec);
  if (typeof target === "string") return { ...result, detail: target };
  if (plain?.reachability !== "open") return { ...result, detail: "no reachable plain Modbus/TCP endpoint to test" };
  const s = { ...newSession(ctx, host, plain.port, plain.url, deadline, result.functionCodes), allowWriteBack: true };
  const readFc = target.type === "coil" ? FC.READ_COILS : FC.READ_HOLDING_REGISTERS;
  const writeFc = target.type === "coil" ? FC.WRITE_SINGLE_COIL : FC.WRITE_SINGLE_REGISTER;
  const readValue = async (): Promise<number | { exception: ModbusReply & { kind: "exception" } }> => {
    const r = await exchange(s, target.unitId, readBitsOrRegistersRequest(readFc, target.address, 1), `${target.type} ${target.address}`);
    if (r.kind === "exception") return { exception: r };
    return decodeReadResponse(r.pdu, 1)[0]!;
  };
  try {
    const before = await readValue();
    if (typeof before !== "number") {
      result.exception = { code: before.exception.exceptionCode, name: before.exception.exceptionName, functionCode: readFc };
      result.detail = "the read was refused, so nothing was written";
      return result;
    }
    result.valueRead = before;
    ctx.log.warn(
      { action: "write-back", safety: "intrusive", endpoint: plain.url, unitId: target.unitId, functionCode: writeFc, address: target.address, value: before },
      "writing back the value just read",
    );
    const w = await exchange(
      s,
      target.unitId,
      writeSingleRequest(writeFc, target.address, target.type === "coil" ? before === 1 : before),
      `${target.type} ${target.address} := ${before}`,
    );
    if (w.kind === "exception") {
      result.status = "refused";
      result.exception = { code: w.exceptionCode, name: w.exceptionName, functionCode: writeFc };
      result.detail = `write of the unchanged value refused with ${w.exceptionName}`;
      return result;
    }
    const after = await readValue();
    if (typeof after === "number") result.valueAfter = after;
    result.status = "accepted";
    result.detail = `unit ${target.unitId} accepted function code ${writeFc} on ${target.type} ${target.address} without authentication${typeof after === "number" && after !== before ? ` (value changed afterwards: ${before} -> ${after}, the process may be writing it)` : ""}`;
    return result;
  } catch (e) {
    result.detail = errorFact(e).message;
    return result;
  } finally {
    await s.channel?.close(Math.min(1000, ctx.timeoutMs));
  }
}
