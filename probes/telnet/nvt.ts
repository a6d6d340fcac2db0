// Telnet stream parsing (RFC 854 NVT and IAC commands, RFC 855 option negotiation and
// subnegotiation) with a refuse-everything option policy: every WILL gets DONT and every DO gets
// WONT, once per request (RFC 1143 "Q method" with both sides' states held at NO, so a compliant
// peer cannot loop us; a non-compliant one is cut off by the per-option reply cap). Byte-at-a-time
// state machine: linear in the input, bounded in what it keeps (data, events, subnegotiation bytes).

export const IAC = 255;
export const DONT = 254;
export const DO = 253;
export const WONT = 252;
export const WILL = 251;
export const SB = 250;
export const SE = 240;

/** data bytes kept (the rest is counted, not kept) */
export const MAX_DATA = 4096;
/** negotiation events kept */
export const MAX_EVENTS = 64;
/** refusals sent per option and direction: a peer that asks again and again is not answered forever */
export const MAX_REPLIES_PER_OPTION = 2;

export type NegotiationVerb = "WILL" | "WONT" | "DO" | "DONT";
const VERB: Record<number, NegotiationVerb> = { [WILL]: "WILL", [WONT]: "WONT", [DO]: "DO", [DONT]: "DONT" };

/** Option names (IANA "Telnet Options" registry) for readable evidence. */
export const OPTION_NAMES: Record<number, string> = {
  0: "BINARY",
  1: "ECHO",
  3: "SUPPRESS-GO-AHEAD",
  5: "STATUS",
  6: "TIMING-MARK",
  24: "TERMINAL-TYPE",
  31: "NAWS",
  32: "TERMINAL-SPEED",
  33: "REMOTE-FLOW-CONTROL",
  34: "LINEMODE",
  35: "X-DISPLAY-LOCATION",
  36: "ENVIRON",
  37: "AUTHENTICATION",
  38: "ENCRYPT",
  39: "NEW-ENVIRON",
  46: "START-TLS",
};

export interface NegotiationEvent {
  verb: NegotiationVerb;
  option: number;
}

export interface ReaderState {
  /** any IAC command was seen: the peer speaks Telnet (RFC 854) */
  iac: boolean;
  events: NegotiationEvent[];
  eventsDropped: number;
  subnegotiations: number;
  /** other IAC commands (NOP, GA, AYT, ...) */
  commands: number;
  /** WONT/DONT replies produced */
  refusals: number;
  dataBytes: number;
}

type State = "data" | "iac" | "option" | "sb" | "sb-iac";

/** Parses what a Telnet server sends; push() returns the data bytes and the refusals to send. */
export class TelnetReader {
  readonly state: ReaderState = { iac: false, events: [], eventsDropped: 0, subnegotiations: 0, commands: 0, refusals: 0, dataBytes: 0 };
  private s: State = "data";
  private verb = 0;
  private replied = new Map<string, number>();
  /** data bytes kept so far (latin1, byte for byte), at most MAX_DATA */
  text = "";

  push(chunk: Buffer): { data: Buffer; reply: Buffer } {
    const out: number[] = [];
    const reply: number[] = [];
    for (const b of chunk) {
      switch (this.s) {
        case "data":
          if (b === IAC) this.s = "iac";
          else out.push(b);
          break;
        case "iac":
          this.state.iac = true;
          if (b === IAC) {
            out.push(IAC); // IAC IAC: a data byte 255
            this.s = "data";
          } else if (b >= WILL && b <= DONT) {
            this.verb = b;
            this.s = "option";
          } else if (b === SB) {
            this.state.subnegotiations++;
            this.s = "sb";
          } else {
            this.state.commands++;
            this.s = "data";
          }
          break;
        case "option": {
          this.record({ verb: VERB[this.verb]!, option: b });
          // refuse: DO -> WONT, WILL -> DONT; WONT/DONT need no answer while our states are NO
          const answer = this.verb === DO ? WONT : this.verb === WILL ? DONT : undefined;
          if (answer !== undefined) {
            const key = `${answer}:${b}`;
            const n = this.replied.get(key) ?? 0;
            if (n < MAX_REPLIES_PER_OPTION) {
              this.replied.set(key, n + 1);
              reply.push(IAC, answer, b);
              this.state.refusals++;
            }
          }
          this.s = "data";
          break;
        }
        case "sb":
          // subnegotiation bytes are skipped, never kept (RFC 855): nothing grows with their length
          if (b === IAC) this.s = "sb-iac";
          break;
        case "sb-iac":
          if (b === SE) this.s = "data";
          else this.s = "sb"; // IAC IAC inside a subnegotiation, or a peer's mistake: keep skipping
          break;
      }
    }
    this.state.dataBytes += out.length;
    const room = MAX_DATA - this.text.length;
    if (room > 0) this.text += Buffer.from(out.slice(0, room)).toString("latin1");
    return { data: Buffer.from(out), reply: Buffer.from(reply) };
  }

  get dataTruncated(): boolean {
    return this.state.dataBytes > MAX_DATA;
  }

  /** forget the data kept so far (between login steps), keep the negotiation record */
  clearData(): void {
    this.text = "";
  }

  private record(e: NegotiationEvent): void {
    if (this.state.events.length < MAX_EVENTS) this.state.events.push(e);
    else this.state.eventsDropped++;
  }
}

export function describeEvent(e: NegotiationEvent): string {
  return `IAC ${e.verb} ${OPTION_NAMES[e.option] ?? e.option}`;
}

/** NVT line end for what we type (RFC 854: CR LF). Line breaks inside `text` are refused. */
export function nvtLine(text: string): Buffer {
  if (/[\r\n]/.test(text)) throw new Error("a line break inside a Telnet input line");
  const b = Buffer.from(`${text}\r\n`, "latin1");
  // a literal 255 must be doubled (IAC IAC)
  if (!b.includes(IAC)) return b;
  return Buffer.from([...b].flatMap((x) => (x === IAC ? [IAC, IAC] : [x])));
}
