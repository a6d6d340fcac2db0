// Profile-driven S7comm simulator (our own ISO-on-TCP server): COTP CC for the profile's TSAPs (DR
// otherwise), Setup communication, Read SZL 0x0011 / 0x001C / 0x0232 / 0x0424 (fragmented to the
// negotiated PDU length like a real CPU), "object does not exist" for the rest, and an S7comm-plus
// variant (the classic setup is answered with a 0x72 frame). It counts every PDU by kind and S7
// function (stats()): writes (job 0x05), PLC control (0x28/0x29), block download/upload
// (0x1A-0x1F) are counted and refused, so tests prove from the device's side what a probe sent.
import net from "node:net";
import type { RunningSimulator, SimulatorOptions } from "../../src/plugin.js";
import { endpointUrl } from "../../src/engine/targets.js";
import type { S7SimProfile } from "./profile.js";
import { COTP, FUNCTION_SETUP_COMMUNICATION, ROSCTR, S7_PROTOCOL_ID, parseS7, parseTpkt, tpktFrameLength, dataFrame } from "./wire.js";

export interface S7SimStats {
  connections: number;
  cotpRequests: number;
  /** called TSAPs asked for, in order */
  calledTsaps: number[];
  setups: number;
  /** "0x0011/0x0000" -> count (first requests) */
  szlReads: Record<string, number>;
  szlFollowUps: number;
  /** S7 job function codes other than setup, hex -> count */
  otherJobs: Record<string, number>;
  otherUserdata: number;
  writes: number;
  controls: number;
  blockTransfers: number;
  cleanCloses: number;
  resets: number;
}

const pad = (s: string, n: number, fill = 0x00) => {
  const b = Buffer.alloc(n, fill);
  Buffer.from(s, "latin1").copy(b, 0, 0, n);
  return b;
};

function szlList(id: number, index: number, recordLength: number, records: Buffer[]): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(id, 0);
  h.writeUInt16BE(index, 2);
  h.writeUInt16BE(recordLength, 4);
  h.writeUInt16BE(records.length, 6);
  return Buffer.concat([h, ...records]);
}

function lists(p: S7SimProfile, index: number, id: number): Buffer | undefined {
  if (p.deniedSzl.includes(id)) return undefined;
  if (id === 0x0011) {
    const rec = (idx: number, mlfb: string, ausbg: number, ausbe: number) => {
      const r = Buffer.alloc(28);
      r.writeUInt16BE(idx, 0);
      pad(mlfb, 20, 0x20).copy(r, 2);
      r.writeUInt16BE(0x00c0, 22);
      r.writeUInt16BE(ausbg, 24);
      r.writeUInt16BE(ausbe, 26);
      return r;
    };
    const [a, b, c] = p.identity.firmware.slice(1).split(".").map(Number) as [number, number, number];
    return szlList(0x0011, index, 28, [rec(1, p.identity.orderNumber, 0, 1), rec(6, p.identity.orderNumber, 0, 1), rec(7, "", 0x5600 | a, (b << 8) | c)]);
  }
  if (id === 0x001c) {
    const i = p.identity;
    const texts: [number, string][] = [
      [1, i.asName],
      [2, i.moduleName],
      [3, i.plantId],
      [4, i.copyright],
      [5, i.serialNumber],
      [7, i.moduleTypeName],
    ];
    return szlList(
      0x001c,
      index,
      34,
      texts.map(([k, t]) => Buffer.concat([Buffer.from([0, k]), pad(t, 32)])),
    );
  }
  if (id === 0x0232 && index === 0x0004) {
    const r = Buffer.alloc(40);
    const w = [4, p.protection.keySwitch, p.protection.parameterized, p.protection.effective, p.protection.modeSelector, 0];
    w.forEach((v, k) => {
      r.writeUInt16BE(v, k * 2);
    });
    return szlList(0x0232, 4, 40, [r]);
  }
  if (id === 0x0424) {
    const r = Buffer.alloc(20);
    r.writeUInt16BE(0x4304, 0);
    r[2] = 0xff;
    r[3] = p.cpuMode === "run" ? 0x08 : 0x04;
    return szlList(0x0424, index, 20, [r]);
  }
  return undefined;
}

function header(rosctr: number, pduRef: number, param: Buffer, data: Buffer, err?: [number, number]): Buffer {
  const h = Buffer.alloc(err ? 12 : 10);
  h[0] = S7_PROTOCOL_ID;
  h[1] = rosctr;
  h.writeUInt16BE(pduRef, 4);
  h.writeUInt16BE(param.length, 6);
  h.writeUInt16BE(data.length, 8);
  if (err) [h[10], h[11]] = err;
  return Buffer.concat([h, param, data]);
}

export async function startS7Simulator(profile: S7SimProfile, opts: SimulatorOptions): Promise<RunningSimulator> {
  const stats: S7SimStats = {
    connections: 0,
    cotpRequests: 0,
    calledTsaps: [],
    setups: 0,
    szlReads: {},
    szlFollowUps: 0,
    otherJobs: {},
    otherUserdata: 0,
    writes: 0,
    controls: 0,
    blockTransfers: 0,
    cleanCloses: 0,
    resets: 0,
  };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    stats.connections++;
    sockets.add(s);
    s.setNoDelay(true);
    let buf = Buffer.alloc(0);
    let pduLength = profile.pduLength;
    let pending: { data: Buffer; seq: number } | undefined;
    s.on("error", () => stats.resets++);
    s.on("end", () => {
      stats.cleanCloses++;
      s.end();
    });
    s.on("close", () => sockets.delete(s));
    const answerUserdata = (ref: number, seq: number, chunkOf: Buffer, returnCode = 0xff) => {
      const room = Math.min(pduLength - 12 - 12 - 4, profile.fragmentBytes ?? Infinity);
      const chunk = chunkOf.subarray(0, room);
      const rest = chunkOf.subarray(room);
      const more = rest.length > 0;
      pending = more ? { data: Buffer.from(rest), seq: (seq + 1) & 0xff || 1 } : undefined;
      const param = Buffer.from([0x00, 0x01, 0x12, 0x08, 0x12, 0x84, 0x01, more ? pending!.seq : seq, 0x00, more ? 0x01 : 0x00, 0x00, 0x00]);
      const d = Buffer.alloc(4);
      d[0] = returnCode;
      d[1] = returnCode === 0xff ? 0x09 : 0x00;
      d.writeUInt16BE(chunk.length, 2);
      s.write(dataFrame(header(ROSCTR.USERDATA, ref, param, Buffer.concat([d, chunk]))));
    };
    const onPdu = (pdu: Buffer) => {
      let p;
      try {
        p = parseS7(pdu);
      } catch {
        return void s.destroy();
      }
      const fn = p.param[0] ?? 0;
      if (p.rosctr === ROSCTR.JOB) {
        if (fn === FUNCTION_SETUP_COMMUNICATION) {
          stats.setups++;
          if (profile.variant === "s7plus") {
            // an S7comm-plus CPU answering a classic job: an S7comm-plus frame (version 1, empty body)
            return void s.write(dataFrame(Buffer.from([0x72, 0x01, 0x00, 0x00, 0x72, 0x01, 0x00, 0x00])));
          }
          pduLength = Math.min(profile.pduLength, p.param.length === 8 ? p.param.readUInt16BE(6) : profile.pduLength);
          const param = Buffer.from([FUNCTION_SETUP_COMMUNICATION, 0, 0, 1, 0, 1, pduLength >> 8, pduLength & 0xff]);
          return void s.write(dataFrame(header(ROSCTR.ACK_DATA, p.pduRef, param, Buffer.alloc(0), [0, 0])));
        }
        const key = `0x${fn.toString(16).padStart(2, "0")}`;
        stats.otherJobs[key] = (stats.otherJobs[key] ?? 0) + 1;
        if (fn === 0x05) stats.writes++;
        if (fn === 0x28 || fn === 0x29) stats.controls++;
        if (fn >= 0x1a && fn <= 0x1f) stats.blockTransfers++;
        // refused: error class 0x85 (error on supplies) / 0x00 ... as a protected CPU answers
        return void s.write(dataFrame(header(ROSCTR.ACK_DATA, p.pduRef, Buffer.from([fn, 0]), Buffer.alloc(0), [0x81, 0x04])));
      }
      if (p.rosctr === ROSCTR.USERDATA && p.param.length >= 8 && (p.param[5]! & 0x0f) === 4 && p.param[6] === 1) {
        if (p.param.length >= 12 || p.data[0] === 0x0a) {
          stats.szlFollowUps++;
          if (!pending) return answerUserdata(p.pduRef, p.param[7]!, Buffer.alloc(0), 0x0a);
          return answerUserdata(p.pduRef, pending.seq, pending.data);
        }
        if (p.data.length < 8) return answerUserdata(p.pduRef, 0, Buffer.alloc(0), 0x0a);
        const id = p.data.readUInt16BE(4);
        const index = p.data.readUInt16BE(6);
        const key = `0x${id.toString(16).padStart(4, "0")}/0x${index.toString(16).padStart(4, "0")}`;
        stats.szlReads[key] = (stats.szlReads[key] ?? 0) + 1;
        const list = lists(profile, index, id);
        return answerUserdata(p.pduRef, 0, list ?? Buffer.alloc(0), list ? 0xff : 0x0a);
      }
      stats.otherUserdata++;
      answerUserdata(p.pduRef, 0, Buffer.alloc(0), 0x0a);
    };
    s.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        let n: number | undefined;
        try {
          n = tpktFrameLength(buf);
        } catch {
          return void s.destroy();
        }
        if (n === undefined || buf.length < n) return;
        const frame = buf.subarray(0, n);
        buf = buf.subarray(n);
        let t;
        try {
          t = parseTpkt(Buffer.from(frame));
        } catch {
          return void s.destroy();
        }
        if (t.kind === "cr") {
          stats.cotpRequests++;
          const called = t.calledTsap?.length === 2 ? t.calledTsap.readUInt16BE(0) : -1;
          stats.calledTsaps.push(called);
          if (profile.tsaps.includes(called)) {
            const params = Buffer.from([0xc0, 0x01, 0x0a, 0xc1, 0x02, ...(t.callingTsap ?? Buffer.from([1, 0])), 0xc2, 0x02, called >> 8, called & 0xff]);
            const fixed = Buffer.from([COTP.CC, t.srcRef >> 8, t.srcRef & 0xff, 0x00, 0x01, 0x00]);
            const body = Buffer.concat([Buffer.from([fixed.length + params.length]), fixed, params]);
            const h = Buffer.from([3, 0, 0, 0]);
            h.writeUInt16BE(body.length + 4, 2);
            s.write(Buffer.concat([h, body]));
          } else {
            // DR, reason 0x81... as CPUs refuse an unknown TSAP (then they close)
            s.write(Buffer.from([3, 0, 0, 11, 6, COTP.DR, t.srcRef >> 8, t.srcRef & 0xff, 0x00, 0x01, 0x81]));
            s.end();
          }
          continue;
        }
        if (t.kind === "dt") onPdu(t.payload);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.ports?.s7 ?? opts.port ?? 0, opts.host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    urls: [endpointUrl("s7", opts.host, port)],
    stats: () => structuredClone(stats) as unknown as Record<string, unknown>,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        if (!server.listening) return resolve();
        server.close(() => resolve());
      }),
  };
}
