// One Telnet connection as the probe drives it: refuse every option as it arrives (nvt.ts), collect
// what the server prints until it goes quiet after a prompt (or the absolute deadline), type a line
// (CR LF, IAC doubled), close with FIN. Quiet windows: QUIET_MS after a recognised prompt, three
// times that after unrecognised text; with nothing but negotiation so far (or, after our input,
// nothing recognisable yet), wait for the deadline.
import type { ServiceEndpoint } from "../../src/model/facts.js";
import { Connection, Deadline, NetError } from "../../src/net/index.js";
import { failureOf } from "../../src/net/services.js";
import { QUIET_MS } from "./checks.js";
import { classifyPrompt, matchesKind } from "./knowledge.js";
import { nvtLine, TelnetReader } from "./nvt.js";

const MAX_BUFFERED = 64 * 1024;
const everything = (b: Buffer) => (b.length > 0 ? b.length : undefined);

export type CollectEnd = "quiet" | "deadline" | "closed";

export class TelnetSession {
  readonly reader = new TelnetReader();
  /** bytes received at all (negotiation included) */
  received = 0;

  private constructor(
    private readonly conn: Connection,
    private readonly signal: AbortSignal,
    private readonly timeoutMs: number,
  ) {}

  static async open(ep: ServiceEndpoint, timeoutMs: number, signal: AbortSignal): Promise<TelnetSession> {
    try {
      return new TelnetSession(await Connection.open({ host: ep.host, port: ep.port, timeoutMs, signal, maxBuffered: MAX_BUFFERED }), signal, timeoutMs);
    } catch (e) {
      throw failureOf(e, "connect", ep.explicit);
    }
  }

  get text(): string {
    return this.reader.text;
  }

  /**
   * Read until the server is quiet after text, closes, or `ms` pass (absolute). `afterInput`: we
   * just typed a line; text that is not yet a prompt or a verdict (the echo of our newline while
   * login(1) sleeps its failure delay) does not end the wait.
   */
  async collect(ms: number, afterInput = false): Promise<CollectEnd> {
    const deadline = new Deadline(ms, this.signal);
    let sawData = this.reader.text.length > 0;
    for (;;) {
      if (deadline.expired) return "deadline";
      const text = this.reader.text;
      const settled = classifyPrompt(text) !== "none" || (afterInput && (matchesKind("failure", text) || matchesKind("success", text)));
      const quiet = !sawData ? deadline.remaining() : settled ? QUIET_MS : afterInput ? deadline.remaining() : 3 * QUIET_MS;
      let chunk: Buffer;
      try {
        chunk = await this.conn.read(everything, deadline.within(quiet), "Telnet data");
      } catch (e) {
        if (e instanceof NetError && e.code === "timeout") {
          if (deadline.expired) return "deadline";
          return "quiet";
        }
        if (e instanceof NetError && (e.code === "closed" || e.code === "reset")) return "closed";
        throw e;
      }
      this.received += chunk.length;
      const before = this.reader.state.dataBytes;
      const { reply } = this.reader.push(chunk);
      if (reply.length) this.conn.write(reply);
      if (this.reader.state.dataBytes > before) sawData = true;
    }
  }

  /** Type one line (no line breaks inside). */
  type(line: string): void {
    this.reader.clearData();
    this.conn.write(nvtLine(line));
  }

  /** An empty line, to wake a server that waits for the client to speak first. */
  nudge(): void {
    this.conn.write(Buffer.from("\r\n"));
  }

  close(): Promise<void> {
    return this.conn.close(Math.min(this.timeoutMs, 1000));
  }
}
