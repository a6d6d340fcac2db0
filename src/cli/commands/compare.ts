// PLACEHOLDER: `otaudit compare` is registered by the issue that builds it. Replace this file whole.
import type { Command } from "commander";

export function registerCompare(_program: Command): void {}
