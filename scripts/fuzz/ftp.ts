// Fuzz targets for the FTP reply framer and parser (probes/ftp/reply.ts), fed whole and one byte
// at a time (the framer keeps state between arrivals).
import { pathToFileURL } from "node:url";
import { runSeedTargets, type SeedTarget } from "./lib.js";
import { featureList, FtpWireError, MAX_REPLY, parseReply, ReplyFramer } from "../../probes/ftp/reply.js";

export const targets: SeedTarget[] = [
  {
    name: "reply",
    seeds: [
      Buffer.from("220 (vsFTPd 3.0.3)\r\n"),
      Buffer.from("211-Features:\r\n AUTH TLS\r\n PBSZ\r\n211 End\r\n"),
      Buffer.from("220-a\r\n220-b\r\n220 c\r\n"),
    ],
    run(b) {
      for (const drip of [false, true]) {
        const f = new ReplyFramer();
        let n: number | undefined;
        try {
          if (drip) for (let i = 1; i <= b.length && n === undefined; i++) n = f.frame(b.subarray(0, i));
          else n = f.frame(b);
          if (n === undefined) continue;
          if (n > b.length || n > MAX_REPLY + 2) throw new Error(`frame of ${n} bytes`);
          featureList(parseReply(b.subarray(0, n)));
        } catch (e) {
          if (!(e instanceof FtpWireError)) throw e;
        }
      }
    },
  },
];

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) runSeedTargets("ftp", targets);
