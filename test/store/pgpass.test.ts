// The libpq password file as otaudit reads it (src/store/pgpass.ts): first matching line wins,
// `*` wildcards, `\:` and `\\` escapes, a socket directory matches "localhost", PGPASSWORD first,
// and a file readable by group or others is ignored (as libpq does).
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { pgPassword, pgpassLookup, splitPgpassLine } from "../../src/store/pgpass.js";

const dir = mkdtempSync(join(tmpdir(), "otaudit-pgpass-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const t = { host: "db.example", port: 5432, database: "otaudit", user: "w" };

it("parses lines with escapes and wildcards; the first match wins", () => {
  expect(splitPgpassLine("a\\:b:5432:*:u:p\\\\w:x")).toEqual(["a:b", "5432", "*", "u", "p\\w", "x"]);
  const text = "# comment\n\nother:5432:*:*:no\ndb.example:5432:otaudit:w:pa\\:ss\ndb.example:*:*:*:later\n";
  expect(pgpassLookup(text, t)).toBe("pa:ss");
  expect(pgpassLookup(text, { ...t, port: 6000 })).toBe("later");
  expect(pgpassLookup(text, { ...t, host: "elsewhere" })).toBeUndefined();
  expect(pgpassLookup("localhost:5432:*:w:sock", { ...t, host: "/var/run/postgresql" })).toBe("sock");
  expect(pgpassLookup("db.example:5432:otaudit:w:with:colons", t)).toBe("with:colons");
});

it("PGPASSWORD first; a file open to group or others is ignored", () => {
  const file = join(dir, "pgpass");
  writeFileSync(file, "*:*:*:*:from-file\n", { mode: 0o600 });
  expect(pgPassword(t, { PGPASSFILE: file })).toBe("from-file");
  expect(pgPassword(t, { PGPASSFILE: file, PGPASSWORD: "from-env" })).toBe("from-env");
  chmodSync(file, 0o644);
  expect(pgPassword(t, { PGPASSFILE: file })).toBeUndefined();
  expect(pgPassword(t, { PGPASSFILE: join(dir, "missing") })).toBeUndefined();
});
