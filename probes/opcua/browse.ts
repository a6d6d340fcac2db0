// The bounded, read-only access-rights walk of a session's address space (node-opcua, loaded by
// session.ts): breadth-first Browse over hierarchical references from the Objects folder, into
// Objects AND Variables (a Variable's components and properties are nodes too), within a depth and
// a node limit; the Server object's own subtree (diagnostics, a large and standard part) is walked
// last with what is left, so it cannot crowd out the application's nodes. Then Read of the rights
// the session's user holds: UserAccessLevel of Variables (OPC 10000-3 §5.6.2, §8.57), UserExecutable
// of Methods (§5.7; read, never Call) and UserWriteMask of every node (§5.2.8, §8.60). A Bad status is
// recorded as unreadable (neither writable nor not), never as "not writable".
import { Deadline } from "../../src/net/index.js";
import type { NodeRef, VariableRef } from "./facts.js";
import { opcua, withTimeout, type Session, type SessionRunOptions } from "./session.js";

export const BROWSE_LIMITS = { maxDepth: 10, maxNodes: 2000 };
/** The whole walk (browse and reads) ends within this many timeouts, however slowly the server answers. */
export const WALK_BUDGET_TIMEOUTS = 4;
/** Entries kept per list (the rest are counted in `dropped`). */
const KEEP = 200;
const KEEP_UNREADABLE = 20;
const BROWSE_BATCH = 50;
const READ_BATCH = 200;
const OBJECTS_FOLDER = "i=85";
const SERVER_OBJECT = "i=2253";

/** AttributeWriteMask bits (OPC 10000-3 §8.60), bit 0 first. */
export const WRITE_MASK_BITS = [
  "AccessLevel",
  "ArrayDimensions",
  "BrowseName",
  "ContainsNoLoops",
  "DataType",
  "Description",
  "DisplayName",
  "EventNotifier",
  "Executable",
  "Historizing",
  "InverseName",
  "IsAbstract",
  "MinimumSamplingInterval",
  "NodeClass",
  "NodeId",
  "Symmetric",
  "UserAccessLevel",
  "UserExecutable",
  "UserWriteMask",
  "ValueRank",
  "WriteMask",
  "ValueForVariableType",
  "DataTypeDefinition",
  "RolePermissions",
  "AccessRestrictions",
  "AccessLevelEx",
] as const;

/** AccessLevelType bit CurrentWrite (OPC 10000-3 §8.57). */
const CURRENT_WRITE = 0x02;

export interface AccessWalk {
  maxDepth: number;
  maxNodes: number;
  nodesVisited: number;
  variablesChecked: number;
  methodsChecked: number;
  truncated: boolean;
  writable: VariableRef[];
  executable: NodeRef[];
  writableAttributes: NodeRef[];
  unreadable: { count: number; sample: { nodeId: string; attribute: string; status: string }[] };
  dropped: number;
}

type NodeClassName = NodeRef["nodeClass"];
interface Found {
  nodeId: string;
  browseName: string;
  nodeClass: NodeClassName;
  parent?: string;
}

export function writeMaskNames(mask: number): string[] {
  return WRITE_MASK_BITS.filter((_, i) => (mask >>> i) & 1);
}

/** Breadth-first from `root`, sharing `seen` and the node budget; returns whether limits cut it short. */
async function walk(
  session: Session,
  root: string,
  seen: Set<string>,
  found: Found[],
  limits: typeof BROWSE_LIMITS,
  opts: SessionRunOptions,
  skip: string | undefined,
  budget: Deadline,
): Promise<boolean> {
  const ms = () => Math.max(1, Math.min(opts.timeoutMs, budget.remaining()));
  let frontier = [root];
  let truncated = false;
  const classes = opcua.NodeClassMask.Object | opcua.NodeClassMask.Variable | opcua.NodeClassMask.Method;
  for (let depth = 1; depth <= limits.maxDepth && frontier.length > 0; depth++) {
    const next: string[] = [];
    for (let i = 0; i < frontier.length; i += BROWSE_BATCH) {
      if (opts.signal.aborted) throw new Error("browse aborted");
      if (budget.expired) return true; // out of time: what was not seen is not judged
      const batch = frontier.slice(i, i + BROWSE_BATCH);
      const results = await withTimeout(
        session.browse(
          batch.map((nodeId) => ({
            nodeId,
            browseDirection: opcua.BrowseDirection.Forward,
            referenceTypeId: "HierarchicalReferences",
            includeSubtypes: true,
            nodeClassMask: classes,
            resultMask: 0x3f,
          })),
        ),
        ms(),
        "Browse",
        opts.signal,
      );
      for (const [k, r] of results.entries()) {
        let refs = [...(r.references ?? [])];
        let cp = r.continuationPoint;
        let rounds = 0;
        while (cp && cp.length > 0 && seen.size + refs.length < limits.maxNodes && rounds++ < 20) {
          const more = await withTimeout(session.browseNext([cp], false), ms(), "BrowseNext", opts.signal);
          refs = refs.concat(more[0]?.references ?? []);
          cp = more[0]?.continuationPoint;
        }
        if (cp && cp.length > 0) {
          truncated = true;
          await withTimeout(session.browseNext([cp], true), ms(), "BrowseNext(release)", opts.signal).catch(() => undefined);
        }
        for (const ref of refs) {
          if (ref.nodeId.serverIndex) continue; // on another server: out of scope
          const id = ref.nodeId.toString();
          if (seen.has(id) || id === skip) continue;
          if (seen.size >= limits.maxNodes) {
            truncated = true;
            break;
          }
          seen.add(id);
          const nodeClass: NodeClassName | undefined =
            ref.nodeClass === opcua.NodeClass.Variable
              ? "Variable"
              : ref.nodeClass === opcua.NodeClass.Method
                ? "Method"
                : ref.nodeClass === opcua.NodeClass.Object
                  ? "Object"
                  : undefined;
          if (!nodeClass) continue;
          found.push({ nodeId: id, browseName: ref.browseName.toString().slice(0, 256), nodeClass, parent: batch[k] });
          if (nodeClass !== "Method") next.push(id);
        }
      }
    }
    if (depth === limits.maxDepth && next.length > 0) truncated = true;
    frontier = next;
  }
  return truncated;
}

/** Walk and read access rights. Read-only: nothing is written, no method is called. */
export async function browseAccess(session: Session, limits: typeof BROWSE_LIMITS, opts: SessionRunOptions): Promise<AccessWalk> {
  const budget = new Deadline(opts.timeoutMs * WALK_BUDGET_TIMEOUTS, opts.signal);
  const seen = new Set<string>([OBJECTS_FOLDER]);
  const found: Found[] = [];
  let truncated = await walk(session, OBJECTS_FOLDER, seen, found, limits, opts, SERVER_OBJECT, budget);
  // the Server object's standard subtree last, with the nodes left
  if (seen.size < limits.maxNodes) {
    seen.add(SERVER_OBJECT);
    found.push({ nodeId: SERVER_OBJECT, browseName: "Server", nodeClass: "Object", parent: OBJECTS_FOLDER });
    truncated = (await walk(session, SERVER_OBJECT, seen, found, limits, opts, undefined, budget)) || truncated;
  } else truncated = true;

  const parentOf = new Map(found.map((f) => [f.nodeId, f.parent]));
  /** node ids from the walk's root down to the node's parent (bounded by the depth limit) */
  const ancestors = (f: Found) => {
    const chain: string[] = [];
    for (let p = f.parent; p && chain.length <= limits.maxDepth; p = parentOf.get(p)) chain.unshift(p);
    return chain;
  };
  const out: AccessWalk = {
    ...limits,
    nodesVisited: seen.size,
    variablesChecked: 0,
    methodsChecked: 0,
    truncated,
    writable: [],
    executable: [],
    writableAttributes: [],
    unreadable: { count: 0, sample: [] },
    dropped: 0,
  };
  const keep = <T>(list: T[], item: T) => (list.length < KEEP ? list.push(item) : out.dropped++);
  const unreadable = (nodeId: string, attribute: string, status: string) => {
    out.unreadable.count++;
    if (out.unreadable.sample.length < KEEP_UNREADABLE) out.unreadable.sample.push({ nodeId, attribute, status });
  };
  // one read per node for the right that matters for its class, one for UserWriteMask
  const reads = found.flatMap((n) => {
    const main = n.nodeClass === "Variable" ? opcua.AttributeIds.UserAccessLevel : n.nodeClass === "Method" ? opcua.AttributeIds.UserExecutable : undefined;
    return [...(main !== undefined ? [{ n, attr: main }] : []), { n, attr: opcua.AttributeIds.UserWriteMask }];
  });
  for (let i = 0; i < reads.length; i += READ_BATCH) {
    if (opts.signal.aborted) throw new Error("browse aborted");
    if (budget.expired) {
      out.truncated = true; // rights not read for the rest: they are not judged
      break;
    }
    const batch = reads.slice(i, i + READ_BATCH);
    const values = await withTimeout(
      session.read(batch.map(({ n, attr }) => ({ nodeId: n.nodeId, attributeId: attr }))),
      Math.max(1, Math.min(opts.timeoutMs, budget.remaining())),
      "Read access rights",
      opts.signal,
    );
    // biome-ignore lint/suspicious/useIterableCallbackReturn: a branch ends its item early with unreadable(), whose value is ignored
    batch.forEach(({ n, attr }, j) => {
      const dv = values[j];
      const good = dv?.statusCode.isGood() ?? false;
      const status = dv?.statusCode.name ?? "no value";
      const v = dv?.value?.value;
      if (attr === opcua.AttributeIds.UserWriteMask) {
        // UserWriteMask is optional (OPC 10000-3 §5.2.8): BadAttributeIdInvalid means the node has none
        if (!good) {
          if (status !== "BadAttributeIdInvalid") unreadable(n.nodeId, "UserWriteMask", status);
          return;
        }
        const names = typeof v === "number" ? writeMaskNames(v) : [];
        if (typeof v !== "number") unreadable(n.nodeId, "UserWriteMask", `unexpected value type ${typeof v}`);
        else if (names.length)
          keep(out.writableAttributes, {
            nodeId: n.nodeId,
            browseName: n.browseName,
            nodeClass: n.nodeClass,
            writableAttributes: names,
            ancestors: ancestors(n),
          });
        return;
      }
      if (attr === opcua.AttributeIds.UserAccessLevel) {
        out.variablesChecked++;
        if (!good || typeof v !== "number") return unreadable(n.nodeId, "UserAccessLevel", good ? `unexpected value type ${typeof v}` : status);
        if (v & CURRENT_WRITE) keep(out.writable, { nodeId: n.nodeId, browseName: n.browseName, userAccessLevel: v, ancestors: ancestors(n) });
        return;
      }
      out.methodsChecked++;
      if (!good || typeof v !== "boolean") return unreadable(n.nodeId, "UserExecutable", good ? `unexpected value type ${typeof v}` : status);
      if (v) keep(out.executable, { nodeId: n.nodeId, browseName: n.browseName, nodeClass: "Method", ancestors: ancestors(n) });
    });
  }
  return out;
}
