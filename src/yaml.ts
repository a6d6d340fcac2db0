// The YAML parser, loaded on first use: most runs read no YAML (the knowledge files are compiled to
// JSON at build time, src/data.ts), and loading the `yaml` package costs ~60 ms of a cold start.
import { createRequire } from "node:module";
import type { DocumentOptions, ParseOptions, SchemaOptions, ToJSOptions } from "yaml";

type YamlModule = typeof import("yaml");
let yaml: YamlModule | undefined;

/** `yaml`'s parse(text, options), the package required on the first call. */
export function parseYaml(text: string, options?: ParseOptions & DocumentOptions & SchemaOptions & ToJSOptions): unknown {
  yaml ??= createRequire(import.meta.url)("yaml") as YamlModule;
  return options ? yaml.parse(text, options) : yaml.parse(text);
}
