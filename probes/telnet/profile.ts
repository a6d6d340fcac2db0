// The Telnet simulator's profile (the `telnet:` section of fixtures/profiles/*.yaml) and
// profileFromFacts(): recorded Telnet facts back into a profile (record -> replay -> simulate).
import { z } from "zod";
import type { TelnetFacts } from "./facts.js";

const Text = z.string().max(512);

export const TelnetSimProfile = z
  .object({
    /** options the server proposes first (RFC 855), e.g. { verb: DO, option: 24 } for TERMINAL-TYPE */
    negotiate: z
      .array(z.object({ verb: z.enum(["WILL", "WONT", "DO", "DONT"]), option: z.number().int().min(0).max(255) }).strict())
      .max(64)
      .default([
        { verb: "DO", option: 24 },
        { verb: "WILL", option: 1 },
        { verb: "WILL", option: 3 },
      ]),
    /** text lines before the prompt (sent with CR LF) */
    banner: z.array(Text).max(64).default([]),
    /** null: no login at all, the command prompt comes straight away */
    loginPrompt: Text.nullable().default("login: "),
    passwordPrompt: Text.default("Password: "),
    commandPrompt: Text.default("$ "),
    failureMessage: Text.default("Login incorrect"),
    accounts: z.array(z.object({ username: z.string().min(1), password: z.string() }).strict()).default([]),
    /** the first prompt asks for a password only (no user name), as many small devices do */
    passwordOnly: z.boolean().default(false),
    /** say nothing until the client sends a line */
    waitForClient: z.boolean().default(false),
  })
  .strict();
export type TelnetSimProfile = z.output<typeof TelnetSimProfile>;

/** A profile reproducing the first answering Telnet service of recorded facts (no accounts: none are recorded). */
export function profileFromFacts(facts: TelnetFacts): z.input<typeof TelnetSimProfile> {
  const s = facts.services.find((x) => x.negotiation);
  if (!s?.negotiation) throw new Error("no answering Telnet service in these facts");
  const text = s.banner?.text ?? "";
  const lines = text.split("\n").map((l) => l.replace(/[\r\0]/g, ""));
  const last = lines.pop() ?? "";
  const profile: z.input<typeof TelnetSimProfile> = {
    negotiate: s.negotiation.proposals.map((p) => ({ verb: p.verb, option: p.option })),
    banner: lines.slice(0, 64).map((l) => l.slice(0, 512)),
  };
  if (s.prompt === "command") Object.assign(profile, { loginPrompt: null, commandPrompt: last.slice(0, 512) });
  else if (s.prompt === "login") profile.loginPrompt = last.slice(0, 512);
  else if (s.prompt === "password") Object.assign(profile, { passwordOnly: true, passwordPrompt: last.slice(0, 512) });
  else profile.loginPrompt = last.slice(0, 512);
  if (s.nudged) profile.waitForClient = true;
  return profile;
}
