// Vendor and product names as advisories and devices spell them: "Example Automation GmbH" and
// "example-automation", "LX-100" and "LX100 firmware" must meet; "LX-1000" must not meet "LX-100".
// Names become word tokens (case, accents and punctuation dropped, letters and digits split);
// vendors lose trailing company-form words; products lose the words "firmware" and "software".

const COMPANY_FORMS = new Set([
  "inc",
  "incorporated",
  "ltd",
  "limited",
  "gmbh",
  "ag",
  "co",
  "corp",
  "corporation",
  "company",
  "llc",
  "sa",
  "se",
  "kg",
  "bv",
  "nv",
  "oy",
  "ab",
  "spa",
  "srl",
  "plc",
  "kk",
]);
const PRODUCT_NOISE = new Set(["firmware", "software", "fw"]);

/** Names repeat across advisories and devices (a sweep matches thousands): tokens are memoised. */
const memo = new Map<string, string[]>();
const MEMO_LIMIT = 50_000;

/** Word tokens of a name: lower case, accents removed, split at punctuation and letter/digit boundaries. */
export function nameTokens(name: string): string[] {
  const hit = memo.get(name);
  if (hit) return [...hit];
  if (memo.size >= MEMO_LIMIT) memo.clear();
  const tokens = tokenize(name);
  memo.set(name, tokens);
  return [...tokens];
}

function tokenize(name: string): string[] {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .split(/[^a-z0-9]+|(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])/)
    .filter(Boolean);
}

export function vendorTokens(vendor: string): string[] {
  const t = nameTokens(vendor);
  while (t.length > 1 && COMPANY_FORMS.has(t[t.length - 1]!)) t.pop();
  return t;
}

export function productTokens(product: string): string[] {
  return nameTokens(product).filter((t) => !PRODUCT_NOISE.has(t));
}

function startsWith(tokens: string[], prefix: string[]): boolean {
  return prefix.length > 0 && prefix.length <= tokens.length && prefix.every((t, i) => tokens[i] === t);
}

function containsRun(tokens: string[], run: string[]): boolean {
  if (run.length === 0) return false;
  for (let i = 0; i + run.length <= tokens.length; i++) if (run.every((t, j) => tokens[i + j] === t)) return true;
  return false;
}

export function sameVendor(a: string, b: string): boolean {
  const x = vendorTokens(a);
  const y = vendorTokens(b);
  return x.length > 0 && x.join(" ") === y.join(" ");
}

/** The advisory's product name is the observed name or its leading words ("LX-100" ~ "LX-100 PLC"). */
export function productNamesMatch(advisoryProduct: string, observedName: string): boolean {
  return startsWith(productTokens(observedName), productTokens(advisoryProduct));
}

/** Vendor (when given) and product both appear as whole words in free text such as sysDescr. */
export function textNames(text: string, advisoryVendor: string | undefined, advisoryProduct: string): boolean {
  const tokens = nameTokens(text);
  if (!containsRun(tokens, productTokens(advisoryProduct))) return false;
  return advisoryVendor === undefined || containsRun(tokens, vendorTokens(advisoryVendor));
}
