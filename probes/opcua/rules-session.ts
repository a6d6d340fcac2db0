// OPC UA rules on what an anonymous session could read (read-only facts): auditing, the server's
// clock against ours (log timestamps, element 2), and the access rights anonymous users hold:
// writable Variable values, writable node attributes (UserWriteMask) and executable Methods. The
// standard per-session Server methods the data file lists (server-nodes.yaml, each with its clause)
// are reported as evidence, not findings. A Bad status on a rights read, a walk cut short by its
// limits, or a browse error is never read as "not writable".
import { defineRule, type RuleOutcome } from "../../src/plugin.js";
import { error, fail, isoTime, pass, skipped, undetermined } from "../../src/rule-kit.js";
import type { OpcuaFacts } from "./facts.js";
import { serverNodes } from "./knowledge.js";
import { endpointListGap } from "./rules-transport.js";

/** Largest clock difference (seconds) still usable for correlating logs (beyond: element 2 fails). */
export const MAX_CLOCK_SKEW_S = 60;

const auditingDisabled = defineRule<OpcuaFacts>({
  meta: {
    id: "opcua.auditing.disabled",
    title: "OPC UA server auditing (Server.Auditing) disabled",
    elements: [2],
    iec62443: ["CR 2.8"],
    severity: "medium",
    safety: "read",
    remediation: "Enable auditing so the server raises audit events for sessions, writes and method calls, and collect them.",
    docs: "https://reference.opcfoundation.org/Core/Part5/v105/docs/6.3.1",
  },
  check({ facts }) {
    const info = facts.serverInfo;
    if (!info)
      return skipped(`Server.Auditing not read: no session (anonymous ${facts.anonymousSession.status}; supply credentials to read it)`, {
        anonymousSession: facts.anonymousSession.status,
      });
    // the server's own counters of refused sessions and requests, as evidence (OPC 10000-5 §12.9)
    const diagnostics = info.diagnostics ? { diagnosticsEnabled: info.diagnostics.enabled, counters: info.diagnostics.counters } : {};
    if (info.auditingStatus !== "ok" || info.auditing === undefined)
      return undetermined("unobservable", `Server.Auditing could not be read${info.error ? `: ${info.error}` : ""}`, { nodeId: "i=2994", ...diagnostics });
    if (info.auditing) return pass("Server.Auditing is true", { nodeId: "i=2994", value: true, ...diagnostics });
    return fail("Server.Auditing is false: the server raises no audit events", { nodeId: "i=2994", value: false, ...diagnostics });
  },
});

const clockSkew = defineRule<OpcuaFacts>({
  meta: {
    id: "opcua.server.clock-skew",
    title: "OPC UA server clock differs from the auditor's clock",
    elements: [2],
    iec62443: ["CR 2.11"],
    severity: "low",
    safety: "read",
    remediation: "Synchronise the device clock (NTP/PTP, OPC 10000-2 time synchronisation) so that audit events and logs carry usable timestamps.",
    docs: "https://reference.opcfoundation.org/Core/Part5/v105/docs/12.10",
  },
  check({ facts }) {
    const info = facts.serverInfo;
    if (!info) return skipped("ServerStatus not read: no session", { anonymousSession: facts.anonymousSession.status });
    const server = isoTime(info.currentTime);
    const before = isoTime(info.localTimeBefore);
    const after = isoTime(info.localTimeAfter);
    if ([server, before, after].some(Number.isNaN))
      return undetermined("unobservable", "ServerStatus.CurrentTime (or our own timing of the Read) was not recorded", {
        nodeId: "i=2258",
        currentTime: info.currentTime,
      });
    const skewS = (server - (before + after) / 2) / 1000;
    const uncertaintyS = (after - before) / 2000;
    const ev = {
      nodeId: "i=2258",
      currentTime: info.currentTime,
      localTimeBefore: info.localTimeBefore,
      localTimeAfter: info.localTimeAfter,
      skewSeconds: Math.round(skewS * 1000) / 1000,
      uncertaintySeconds: uncertaintyS,
      limitSeconds: MAX_CLOCK_SKEW_S,
      serverState: info.serverState,
      startTime: info.startTime,
    };
    if (Math.abs(skewS) - uncertaintyS > MAX_CLOCK_SKEW_S)
      return fail(`server clock is ${Math.round(skewS)} s ${skewS > 0 ? "ahead of" : "behind"} ours (limit ${MAX_CLOCK_SKEW_S} s)`, ev);
    if (Math.abs(skewS) + uncertaintyS <= MAX_CLOCK_SKEW_S) return pass(`server clock within ${MAX_CLOCK_SKEW_S} s of ours (${skewS.toFixed(1)} s)`, ev);
    return undetermined("unobservable", `the Read took too long to tell the clock difference within ${MAX_CLOCK_SKEW_S} s`, ev);
  },
});

type Browse = NonNullable<OpcuaFacts["anonymousBrowse"]>;

/** The shared prelude: is there an anonymous session whose walk can be judged? */
function anonymousWalk(facts: OpcuaFacts): { browse: Browse } | { outcome: RuleOutcome } {
  const s = facts.anonymousSession;
  if (s.status === "rejected")
    return { outcome: pass("anonymous session refused by the server: anonymous users hold no rights", { anonymousSession: s.status, detail: s.message }) };
  const offered = facts.endpoints.some((e) => e.userTokens.some((t) => t.tokenType === "Anonymous" || t.tokenType === "Unknown"));
  if (s.status === "skipped" && !offered) {
    // "no anonymous token" holds only for a list read whole (an empty or cut list proves nothing)
    const gap = endpointListGap(facts);
    if (gap) return { outcome: gap };
    if (facts.endpoints.some((e) => e.userTokensDropped))
      return { outcome: undetermined("incomplete", "user token policies beyond the kept ones were not seen", {}) };
    // no token policy at all shows nothing about which tokens are accepted (an empty list is not "no Anonymous")
    if (facts.endpoints.every((e) => e.userTokens.length === 0))
      return {
        outcome: undetermined("no-evidence", "no endpoint lists a user token policy: nothing shows whether the Anonymous token is accepted", {
          anonymousSession: s.status,
          endpoints: facts.endpoints.length,
        }),
      };
    return {
      outcome: pass("no endpoint offers the Anonymous token: anonymous users hold no rights", {
        anonymousSession: s.status,
        tokenTypes: [...new Set(facts.endpoints.flatMap((e) => e.userTokens.map((t) => t.tokenType)))],
      }),
    };
  }
  if (s.status !== "activated")
    return {
      outcome:
        s.status === "skipped"
          ? skipped(`anonymous access rights not checked: ${s.message}`, { anonymousSession: s.status })
          : error(`anonymous access rights not checked: ${s.message}`, { anonymousSession: s.status }),
    };
  const b = facts.anonymousBrowse;
  if (b?.status !== "ok") return { outcome: error(`address space not walked${b?.error ? `: ${b.error}` : ""}`, { anonymousSession: s.status }) };
  return { browse: b };
}

/** No finding among what was seen: pass only if every read answered and the walk was whole. */
function noneFound(b: Browse, attribute: string, what: string, checked: number): RuleOutcome {
  const limits = { maxDepth: b.maxDepth, maxNodes: b.maxNodes, nodesVisited: b.nodesVisited, checked, truncated: b.truncated };
  const unreadable = b.unreadable?.sample.filter((u) => u.attribute === attribute) ?? [];
  if (b.unreadable === undefined)
    return undetermined("unobservable", `the facts do not record which ${attribute} reads failed (recorded by an older probe): rescan`, limits);
  if (unreadable.length)
    return undetermined(
      "unobservable",
      `no ${what} among the answers, but ${attribute} reads were refused (${unreadable.map((u) => u.status).join(", ")}): a Bad status is not "not allowed"`,
      { ...limits, unreadable: b.unreadable },
    );
  if (b.truncated)
    return undetermined(
      "incomplete",
      `no ${what} among ${checked} checked, but the walk limits (depth ${b.maxDepth}, ${b.maxNodes} nodes) stopped it early`,
      limits,
    );
  if (checked === 0) return undetermined("no-evidence", `no node with ${attribute} was found to check`, limits);
  return pass(`no ${what} among ${checked} checked`, limits);
}

/** "ns=0;i=2253" and "i=2253" name the same node. */
const canonical = (id: string) => id.replace(/^ns=0;/, "");

/**
 * Split what anonymous users may write or execute with the data file (server-nodes.yaml): the
 * standard per-session methods (benign, evidence only), the server's own diagnostics subtree
 * (its own rule, log integrity), and the rest (findings).
 */
function classify<T extends { nodeId: string; ancestors?: string[] }>(items: T[]) {
  const data = serverNodes();
  const benignNodes = new Map(data.nodes.map((n) => [n.nodeId, n]));
  const roots = data.subtrees.map((t) => t.nodeId);
  const within = (i: T) => roots.find((r) => canonical(i.nodeId) === r || (i.ancestors ?? []).some((a) => canonical(a) === r));
  const real: T[] = [];
  const benign: (T & { why: string; spec: string })[] = [];
  const diagnostics: (T & { subtree: string })[] = [];
  for (const i of items) {
    const b = benignNodes.get(canonical(i.nodeId));
    const root = within(i);
    if (b) benign.push({ ...i, why: b.why, spec: b.spec });
    else if (root) diagnostics.push({ ...i, subtree: root });
    else real.push(i);
  }
  return { real, benign, diagnostics };
}

const anonymousWritable = defineRule<OpcuaFacts>({
  meta: {
    id: "opcua.anonymous.writable-variables",
    title: "OPC UA variables writable by anonymous users",
    elements: [8],
    iec62443: ["CR 2.1"],
    severity: "high",
    safety: "read",
    remediation: "Remove write access for anonymous users (role permissions / user access level); require authenticated, authorised users for writes.",
    docs: "https://reference.opcfoundation.org/Core/Part3/v105/docs/8.57",
  },
  check({ facts }) {
    const w = anonymousWalk(facts);
    if ("outcome" in w) return w.outcome;
    const b = w.browse;
    const { real, benign, diagnostics } = classify(b.writable);
    if (real.length)
      return fail(
        `${real.length} variable(s) writable by anonymous users: ${real
          .slice(0, 5)
          .map((v) => `${v.nodeId} (${v.browseName})`)
          .join(", ")}${real.length > 5 ? ", ..." : ""}`,
        {
          endpointUrl: facts.anonymousSession.endpointUrl,
          variables: real.slice(0, 50),
          benignServerNodes: benign,
          serverDiagnosticsNodes: diagnostics.length,
          truncated: b.truncated,
          dropped: b.dropped,
        },
      );
    return withNote(noneFound(b, "UserAccessLevel", "variable writable anonymously (outside the server's own diagnostics)", b.variablesChecked), {
      serverDiagnosticsNodes: diagnostics.length,
    });
  },
});

const anonymousAttributes = defineRule<OpcuaFacts>({
  meta: {
    id: "opcua.anonymous.writable-attributes",
    title: "OPC UA node attributes writable by anonymous users (UserWriteMask)",
    elements: [8],
    iec62443: ["CR 2.1"],
    severity: "high",
    safety: "read",
    remediation:
      "Clear the WriteMask/UserWriteMask bits for anonymous users: attributes such as AccessLevel, DisplayName or RolePermissions change the configuration.",
    docs: "https://reference.opcfoundation.org/Core/Part3/v105/docs/8.60",
  },
  check({ facts }) {
    const w = anonymousWalk(facts);
    if ("outcome" in w) return w.outcome;
    const b = w.browse;
    if (!b.writableAttributes)
      return undetermined("unobservable", "the facts do not record UserWriteMask (recorded by an older probe): rescan", { nodesVisited: b.nodesVisited });
    const { real, benign, diagnostics } = classify(b.writableAttributes);
    if (real.length)
      return fail(
        `${real.length} node(s) whose attributes anonymous users can change: ${real
          .slice(0, 5)
          .map((n) => `${n.nodeId} (${(n.writableAttributes ?? []).join("|")})`)
          .join(", ")}${real.length > 5 ? ", ..." : ""}`,
        { nodes: real.slice(0, 50), benignServerNodes: benign, serverDiagnosticsNodes: diagnostics.length, truncated: b.truncated },
      );
    return withNote(noneFound(b, "UserWriteMask", "node with anonymously writable attributes (outside the server's own diagnostics)", b.nodesVisited), {
      serverDiagnosticsNodes: diagnostics.length,
    });
  },
});

const anonymousMethods = defineRule<OpcuaFacts>({
  meta: {
    id: "opcua.anonymous.executable-methods",
    title: "OPC UA methods executable by anonymous users",
    elements: [8],
    iec62443: ["CR 2.1"],
    severity: "high",
    safety: "read",
    remediation: "Deny Call to anonymous users (UserExecutable false / role permissions); methods can start, stop or reconfigure the process.",
    docs: "https://reference.opcfoundation.org/Core/Part3/v105/docs/5.7",
  },
  check({ facts }) {
    const w = anonymousWalk(facts);
    if ("outcome" in w) return w.outcome;
    const b = w.browse;
    if (!b.executable)
      return undetermined("unobservable", "the facts do not record UserExecutable (recorded by an older probe): rescan", { nodesVisited: b.nodesVisited });
    const { real, benign } = classify(b.executable);
    if (real.length)
      return fail(
        `${real.length} method(s) executable by anonymous users: ${real
          .slice(0, 5)
          .map((m) => `${m.nodeId} (${m.browseName})`)
          .join(", ")}${real.length > 5 ? ", ..." : ""}`,
        { methods: real.slice(0, 50), benignServerNodes: benign, truncated: b.truncated },
      );
    return withNote(noneFound(b, "UserExecutable", "method executable anonymously (besides the standard per-session ones)", b.methodsChecked ?? 0), {
      benignServerNodes: benign,
    });
  },
});

/** Add evidence to an outcome (a pass keeps its own evidence and gains the note). */
function withNote(o: RuleOutcome, note: Record<string, unknown>): RuleOutcome {
  return { ...o, evidence: { ...(o.evidence ?? {}), ...note } } as RuleOutcome;
}

const anonymousDiagnostics = defineRule<OpcuaFacts>({
  meta: {
    id: "opcua.anonymous.writable-diagnostics",
    title: "OPC UA server diagnostics writable by anonymous users",
    elements: [2],
    iec62443: ["CR 2.1", "CR 3.9"],
    severity: "low",
    safety: "read",
    remediation:
      "Make the ServerDiagnostics subtree read-only for anonymous users (and every non-administrator): anyone could falsify or switch off the server's own diagnostics.",
    docs: "https://reference.opcfoundation.org/Core/Part5/v105/docs/6.3.3",
  },
  check({ facts }) {
    const w = anonymousWalk(facts);
    if ("outcome" in w) return w.outcome;
    const b = w.browse;
    const vars = classify(b.writable).diagnostics;
    const attrs = classify(b.writableAttributes ?? []).diagnostics;
    if (vars.length + attrs.length)
      return fail(
        `${vars.length + attrs.length} node(s) of the server's own diagnostics writable by anonymous users: ${[...vars, ...attrs]
          .slice(0, 5)
          .map((v) => `${v.nodeId} (${v.browseName})`)
          .join(", ")}`,
        { variables: vars.slice(0, 50), attributes: attrs.slice(0, 50), subtrees: serverNodes().subtrees },
      );
    return noneFound(b, "UserAccessLevel", "diagnostics node writable anonymously", b.variablesChecked);
  },
});

export const SESSION_RULES = [auditingDisabled, clockSkew, anonymousWritable, anonymousAttributes, anonymousMethods, anonymousDiagnostics];
