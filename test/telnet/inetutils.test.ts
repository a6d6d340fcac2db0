// Interop against Debian's inetutils telnetd (with the system's /bin/login): a default audit fails
// cleartext remote access and the cleartext login prompt, naming the negotiation and the prompt;
// the daemon received nothing but option refusals (device-side record). The login detection of the
// intrusive check is proven against the real login(1) with a throw-away account: its password is
// accepted, a wrong one is rejected, each from login's own words.
import { afterAll, beforeAll, expect, it } from "vitest";
import telnet from "../../probes/telnet/index.js";
import type { TelnetFacts } from "../../probes/telnet/facts.js";
import { tryLogin } from "../../probes/telnet/probe.js";
import { describeWithDaemon } from "../helpers/daemons.js";
import { createTestUser } from "../ssh/sshd.js";
import { auditUrls, endpointsOf, finding, testContext } from "../vnc/kit.js";
import { IS_ROOT, startTelnetd, TELNETD, typedBytes, type Telnetd } from "./telnetd.js";

describeWithDaemon(
  "inetutils telnetd interop",
  Boolean(TELNETD && IS_ROOT),
  "needs /usr/sbin/telnetd (inetutils-telnetd) and root (login(1) and a throw-away account)",
  () => {
    let daemon: Telnetd;
    let user: { name: string; cleanup(): void };
    const password = `Tn-${process.pid}-pw`;
    beforeAll(async () => {
      daemon = await startTelnetd();
      user = createTestUser(password);
    });
    afterAll(async () => {
      await daemon?.stop();
      user?.cleanup();
    });
    const url = () => `telnet://127.0.0.1:${daemon.port}`;

    it("default audit: cleartext remote access and a cleartext login prompt, each naming its proof", async () => {
      const d = await auditUrls(telnet, [url()]);
      const s = (d.facts.telnet!.data as TelnetFacts).services[0]!;
      expect(s.negotiation!.proposals.map((p) => p.name)).toEqual(expect.arrayContaining(["TERMINAL-TYPE", "ECHO", "SUPPRESS-GO-AHEAD"]));
      expect(s.prompt).toBe("login");
      expect(finding(d, "telnet.cleartext")).toMatchObject({ status: "fail", message: expect.stringMatching(/IAC DO TERMINAL-TYPE/) });
      expect(finding(d, "telnet.auth.cleartext")).toMatchObject({ status: "fail", message: expect.stringMatching(/login prompt \(".* login: "\)/) });
    });

    it("device side: telnetd received only refusals (IAC WONT/DONT), no typed byte", () => {
      const all = daemon.received();
      expect(all.length).toBeGreaterThan(0);
      for (const b of all) expect(typedBytes(b)).toBe("");
    });

    it("the login detection against login(1): the account's password is accepted, a wrong one rejected", async () => {
      const ctx = testContext(endpointsOf(telnet, [url()]), { timeoutMs: 3000, intrusive: true });
      const ep = ctx.endpoints[0]!;
      const ok = await tryLogin(ep, ctx, user.name, password);
      expect(ok.result).toEqual({ outcome: "accepted" });
      const bad = await tryLogin(ep, ctx, user.name, "not-the-password");
      expect(bad.result).toEqual({ outcome: "rejected" });
      expect(bad.detail).toMatch(/refused/);
      // device side: the two logins typed the user name and a password each, and no command
      const typed = daemon.received().slice(-2).map(typedBytes);
      expect(typed).toEqual([`${user.name}\r\n${password}\r\n`, `${user.name}\r\nnot-the-password\r\n`]);
    }, 20_000);
  },
);
