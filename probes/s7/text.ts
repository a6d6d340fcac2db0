// Device text in finding messages and identify() text (S7 and EtherNet/IP): printable, control and
// invisible format characters shown as \xNN / \u{...}; facts and evidence keep the exact bytes (the
// report boundary, src/report/safe-text.ts, escapes again for every human output).
export function printable(s: string, max = 120): string {
  // C0, DEL, C1, bidi overrides/isolates, zero-width and other invisible format characters
  const out = s.replace(/[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g, (c) => {
    const n = c.codePointAt(0)!;
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, "0")}` : `\\u{${n.toString(16)}}`;
  });
  return out.length > max ? `${out.slice(0, max)}...` : out;
}
