// The browser app's files: a fixed table built once at start from web/ (the app) and uPlot's own
// files in node_modules (the chart library, shipped with the package: no CDN). Requests are looked
// up by exact path in that table, so no request path ever reaches the file system (no traversal).
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PACKAGE_ROOT } from "../version.js";

export interface StaticFile {
  body: Buffer;
  type: string;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

/** Paths of the single-page app: each serves index.html; the view itself is in the query string. */
export const APP_ROUTES = ["/", "/device", "/drift"];

/** web/ holds the app: only plain names (letters, digits, dashes) with a known extension are served. */
const WEB_NAME = /^[a-z0-9-]+\.(html|js|css|svg)$/;

export function webDir(): string {
  return join(PACKAGE_ROOT, "web");
}

/** uPlot's browser build and style sheet, resolved like Node resolves the package (npm ci installs it). */
export function uplotFiles(): { js: string; css: string } {
  const require = createRequire(join(PACKAGE_ROOT, "package.json"));
  // the package exports only its module entry (dist/uPlot.cjs.js); its browser files sit beside it
  const dir = dirname(require.resolve("uplot"));
  return { js: join(dir, "uPlot.iife.min.js"), css: join(dir, "uPlot.min.css") };
}

export function loadStaticFiles(dir = webDir()): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const name of readdirSync(dir)) {
    const m = WEB_NAME.exec(name);
    if (!m) continue;
    files.set(`/${name}`, { body: readFileSync(join(dir, name)), type: TYPES[`.${m[1]}`]! });
  }
  const index = files.get("/index.html");
  if (!index) throw new Error(`${dir}: index.html missing (the dashboard's files are not installed)`);
  for (const route of APP_ROUTES) files.set(route, index);
  const uplot = uplotFiles();
  files.set("/vendor/uPlot.iife.min.js", { body: readFileSync(uplot.js), type: TYPES[".js"]! });
  files.set("/vendor/uPlot.min.css", { body: readFileSync(uplot.css), type: TYPES[".css"]! });
  return files;
}
