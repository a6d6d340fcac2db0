// Fuzz targets for the Telnet stream parser (probes/telnet/nvt.ts) and the prompt classifier
// (probes/telnet/knowledge.ts): bounded state, refusals only, any chunking gives the same result.
import { pathToFileURL } from "node:url";
import { runSeedTargets, type SeedTarget } from "./lib.js";
import { classifyPrompt } from "../../probes/telnet/knowledge.js";
import { DO, DONT, IAC, MAX_DATA, MAX_EVENTS, SB, SE, TelnetReader, WILL, WONT } from "../../probes/telnet/nvt.js";

export const targets: SeedTarget[] = [
  {
    name: "nvt",
    seeds: [
      Buffer.from([IAC, DO, 24, IAC, WILL, 1, IAC, SB, 24, 1, IAC, SE, 0x6c, 0x6f, 0x67, 0x69, 0x6e, 0x3a, 0x20]),
      Buffer.from("\r\nLinux\r\n\r\nvm login: "),
    ],
    run(b) {
      const whole = new TelnetReader();
      const r1 = whole.push(b).reply;
      const split = new TelnetReader();
      const r2 = Buffer.concat([split.push(b.subarray(0, b.length >> 1)).reply, split.push(b.subarray(b.length >> 1)).reply]);
      if (!r1.equals(r2) || whole.text !== split.text) throw new Error("chunking changed the result");
      if (whole.text.length > MAX_DATA || whole.state.events.length > MAX_EVENTS) throw new Error("bound broken");
      for (let i = 0; i < r1.length; i += 3) if (r1[i] !== IAC || (r1[i + 1] !== WONT && r1[i + 1] !== DONT)) throw new Error("a reply that is not a refusal");
      classifyPrompt(whole.text);
    },
  },
];

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) runSeedTargets("telnet", targets);
