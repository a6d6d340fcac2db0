// Simulator profile schema for a device web UI (the `http:` section of fixtures/profiles/*.yaml), and
// profileFromFacts: a recorded probe result -> a profile that answers the same way (cleartext HTTP
// with or without a redirect, HTTPS with or without HSTS, the login kind, title, Server header,
// framing header, firmware text; a default account the recording saw accepted is looked up in the
// default-credential list by its entry id, since facts never hold passwords).
import { z } from "zod";
import { SimCertificate } from "../tls/profile.js";
import type { HttpFacts } from "./facts.js";
import { httpDefaultCredentials } from "./knowledge.js";

export const HttpSimProfile = z
  .object({
    /** plain HTTP listener: serve the UI, or only redirect to the HTTPS listener */
    http: z
      .object({ enabled: z.boolean().default(true), redirectToHttps: z.boolean().default(false) })
      .strict()
      .default({ enabled: true, redirectToHttps: false }),
    https: z
      .object({
        enabled: z.boolean().default(true),
        /** the Strict-Transport-Security value, or absent for none */
        hsts: z.string().max(200).optional(),
        certificate: SimCertificate.default(SimCertificate.parse({ sanIp: ["127.0.0.1"], caIssued: true })),
      })
      .strict()
      .default({ enabled: true, certificate: SimCertificate.parse({ sanIp: ["127.0.0.1"], caIssued: true }) }),
    page: z
      .object({
        title: z.string().max(200).default("otaudit simulated device"),
        server: z.string().max(200).optional(),
        /** firmware text printed on the pages (identity hints) */
        firmware: z.string().max(100).optional(),
        /** X-Frame-Options value, or absent for none */
        frameOptions: z.string().max(40).optional(),
      })
      .strict()
      .default({ title: "otaudit simulated device" }),
    auth: z
      .object({
        kind: z.enum(["none", "basic", "digest", "form"]).default("none"),
        realm: z.string().max(100).default("device"),
        /** accounts the device accepts (simulator only; a recording never holds passwords) */
        accounts: z
          .array(z.object({ username: z.string().max(100), password: z.string().max(100) }).strict())
          .max(8)
          .default([]),
      })
      .strict()
      .default({ kind: "none", realm: "device", accounts: [] }),
  })
  .strict();
export type HttpSimProfile = z.infer<typeof HttpSimProfile>;

export function profileFromFacts(facts: HttpFacts): z.input<typeof HttpSimProfile> {
  const http = facts.services.find((s) => s.scheme === "http" && !s.error);
  const https = facts.services.find((s) => s.scheme === "https" && !s.error);
  const all = facts.services.flatMap((s) => s.exchanges);
  const withStatus = all.filter((e) => e.status !== undefined);
  const header = (name: string) => withStatus.flatMap((e) => e.headers).find((h) => h.name.toLowerCase() === name)?.value;
  const challenge = withStatus.flatMap((e) => (e.status === 401 ? e.challenges : [])).find((c) => /^(basic|digest)$/i.test(c.scheme));
  const form = withStatus.some((e) => e.forms.some((f) => f.passwordFields > 0));
  const accepted = facts.services.map((s) => s.defaultCredentials?.accepted).find((a) => a);
  const entry = accepted ? httpDefaultCredentials().entries.find((e) => e.id === accepted.id) : undefined;
  const hsts = https?.exchanges.find((e) => e.tls && e.hsts)?.hsts;
  const hstsValue = https?.exchanges.flatMap((e) => e.headers).find((h) => h.name.toLowerCase() === "strict-transport-security")?.value;
  const firstHttp = http?.exchanges[0];
  const title = withStatus.find((e) => e.title)?.title;
  const firmware = withStatus.flatMap((e) => e.hints).find((h) => h.id === "firmware-version")?.value;
  const xfo = header("x-frame-options");
  const server = header("server");
  return {
    http: { enabled: Boolean(http), redirectToHttps: Boolean(firstHttp?.redirect?.target?.startsWith("https:")) },
    https: { enabled: Boolean(https), ...(hsts?.present && hstsValue ? { hsts: hstsValue.slice(0, 200) } : {}) },
    page: {
      ...(title ? { title: title.slice(0, 200) } : {}),
      ...(server ? { server: server.slice(0, 200) } : {}),
      ...(firmware ? { firmware: firmware.slice(0, 100) } : {}),
      ...(xfo ? { frameOptions: xfo.slice(0, 40) } : {}),
    },
    auth: {
      kind: challenge ? (challenge.scheme.toLowerCase() === "basic" ? "basic" : "digest") : form ? "form" : "none",
      ...(challenge?.realm ? { realm: challenge.realm.slice(0, 100) } : {}),
      accounts: entry ? [{ username: entry.username ?? "", password: entry.password }] : [],
    },
  };
}
