// Inventory files for `otaudit sweep`: CSV (RFC 4180, header row) or YAML, one asset per row or
// entry: host, name, zone, vendor, model, expected protocols, and a credentials reference (the path
// of a credentials file for that asset; secrets never live in the inventory). Validated with zod;
// errors are `file: path.to.field: message` lines (exit 2).
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseYaml } from "../yaml.js";
import { z } from "zod";
import { UsageError, zodIssueLines } from "../errors.js";

const PROTOCOL_NAME = /^[a-z][a-z0-9-]*$/;

export const InventoryAsset = z
  .object({
    host: z.string().trim().min(1, "a host address or name is required"),
    name: z.string().trim().min(1).optional(),
    zone: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.:-]+$/, "letters, digits and _ . : - only")
      .optional(),
    vendor: z.string().trim().min(1).optional(),
    model: z.string().trim().min(1).optional(),
    /** protocols expected on the asset: audited even when discovery did not see them (then reported unreachable) */
    protocols: z.array(z.string().regex(PROTOCOL_NAME, "a protocol id: lower-case letters, digits and - (see --protocols)")).optional(),
    /** path of a credentials file (YAML, see --credentials) that applies to this asset only */
    credentials: z.string().trim().min(1).optional(),
  })
  .strict();
export type InventoryAsset = z.infer<typeof InventoryAsset>;

export const InventoryFile = z.union([z.array(InventoryAsset), z.object({ devices: z.array(InventoryAsset) }).strict()]);

export function isInventoryPath(target: string): boolean {
  return /\.(csv|ya?ml)$/i.test(target);
}

/** RFC 4180 §2: fields separated by commas, optionally double-quoted, "" escapes a quote. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  const endField = () => {
    row.push(field);
    field = "";
  };
  const endRow = () => {
    endField();
    if (!(row.length === 1 && row[0]!.trim() === "")) rows.push(row);
    row = [];
  };
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
      i++;
      continue;
    }
    if (c === '"' && field.trim() === "") {
      quoted = true;
      field = "";
    } else if (c === ",") endField();
    else if (c === "\n") endRow();
    else if (c !== "\r") field += c;
    i++;
  }
  if (quoted) throw new Error("unterminated quoted field");
  if (field !== "" || row.length > 0) endRow();
  return rows;
}

const CSV_COLUMNS = ["host", "name", "zone", "vendor", "model", "protocols", "credentials"] as const;

/** CSV rows -> raw asset objects (empty cells omitted; protocols split on ';' or spaces). */
function csvToRaw(text: string, source: string): unknown[] {
  let rows: string[][];
  try {
    rows = parseCsv(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    throw new UsageError(`${source}: not valid CSV (${(e as Error).message})`);
  }
  if (rows.length === 0) return [];
  const header = rows[0]!.map((h) => h.trim().toLowerCase());
  for (const [i, h] of header.entries()) {
    if (!(CSV_COLUMNS as readonly string[]).includes(h))
      throw new UsageError(`${source}: header column ${i + 1} '${h}': unknown column (known: ${CSV_COLUMNS.join(", ")})`);
  }
  if (!header.includes("host")) throw new UsageError(`${source}: header: a 'host' column is required`);
  return rows.slice(1).map((cells) => {
    const obj: Record<string, unknown> = {};
    header.forEach((h, j) => {
      const v = (cells[j] ?? "").trim();
      if (v === "") return;
      obj[h] =
        h === "protocols"
          ? v
              .split(/[;\s]+/)
              .filter(Boolean)
              .map((p) => p.toLowerCase())
          : v;
    });
    return obj;
  });
}

/**
 * Parse an inventory file's text. Credentials paths are resolved relative to the inventory file.
 * `knownProtocols` are the enabled plugin ids (an unknown expected protocol is an input error).
 */
export function parseInventory(text: string, file: string, knownProtocols: readonly string[]): InventoryAsset[] {
  let raw: unknown;
  if (/\.csv$/i.test(file)) raw = csvToRaw(text, file);
  else {
    try {
      raw = parseYaml(text) ?? [];
    } catch (e) {
      throw new UsageError(`${file}: not valid YAML (${(e as Error).message.split("\n")[0]})`);
    }
  }
  // a list of assets, or { devices: [...] }; CSV rows are [n] counted from the first data row
  const schema = Array.isArray(raw) ? z.array(InventoryAsset) : z.object({ devices: z.array(InventoryAsset) }).strict();
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const lines = zodIssueLines(file, parsed.error.issues);
    throw new UsageError(lines[0]!, lines);
  }
  const assets = Array.isArray(parsed.data) ? parsed.data : (parsed.data as { devices: InventoryAsset[] }).devices;
  const prefix = Array.isArray(parsed.data) ? "" : "devices";
  const lines: string[] = [];
  const seen = new Map<string, number>();
  assets.forEach((a, i) => {
    const at = `${file}: ${prefix}[${i}]`;
    for (const [j, p] of (a.protocols ?? []).entries()) {
      if (!knownProtocols.includes(p)) lines.push(`${at}.protocols[${j}]: unknown protocol '${p}' (known: ${knownProtocols.join(", ")})`);
    }
    const key = a.host.toLowerCase();
    if (seen.has(key)) lines.push(`${at}.host: '${a.host}' is already listed at [${seen.get(key)}]`);
    else seen.set(key, i);
    if (a.credentials) a.credentials = resolve(dirname(file), a.credentials);
  });
  if (lines.length) throw new UsageError(lines[0]!, lines);
  return assets;
}

export function loadInventory(file: string, knownProtocols: readonly string[]): InventoryAsset[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`${file}: cannot read inventory (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  return parseInventory(text, file, knownProtocols);
}
