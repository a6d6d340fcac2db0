// The fuzz scripts' targets (scripts/fuzz/modbus.ts, scripts/fuzz/tls.ts, scripts/fuzz/http.ts) at a small number of runs,
// so a parser change that lets a foreign exception escape fails the suite before anyone runs
// `npm run fuzz` (10,000+ cases per target).
import { describe, expect, test } from "vitest";
import { fuzzOne } from "../../../scripts/fuzz/lib.js";
import { MODBUS_TARGETS } from "../../../scripts/fuzz/modbus.js";
import { TLS_TARGETS } from "../../../scripts/fuzz/tls.js";
import { HTTP_TARGETS } from "../../../scripts/fuzz/http.js";

describe("fuzz targets, small runs", () => {
  test.each([...MODBUS_TARGETS, ...TLS_TARGETS, ...HTTP_TARGETS].map((t) => [t.name, t] as const))("%s", (_name, t) => {
    const r = fuzzOne(t, 300);
    expect(r.counterexample).toBeUndefined();
    expect(r.escapes).toBe(0);
  });
});
