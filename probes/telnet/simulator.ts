// Profile-driven Telnet server: proposes the profile's options, prints its banner and prompt, runs a
// login (user name, password, or password only) against the profile's accounts and, once logged in,
// answers every line with the command prompt. Everything the client sends is counted (refusals,
// acceptances, user names, passwords, commands typed), so tests prove from the device's side what
// a probe sent: a default run types no user name and no password.
import { createServer, type Socket } from "node:net";
import type { RunningSimulator, SimulatorOptions } from "../../src/plugin.js";
import { endpointUrl } from "../../src/engine/targets.js";
import { DO, DONT, IAC, TelnetReader, WILL, WONT } from "./nvt.js";
import type { TelnetSimProfile } from "./profile.js";

export interface TelnetSimulatorStats {
  connections: number;
  /** WONT/DONT the client sent (refusals) and WILL/DO (agreements) */
  refusals: number;
  agreements: number;
  usernames: number;
  passwords: number;
  logins: number;
  commandsTyped: number;
  /** empty lines received before any prompt was answered */
  emptyLines: number;
  [key: string]: unknown;
}

const VERBS = { WILL, WONT, DO, DONT } as const;

export async function startTelnetSimulator(profile: TelnetSimProfile, opts: SimulatorOptions): Promise<RunningSimulator> {
  const stats: TelnetSimulatorStats = { connections: 0, refusals: 0, agreements: 0, usernames: 0, passwords: 0, logins: 0, commandsTyped: 0, emptyLines: 0 };
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    stats.connections++;
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => {});
    const reader = new TelnetReader(); // parses the client's bytes; its refusals are not sent back
    let state: "wait" | "user" | "password" | "shell" = "user";
    let user = "";
    let line = "";
    const greet = () => {
      s.write(profile.banner.map((l) => `${l}\r\n`).join(""), "latin1");
      if (profile.passwordOnly) {
        state = "password";
        s.write(profile.passwordPrompt, "latin1");
      } else if (profile.loginPrompt === null) {
        state = "shell";
        s.write(profile.commandPrompt, "latin1");
      } else s.write(profile.loginPrompt, "latin1");
    };
    s.write(Buffer.from(profile.negotiate.flatMap((n) => [IAC, VERBS[n.verb], n.option])));
    if (profile.waitForClient) state = "wait";
    else greet();
    let seenEvents = 0;
    const onLine = (l: string) => {
      switch (state) {
        case "wait":
          if (l === "") stats.emptyLines++;
          state = "user";
          return greet();
        case "user":
          if (l === "") {
            stats.emptyLines++;
            return s.write(profile.loginPrompt ?? "", "latin1");
          }
          stats.usernames++;
          user = l;
          state = "password";
          return s.write(`\r\n${profile.passwordPrompt}`, "latin1");
        case "password": {
          stats.passwords++;
          const ok = profile.accounts.some((a) => (profile.passwordOnly || a.username === user) && a.password === l);
          if (ok) {
            stats.logins++;
            state = "shell";
            return s.write(`\r\nLast login: Mon Jan  1 00:00:00 2024 from 10.0.0.1\r\n${profile.commandPrompt}`, "latin1");
          }
          state = profile.passwordOnly ? "password" : "user";
          return s.write(`\r\n${profile.failureMessage}\r\n\r\n${profile.passwordOnly ? profile.passwordPrompt : (profile.loginPrompt ?? "")}`, "latin1");
        }
        case "shell":
          stats.commandsTyped++;
          return s.write(`\r\n${profile.commandPrompt}`, "latin1");
      }
    };
    s.on("data", (chunk: Buffer) => {
      const { data } = reader.push(chunk);
      for (const e of reader.state.events.slice(seenEvents)) {
        if (e.verb === "WONT" || e.verb === "DONT") stats.refusals++;
        else stats.agreements++;
      }
      seenEvents = reader.state.events.length;
      for (const b of data) {
        if (b === 0x0a || b === 0x00) continue; // CR LF and CR NUL end a line at the CR (RFC 854)
        if (b === 0x0d) {
          onLine(line);
          line = "";
        } else if (line.length < 512) line += String.fromCharCode(b);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as { port: number }).port;
  return {
    urls: [endpointUrl("telnet", opts.host, port)],
    stats: () => structuredClone(stats),
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
