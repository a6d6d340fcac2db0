// Shared option parsers for the CLI: each names the option in its error (exit 2).
import { InvalidArgumentError } from "commander";
import { SEVERITIES, type SeverityName as Severity } from "../model/vocabulary.js";

export function positiveInt(name: string, max = 1_000_000) {
  return (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max) throw new InvalidArgumentError(`${name} expects a whole number from 1 to ${max}`);
    return Number(v);
  };
}

export function severity(v: string): Severity {
  if (!(SEVERITIES as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected one of ${SEVERITIES.join(", ")}`);
  return v as Severity;
}

export function csvList(v: string): string[] {
  return v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export function logLevel(v: string): (typeof LOG_LEVELS)[number] {
  if (!(LOG_LEVELS as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected one of ${LOG_LEVELS.join(", ")}`);
  return v as (typeof LOG_LEVELS)[number];
}
