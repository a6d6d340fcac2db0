// Facts the Telnet probe records (zod): per service, what the option negotiation showed (RFC 854
// IAC commands and the options proposed), the data the server sent before going quiet (byte for
// byte, latin1; escaped only at output), what its last line asked for, and (--intrusive only) the
// default-credential attempts. Never a password.
import { z } from "zod";
import { LoginRunFacts } from "../../src/knowledge/login-run.js";

export const CheckError = z.object({ code: z.string(), message: z.string() });
export type CheckError = z.infer<typeof CheckError>;

export const TelnetService = z.object({
  port: z.number().int().min(1).max(65535),
  url: z.string(),
  negotiation: z
    .object({
      /** an IAC command was received: the server speaks Telnet (RFC 854) */
      iac: z.boolean(),
      /** what the server proposed, in order ("DO TERMINAL-TYPE"), capped */
      proposals: z
        .array(z.object({ verb: z.enum(["WILL", "WONT", "DO", "DONT"]), option: z.number().int().min(0).max(255), name: z.string().optional() }))
        .max(64),
      proposalsDropped: z.number().int().nonnegative(),
      subnegotiations: z.number().int().nonnegative(),
      /** WONT/DONT refusals otaudit sent */
      refusals: z.number().int().nonnegative(),
    })
    .optional(),
  banner: z
    .object({
      /** data bytes received before the server went quiet, at most 4 KiB, byte for byte */
      text: z.string().max(4096),
      bytes: z.number().int().nonnegative(),
      truncated: z.boolean(),
      /** the last line, as a prompt */
      lastLine: z.string().max(256),
    })
    .optional(),
  /** what the last line asks for (probes/telnet/data/prompts.yaml) */
  prompt: z.enum(["login", "password", "command", "none"]).optional(),
  /** nothing came, so one CR LF was sent */
  nudged: z.boolean().optional(),
  /** the server closed the connection itself before going quiet */
  closedByServer: z.boolean().optional(),
  defaultCredentials: LoginRunFacts.optional(),
  error: CheckError.optional(),
});
export type TelnetService = z.infer<typeof TelnetService>;

export const TelnetFacts = z.object({ services: z.array(TelnetService).min(1) });
export type TelnetFacts = z.infer<typeof TelnetFacts>;
