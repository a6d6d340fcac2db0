// Compiles an OCSF event class from the vendored schema files (test/fixtures/ocsf/<version>, the
// upstream repository's own format) into a JSON Schema that ajv can check events against. What the
// OCSF schema server does, for what the tests need: a class's attributes are its parents' (extends)
// deep-merged with its own; every attribute's definition is the dictionary's deep-merged with the
// class's (types, enums, is_array); attributes of profiles (`$include`, or a `profile` tag) count only
// when the profile is applied; objects are compiled the same way (extends, $include, constraints
// at_least_one / just_one); `requirement: required` is required; no attribute outside the schema.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

type Json = Record<string, any>;

function deepMerge(a: Json | undefined, b: Json | undefined): Json {
  if (!a) return { ...(b ?? {}) };
  if (!b) return { ...a };
  const out: Json = { ...a };
  for (const [k, v] of Object.entries(b))
    out[k] = v && typeof v === "object" && !Array.isArray(v) && out[k] && typeof out[k] === "object" && !Array.isArray(out[k]) ? deepMerge(out[k], v) : v;
  return out;
}

export function compileOcsfClass(dir: string, classFile: string, profiles: readonly string[] = []): Json {
  const load = (rel: string): Json => JSON.parse(readFileSync(join(dir, rel), "utf8"));
  const dictionary = load("dictionary.json");
  const attributesDict: Json = dictionary.attributes;
  const types: Json = dictionary.types.attributes;
  const objectFiles = new Map<string, string>();
  const objectsDir = join(dir, "objects");
  for (const f of readdirSync(objectsDir)) objectFiles.set(JSON.parse(readFileSync(join(objectsDir, f), "utf8")).name, `objects/${f}`);

  /** A record's attributes (parents first), with the profile each came from. */
  function attributesOf(record: Json, parent: (name: string) => Json | undefined): Json {
    const base = record.extends ? (parent(record.extends) ?? {}) : {};
    const own: Json = {};
    for (const [k, v] of Object.entries<Json>(record.attributes ?? {})) {
      if (k === "$include") {
        for (const inc of v as unknown as string[]) {
          const p = load(inc);
          for (const [pk, pv] of Object.entries<Json>(p.attributes ?? {})) own[pk] = deepMerge({ profile: p.name }, deepMerge(own[pk], pv));
        }
      } else own[k] = deepMerge(own[k], v);
    }
    return deepMerge(base, own);
  }
  const classChain = (file: string): Json => {
    const c = load(file);
    const parentFile = c.extends === "base_event" ? "events/base_event.json" : c.extends === "finding" ? "events/findings/finding.json" : undefined;
    const parent = parentFile ? classChain(parentFile) : undefined;
    return { ...c, category: c.category ?? parent?.category, attributes: attributesOf(c, () => parent?.attributes) };
  };
  const objectRecord = (name: string): Json | undefined => {
    const file = objectFiles.get(name);
    if (!file) return undefined;
    const o = load(file);
    const parent = o.extends ? objectRecord(o.extends) : undefined;
    return { ...o, attributes: attributesOf(o, () => parent?.attributes), constraints: o.constraints ?? parent?.constraints };
  };

  const defs: Json = {};
  const baseType = (t: string): Json => {
    let cur = t;
    const extra: Json = {};
    for (let i = 0; i < 5 && types[cur]; i++) {
      if (types[cur].range) Object.assign(extra, { minimum: types[cur].range[0], maximum: types[cur].range[1] });
      if (!types[cur].type) break;
      cur = types[cur].type;
    }
    const json =
      cur === "string_t"
        ? "string"
        : cur === "integer_t" || cur === "long_t"
          ? "integer"
          : cur === "float_t"
            ? "number"
            : cur === "boolean_t"
              ? "boolean"
              : undefined;
    return json ? { type: json, ...extra } : {};
  };
  function attributeSchema(name: string, attr: Json): Json {
    const def = deepMerge(attributesDict[name], attr);
    const t: string | undefined = def.type;
    let item: Json;
    if (!t || t === "json_t") item = {};
    else if (t === "object") item = { type: "object" };
    else if (types[t]) item = baseType(t);
    else {
      compileObject(t);
      item = { $ref: `#/$defs/${t}` };
    }
    if (attr["x-enum"]) item = { ...item, enum: attr["x-enum"] };
    else if (def.enum && (item.type === "integer" || item.type === "string"))
      item = { ...item, enum: Object.keys(def.enum).map((k) => (item.type === "integer" ? Number(k) : k)) };
    return def.is_array ? { type: "array", items: item } : item;
  }
  function schemaOf(record: Json): Json {
    const properties: Json = {};
    const required: string[] = [];
    for (const [name, attr] of Object.entries<Json>(record.attributes)) {
      if (attr.profile && !profiles.includes(attr.profile)) continue;
      properties[name] = attributeSchema(name, attr);
      if (attr.requirement === "required") required.push(name);
    }
    const s: Json = { type: "object", properties, required, additionalProperties: false };
    const c = record.constraints;
    if (c?.at_least_one) s.anyOf = c.at_least_one.map((k: string) => ({ required: [k] }));
    if (c?.just_one) s.oneOf = c.just_one.map((k: string) => ({ required: [k] }));
    return s;
  }
  function compileObject(name: string): void {
    if (defs[name]) return;
    defs[name] = {}; // placeholder: objects refer to each other
    const o = objectRecord(name);
    if (!o) throw new Error(`OCSF object '${name}' is not in the vendored schema`);
    defs[name] = schemaOf(o);
  }
  const cls = classChain(classFile);
  // the uids the schema server derives: category, class = category * 1000 + class, type = class * 100 + activity
  const categoryUid: number = load("categories.json").attributes[cls.category].uid;
  const classUid = categoryUid * 1000 + cls.uid;
  const activities = Object.keys(deepMerge(attributesDict.activity_id, cls.attributes.activity_id).enum ?? {}).map(Number);
  cls.attributes.category_uid = deepMerge(cls.attributes.category_uid, { enum: { [categoryUid]: {} } });
  cls.attributes.class_uid = deepMerge(cls.attributes.class_uid, { enum: { [classUid]: {} } });
  cls.attributes.type_uid = deepMerge(cls.attributes.type_uid, { enum: Object.fromEntries(activities.map((a) => [classUid * 100 + a, {}])) });
  const fixed = (name: string, values: number[]) => (cls.attributes[name] = { ...cls.attributes[name], "x-enum": values });
  fixed("category_uid", [categoryUid]);
  fixed("class_uid", [classUid]);
  fixed(
    "type_uid",
    activities.map((a) => classUid * 100 + a),
  );
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: cls.caption,
    ...schemaOf(cls),
    $defs: defs,
    "x-ocsf": { category: cls.category, uid: cls.uid },
  };
}
