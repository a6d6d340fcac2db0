// A bounded, linear HTTP/1.x response parser (RFC 9112): status line (§4), header fields (§5, with
// obsolete line folding §5.2 joined by a space), message body length (§6.3: no body for HEAD, 1xx,
// 204 and 304; chunked transfer coding §7.1 when it is the final coding; else Content-Length, with
// differing duplicates an error; else read until close). Interim 1xx responses are skipped (at most
// 4). Push bytes in; each byte is looked at a bounded number of times. Limits: 64 KiB of header
// section, 100 fields, 256 KiB of body (the rest is dropped and `truncated` set). Bare LF line ends
// are accepted (devices send them). Throws only HttpWireError.
export type HttpWireErrorCode = "invalid" | "too-large" | "truncated";

export class HttpWireError extends Error {
  constructor(
    readonly code: HttpWireErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "HttpWireError";
  }
}

export interface ParsedResponse {
  version: string;
  status: number;
  reason: string;
  /** header fields in order (names as sent), at most `maxHeaders` */
  headers: [string, string][];
  /** fields sent (also those beyond `maxHeaders`) */
  headerCount: number;
  body: Buffer;
  /** body bytes the peer sent (beyond the cap too, as far as they were read) */
  bodyBytes: number;
  truncated: boolean;
  framing: "none" | "length" | "chunked" | "close";
  interim: number;
}

export interface ParserLimits {
  maxHeaderBytes: number;
  maxHeaders: number;
  maxBody: number;
}

export const DEFAULT_LIMITS: ParserLimits = { maxHeaderBytes: 64 * 1024, maxHeaders: 100, maxBody: 256 * 1024 };

type State = "head" | "body-length" | "body-close" | "chunk-size" | "chunk-data" | "chunk-crlf" | "trailers" | "done";

export class ResponseParser {
  private state: State = "head";
  /** the header section so far: a growable buffer (doubling), so a dripping peer costs linear time */
  private head = Buffer.alloc(0);
  private headLen = 0;
  /** where the search for the blank line resumes within the joined head */
  private scanFrom = 0;
  /** the body kept so far: a growable buffer (doubling) up to maxBody, so tiny chunks cost linear time */
  private bodyBuf = Buffer.alloc(0);
  private kept = 0;
  private remaining = 0;
  private line: Buffer[] = [];
  private lineLen = 0;
  private res: ParsedResponse | undefined;
  private interim = 0;

  constructor(
    readonly isHead = false,
    readonly limits: ParserLimits = DEFAULT_LIMITS,
  ) {}

  get done(): boolean {
    return this.state === "done";
  }

  /** Feed bytes; returns true once the response is complete (or the body cap is reached). */
  push(chunk: Buffer): boolean {
    let data = chunk;
    while (data.length > 0 && this.state !== "done") data = this.step(data);
    return this.done;
  }

  /** The peer closed: completes a close-delimited body; anything else unfinished is `truncated`. */
  end(): ParsedResponse {
    if (this.state === "body-close") this.state = "done";
    if (this.state !== "done")
      throw new HttpWireError(
        "truncated",
        this.res ? `connection closed inside the body (${this.state})` : "connection closed before the end of the header section",
      );
    return this.result();
  }

  result(): ParsedResponse {
    if (!this.res || this.state !== "done") throw new HttpWireError("truncated", "the response is not complete");
    this.res.body = Buffer.from(this.bodyBuf.subarray(0, this.kept));
    this.res.interim = this.interim;
    return this.res;
  }

  private keep(b: Buffer): void {
    this.res!.bodyBytes += b.length;
    const room = this.limits.maxBody - this.kept;
    if (room <= 0) return;
    const part = b.length > room ? b.subarray(0, room) : b;
    if (this.kept + part.length > this.bodyBuf.length) {
      const next = Buffer.allocUnsafe(Math.min(this.limits.maxBody, Math.max(4096, 2 * (this.kept + part.length))));
      this.bodyBuf.copy(next, 0, 0, this.kept);
      this.bodyBuf = next;
    }
    part.copy(this.bodyBuf, this.kept);
    this.kept += part.length;
    if (this.kept >= this.limits.maxBody) {
      this.res!.truncated = true;
      this.state = "done"; // the caller stops reading and closes
    }
  }

  private step(data: Buffer): Buffer {
    switch (this.state) {
      case "head":
        return this.stepHead(data);
      case "body-length": {
        const n = Math.min(this.remaining, data.length);
        this.keep(data.subarray(0, n));
        this.remaining -= n;
        if (this.remaining === 0 && this.state === "body-length") this.state = "done";
        return data.subarray(n);
      }
      case "body-close":
        this.keep(data);
        return Buffer.alloc(0);
      case "chunk-size":
      case "chunk-crlf":
      case "trailers":
        return this.stepLine(data);
      case "chunk-data": {
        const n = Math.min(this.remaining, data.length);
        this.keep(data.subarray(0, n));
        this.remaining -= n;
        if (this.remaining === 0 && this.state === "chunk-data") this.state = "chunk-crlf";
        return data.subarray(n);
      }
      default:
        return Buffer.alloc(0);
    }
  }

  /** Lines of the chunked coding (size lines, the CRLF after data, trailers), each at most 4 KiB. */
  private stepLine(data: Buffer): Buffer {
    const nl = data.indexOf(10, 0);
    const part = nl < 0 ? data : data.subarray(0, nl);
    if (this.lineLen + part.length > 4096 || (nl < 0 && part.length > 4096)) throw new HttpWireError("too-large", "a chunked-coding line over 4096 bytes");
    if (nl < 0) {
      this.line.push(Buffer.from(part));
      this.lineLen += part.length;
      return Buffer.alloc(0);
    }
    // the common case (the whole line in this chunk) costs no copy
    const whole = this.line.length ? Buffer.concat([...this.line, part]) : part;
    let end = whole.length;
    if (end > 0 && whole[end - 1] === 13) end--;
    const text = whole.toString("latin1", 0, end);
    this.line = [];
    this.lineLen = 0;
    const rest = data.subarray(nl + 1);
    if (this.state === "chunk-crlf") {
      if (text !== "") throw new HttpWireError("invalid", "chunk data longer than its size line said");
      this.state = "chunk-size";
    } else if (this.state === "chunk-size") {
      const m = /^([0-9A-Fa-f]{1,16})[ \t]*(?:;.*)?$/.exec(text);
      if (!m) throw new HttpWireError("invalid", `bad chunk-size line ${JSON.stringify(text.slice(0, 40))}`);
      const size = parseInt(m[1]!, 16);
      if (!Number.isSafeInteger(size)) throw new HttpWireError("invalid", "chunk size out of range");
      if (size === 0) this.state = "trailers";
      else {
        this.remaining = size;
        this.state = "chunk-data";
      }
    } else if (text === "")
      this.state = "done"; // end of trailers
    else if (++this.res!.headerCount > 4 * this.limits.maxHeaders) throw new HttpWireError("too-large", "too many trailer fields");
    return rest;
  }

  private stepHead(data: Buffer): Buffer {
    const take = Math.min(data.length, this.limits.maxHeaderBytes + 4 - this.headLen);
    if (this.headLen + take > this.head.length) {
      const next = Buffer.allocUnsafe(Math.max(1024, 2 * (this.headLen + take)));
      this.head.copy(next, 0, 0, this.headLen);
      this.head = next;
    }
    data.copy(this.head, this.headLen, 0, take);
    this.headLen += take;
    const all = this.head.subarray(0, this.headLen);
    // the blank line ends the header section: CRLF CRLF or (lenient) LF LF
    let end = -1;
    let skip = 0;
    for (let i = all.indexOf(10, this.scanFrom); i >= 0; i = all.indexOf(10, i + 1)) {
      if (all[i + 1] === 10) {
        end = i + 1;
        skip = 1;
        break;
      }
      if (all[i + 1] === 13 && all[i + 2] === 10) {
        end = i + 1;
        skip = 2;
        break;
      }
      if (i + 2 >= all.length) break;
    }
    if (end < 0) {
      if (all.length > this.limits.maxHeaderBytes) throw new HttpWireError("too-large", `header section over ${this.limits.maxHeaderBytes} bytes`);
      this.scanFrom = Math.max(0, all.length - 3);
      return Buffer.alloc(0);
    }
    if (end > this.limits.maxHeaderBytes) throw new HttpWireError("too-large", `header section over ${this.limits.maxHeaderBytes} bytes`);
    // bytes after the blank line: those of this buffer, then the part of `data` not copied
    const rest = Buffer.concat([all.subarray(end + skip), data.subarray(take)]);
    this.head = Buffer.alloc(0);
    this.headLen = 0;
    this.scanFrom = 0;
    const res = this.parseHead(all.subarray(0, end).toString("latin1"));
    if (res.status >= 100 && res.status < 200) {
      if (++this.interim > 4) throw new HttpWireError("invalid", "more than 4 interim (1xx) responses");
      return rest; // an interim response: the final one follows
    }
    this.res = res;
    this.frame(res);
    return rest;
  }

  private parseHead(text: string): ParsedResponse {
    const lines = text.split(/\r?\n/);
    if (lines[lines.length - 1] === "") lines.pop();
    const m = /^HTTP\/(\d\.\d) (\d{3})(?: (.*))?$/.exec(lines[0] ?? "");
    if (!m) throw new HttpWireError("invalid", `not an HTTP status line: ${JSON.stringify((lines[0] ?? "").slice(0, 60))}`);
    const res: ParsedResponse = {
      version: m[1]!,
      status: Number(m[2]),
      reason: m[3] ?? "",
      headers: [],
      headerCount: 0,
      body: Buffer.alloc(0),
      bodyBytes: 0,
      truncated: false,
      framing: "none",
      interim: 0,
    };
    for (const line of lines.slice(1)) {
      if (/^[ \t]/.test(line)) {
        // obs-fold (RFC 9112 §5.2): part of the previous field's value
        const last = res.headers[res.headers.length - 1];
        if (last) last[1] = `${last[1]} ${line.trim()}`;
        continue;
      }
      const colon = line.indexOf(":");
      if (colon <= 0) throw new HttpWireError("invalid", `header line without a field name: ${JSON.stringify(line.slice(0, 60))}`);
      res.headerCount++;
      if (res.headers.length < this.limits.maxHeaders) res.headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
    }
    return res;
  }

  private frame(res: ParsedResponse): void {
    const get = (n: string) => res.headers.filter(([k]) => k.toLowerCase() === n).map(([, v]) => v);
    if (this.isHead || res.status === 204 || res.status === 304) {
      res.framing = "none";
      this.state = "done";
      return;
    }
    const te = get("transfer-encoding")
      .join(",")
      .toLowerCase()
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    if (te.length) {
      if (te[te.length - 1] === "chunked") {
        res.framing = "chunked";
        this.state = "chunk-size";
      } else {
        res.framing = "close"; // RFC 9112 §6.3 (4): read until the server closes
        this.state = "body-close";
      }
      return;
    }
    const lengths = [...new Set(get("content-length").flatMap((v) => v.split(",").map((s) => s.trim())))];
    if (lengths.length > 1) throw new HttpWireError("invalid", `differing Content-Length values ${lengths.slice(0, 3).join(", ")}`);
    if (lengths.length === 1) {
      if (!/^\d{1,15}$/.test(lengths[0]!)) throw new HttpWireError("invalid", `bad Content-Length ${JSON.stringify(lengths[0]!.slice(0, 20))}`);
      res.framing = "length";
      this.remaining = Number(lengths[0]);
      this.state = this.remaining === 0 ? "done" : "body-length";
      return;
    }
    res.framing = "close";
    this.state = "body-close";
  }
}
