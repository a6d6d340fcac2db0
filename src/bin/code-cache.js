// V8 code caches for the launcher (src/bin/otaudit.js), written by the build
// (scripts/build-code-cache.ts, scripts/train-code-cache.cjs). Node 20 compiles every CommonJS module
// from source on every start; with a cache V8 deserialises the compiled functions instead.
// - runBundle: the CLI bundle (dist/bundle/main.js), with dist/bundle/main.js.cache.
// - installLibraryCache: while otaudit runs, each CommonJS module of node_modules (node-opcua's
//   ~600 modules, ssh2, net-snmp, ...) compiles with its entry in dist/code-cache/libraries.bin, a
//   store keyed by the module's path and the SHA-256 of its source: a module that changed since the
//   build (npm update without a rebuild) has no entry and compiles as usual. V8 rejects a cache made
//   by another Node or under other V8 flags, and a module our hook cannot compile (ES syntax,
//   Node's require(esm)) or that calls import() goes to Node's own loader: a cache changes the
//   speed, never the behaviour.
// Store layout: uint32 LE index length, the index (JSON: relative path -> [sha256, offset, length]),
// then the caches.
// CommonJS, like the launcher (src/bin/package.json): see src/bin/otaudit.js.
"use strict";
const { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, writeFileSync } = require("node:fs");
const { createRequire, Module } = require("node:module");
const { createHash } = require("node:crypto");
const { dirname, relative, sep } = require("node:path");
const vm = require("node:vm");

const compileOptions = (filename, cachedData) => ({
  filename,
  cachedData,
  importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});

/**
 * Run the bundle, a CommonJS module stored already wrapped in Node's module function
 * (scripts/build-bundle.ts), as Node's loader would (require from its folder), with FILE.cache.
 */
function runBundle(file, { recordTo } = {}) {
  let cachedData;
  if (!recordTo) {
    try {
      cachedData = readFileSync(`${file}.cache`);
    } catch {
      // no cache (not built yet, or removed): compile as usual
    }
  }
  const script = new vm.Script(readFileSync(file, "utf8"), compileOptions(file, cachedData));
  const module = { exports: {}, filename: file, id: file, loaded: false };
  script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return { exports: module.exports, cache: () => script.createCachedData() };
}

/** A require function for `mod`, as Node's makeRequireFunction builds it. */
function requireFor(mod) {
  const require = (id) => mod.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

const sha256 = (s) => createHash("sha256").update(s).digest("hex");

/**
 * Compile node_modules' CommonJS modules with the store at `storeFile` (root: the package folder the
 * index's paths are relative to). `record`: compile without the store and keep every script, for
 * writeLibraryCache. Returns the recorded scripts (empty unless recording).
 */
function installLibraryCache(storeFile, root, { record = false } = {}) {
  if (!record && !existsSync(storeFile)) return []; // no store: Node's loader as usual
  // the index is read on the first library compiled, not at every start (`--help` loads none)
  let store; // undefined: not read yet; null: unreadable, Node's loader as usual
  const openStore = () => {
    let fd;
    try {
      fd = openSync(storeFile, "r");
      const head = Buffer.alloc(4);
      readSync(fd, head, 0, 4, 0);
      if (head.readUInt32LE(0) > fstatSync(fd).size - 4) throw new Error("not a store");
      const json = Buffer.alloc(head.readUInt32LE(0));
      readSync(fd, json, 0, json.length, 4);
      return { fd, index: JSON.parse(json.toString("utf8")), base: 4 + json.length };
    } catch {
      if (fd !== undefined) closeSync(fd);
      return null;
    }
  };
  const recorded = [];
  const original = Module.prototype._compile;
  Module.prototype._compile = function compileWithCache(content, filename, format, ...rest) {
    // Node's own loader for ES modules, our own files, and modules with a dynamic import(): a
    // vm.Script can only serve import() through an experimental loader that warns on stderr
    if (format === "module" || typeof content !== "string" || !filename.includes(`${sep}node_modules${sep}`) || /import\s*\(/.test(content))
      return original.call(this, content, filename, format, ...rest);
    if (!record && (store ??= openStore()) === null) return original.call(this, content, filename, format, ...rest);
    const key = relative(root, filename);
    const hash = sha256(content);
    let cachedData;
    const entry = store?.index[key];
    if (entry && entry[0] === hash) {
      cachedData = Buffer.alloc(entry[2]);
      readSync(store.fd, cachedData, 0, entry[2], store.base + entry[1]);
    }
    let fn;
    let script;
    try {
      script = new vm.Script(Module.wrap(content), compileOptions(filename, cachedData));
      fn = script.runInThisContext();
    } catch {
      return original.call(this, content, filename, format, ...rest); // ES module syntax and the like: Node decides
    }
    if (record) recorded.push({ key, hash, script });
    return fn.call(this.exports, this.exports, requireFor(this), this, filename, dirname(filename));
  };
  return recorded;
}

/** Write the store from recorded scripts (their caches include every function compiled so far). */
function writeLibraryCache(storeFile, recorded) {
  const index = {};
  const blobs = [];
  let offset = 0;
  for (const { key, hash, script } of recorded) {
    const data = script.createCachedData();
    index[key] = [hash, offset, data.length];
    blobs.push(data);
    offset += data.length;
  }
  const json = Buffer.from(JSON.stringify(index), "utf8");
  const head = Buffer.alloc(4);
  head.writeUInt32LE(json.length, 0);
  writeFileSync(storeFile, Buffer.concat([head, json, ...blobs]));
}

module.exports = { runBundle, installLibraryCache, writeLibraryCache };
