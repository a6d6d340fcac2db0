// One DNP3 master session over a src/net Connection: link frames are cut by their header (LEN) with
// absolute deadlines and a bounded buffer; a frame failing its CRC is discarded and counted (IEEE
// 1815-2012 §9.2.4.1.3); transport segments are reassembled (bounded) into application fragments.
// The session sends only REQUEST_LINK_STATUS and unconfirmed user data carrying a READ (checked before
// every write): never a link reset, a confirmed frame, an application confirm, a write, an operate,
// a restart, a time set or a file operation. Frames the outstation sends that would expect an answer
// (confirmed user data, its own link status requests, responses asking for an application confirm)
// are recorded, never answered.
import { type Connection, type Deadline, NetError } from "../../src/net/index.js";
import { FC, Reassembly, SENDABLE_FUNCTIONS, decodeResponse, iinFlags, transportHeader, type AppResponse } from "./app.js";
import { Dnp3DecodeError, PRI, SEC, decodeFrame, encodeFrame, frameLength, isReservedAddress, linkStatusRequest, type LinkFrame } from "./link.js";
import type { Dnp3Facts } from "./facts.js";

/** Frames looked at per wait at most: a flood ends the wait instead of the probe's budget. */
export const MAX_FRAMES_PER_WAIT = 256;
const MAX_ANOMALIES = 16;

export type WaitFailure = { kind: "timeout" | "closed" | "error"; detail: string };

export class Dnp3Session {
  private transportSeq = 0;
  private readonly reassembly = new Reassembly();
  broken: string | undefined;

  constructor(
    readonly conn: Connection,
    readonly master: number,
    private readonly facts: Dnp3Facts,
  ) {}

  private anomaly(s: string): void {
    if (this.facts.anomalies.length < MAX_ANOMALIES && !this.facts.anomalies.includes(s)) this.facts.anomalies.push(s);
  }

  /** Next frame, or undefined when one was discarded for a bad CRC. Throws NetError / Dnp3DecodeError (framing lost). */
  private async nextFrame(deadline: Deadline): Promise<LinkFrame | undefined> {
    const raw = await this.conn.read(frameLength, deadline, "a DNP3 link frame");
    try {
      return decodeFrame(raw);
    } catch (e) {
      if (e instanceof Dnp3DecodeError && /CRC/.test(e.message)) {
        this.facts.crcErrors++;
        this.anomaly(`frame discarded: ${e.message}`);
        return undefined;
      }
      throw e;
    }
  }

  private failure(e: unknown): WaitFailure {
    if (e instanceof NetError) {
      if (e.code === "timeout") return { kind: "timeout", detail: e.message };
      if (e.code === "closed" || e.code === "reset") {
        this.broken = e.message;
        return { kind: "closed", detail: e.message };
      }
      this.broken = e.message;
      return { kind: "error", detail: e.message };
    }
    this.broken = (e as Error).message;
    return { kind: "error", detail: `protocol error: ${(e as Error).message}` };
  }

  /** REQUEST_LINK_STATUS to `dest`, and the outstation's secondary frame (or why none came). */
  async linkStatus(dest: number, deadline: Deadline): Promise<LinkFrame | WaitFailure> {
    if (isReservedAddress(dest) || isReservedAddress(this.master)) throw new Error(`address ${dest} is reserved; never sent`);
    this.conn.write(linkStatusRequest(dest, this.master));
    this.facts.sent.push({ layer: "link", linkFunction: PRI.REQUEST_LINK_STATUS, dest, src: this.master });
    try {
      for (let n = 0; n < MAX_FRAMES_PER_WAIT; n++) {
        const f = await this.nextFrame(deadline);
        if (!f) continue;
        if (!this.mine(f)) continue;
        if (f.src === dest && !f.prm) return f;
        if (f.prm) this.unsolicitedOnly(f);
      }
      return { kind: "error", detail: `more than ${MAX_FRAMES_PER_WAIT} frames without an answer (a flood)` };
    } catch (e) {
      return this.failure(e);
    }
  }

  /** Frames addressed to our master address; others are counted as anomalies. */
  private mine(f: LinkFrame): boolean {
    if (f.dest !== this.master) {
      this.anomaly(`frame from ${f.src} addressed to ${f.dest}, not to the probe's master address ${this.master}`);
      return false;
    }
    return true;
  }

  /** A primary frame from the outstation: user data goes to reassembly; the rest is recorded, never answered. */
  private onPrimary(f: LinkFrame): Buffer | undefined {
    if (f.func === PRI.CONFIRMED_USER_DATA) this.anomaly("outstation sent confirmed user data (the link ACK it expects is not sent)");
    else if (f.func !== PRI.UNCONFIRMED_USER_DATA) {
      this.anomaly(`outstation sent primary link function ${f.func} (not answered)`);
      return undefined;
    }
    if (f.data.length === 0) return undefined;
    const before = this.reassembly.dropped;
    const frag = this.reassembly.push(f.data);
    if (this.reassembly.dropped > before) this.anomaly("transport segment out of sequence (dropped)");
    return frag;
  }

  /** While waiting for a link answer: user data can only be unsolicited responses (counted, IIN kept). */
  private unsolicitedOnly(f: LinkFrame): void {
    const frag = this.onPrimary(f);
    if (!frag) return;
    try {
      const r = decodeResponse(frag);
      this.noteIin(r);
      if (r.func === FC.UNSOLICITED_RESPONSE || r.uns) this.facts.unsolicited++;
      else this.anomaly(`response (function ${r.func}) before any request`);
    } catch (e) {
      if (!(e instanceof Dnp3DecodeError)) throw e;
      this.anomaly(`unparsable application fragment: ${e.message}`);
    }
  }

  /**
   * Send one application request (READ only) as unconfirmed user data and wait for its response:
   * unsolicited responses in between are counted (IIN kept), responses with another sequence are
   * skipped, an authentication response (FC 131) is returned as such.
   */
  async request(dest: number, appSeq: number, fragment: Buffer, deadline: Deadline): Promise<AppResponse | WaitFailure> {
    const fc = fragment[1];
    if (fc === undefined || !SENDABLE_FUNCTIONS.has(fc)) throw new Error(`application function ${fc} is never sent by this probe`);
    if (fragment.length > 249) throw new Error("request larger than one transport segment");
    const data = Buffer.concat([Buffer.from([transportHeader(true, true, this.transportSeq)]), fragment]);
    this.transportSeq = (this.transportSeq + 1) & 0x3f;
    this.conn.write(encodeFrame({ dir: true, prm: true, fcb: false, fcvDfc: false, func: PRI.UNCONFIRMED_USER_DATA, dest, src: this.master, data }));
    this.facts.sent.push({ layer: "app", linkFunction: PRI.UNCONFIRMED_USER_DATA, appFunction: fc, dest, src: this.master });
    try {
      for (let n = 0; n < MAX_FRAMES_PER_WAIT; n++) {
        const f = await this.nextFrame(deadline);
        if (!f || !this.mine(f)) continue;
        if (!f.prm) {
          if (f.func !== SEC.ACK) this.anomaly(`secondary link function ${f.func} while waiting for a response`);
          continue;
        }
        if (f.src !== dest) {
          this.anomaly(`user data from address ${f.src} while talking to ${dest}`);
          continue;
        }
        const frag = this.onPrimary(f);
        if (!frag) continue;
        let r: AppResponse;
        try {
          r = decodeResponse(frag);
        } catch (e) {
          if (e instanceof Dnp3DecodeError) return { kind: "error", detail: `unparsable application fragment: ${e.message}` };
          throw e;
        }
        this.noteIin(r);
        if (r.func === FC.UNSOLICITED_RESPONSE || r.uns) {
          this.facts.unsolicited++;
          continue;
        }
        if (r.seq !== appSeq) {
          this.anomaly(`response with sequence ${r.seq} to request ${appSeq} (skipped)`);
          continue;
        }
        return r;
      }
      return { kind: "error", detail: `more than ${MAX_FRAMES_PER_WAIT} frames without the response (a flood)` };
    } catch (e) {
      return this.failure(e);
    }
  }

  /** IIN of every response, unsolicited ones included (bounded: 16 flag names at most). */
  private noteIin(r: AppResponse): void {
    this.facts.iin.responses++;
    for (const f of iinFlags(r.iin1, r.iin2)) if (!this.facts.iin.flags.includes(f)) this.facts.iin.flags.push(f);
  }
}
