// Charts through uPlot (shipped with the package, served from this server: no CDN). Canvas only;
// labels are element numbers, verdict names and dates, never device strings. Colours match app.css.
const uPlot = /** @type {any} */ (globalThis).uPlot;

export const VERDICT_COLOUR = {
  pass: "#1a7f37",
  fail: "#c62828",
  partial: "#b45309",
  undetermined: "#8a6a00",
  attested: "#0b6e99",
  unverified: "#6b7280",
  error: "#7b1fa2",
};
/** bottom of the stack first: what needs attention sits on the axis */
const STACK = ["fail", "error", "undetermined", "partial", "unverified", "attested", "pass"];

function width(el) {
  return Math.max(320, Math.min(el.clientWidth || 560, 760));
}

/**
 * Devices per verdict for each of the 12 elements, stacked. uPlot draws bars from zero, so the
 * series hold running totals and are drawn largest first; the legend shows each verdict's own count.
 * @param {HTMLElement} el @param {Record<string, number>[]} perElement
 */
export function verdictChart(el, perElement) {
  if (!uPlot) return;
  const xs = perElement.map((_, i) => i + 1);
  const raw = STACK.map((v) => perElement.map((e) => e[v] ?? 0));
  const cumulative = raw.map((_, si) => xs.map((_, i) => raw.slice(0, si + 1).reduce((n, r) => n + r[i], 0)));
  const order = STACK.map((_, i) => STACK.length - 1 - i);
  const bars = uPlot.paths.bars({ size: [0.7, 48] });
  const opts = {
    width: width(el),
    height: 260,
    title: "Devices per verdict, by element",
    scales: { x: { time: false, range: [0.4, 12.6] } },
    axes: [{ splits: () => xs, values: (_u, s) => s.map(String), label: "element" }, { label: "devices" }],
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
    series: [
      { label: "element" },
      ...order.map((si) => ({
        label: STACK[si],
        fill: VERDICT_COLOUR[STACK[si]],
        stroke: VERDICT_COLOUR[STACK[si]],
        paths: bars,
        points: { show: false },
        value: (_u, _v, _s, i) => (i === null || i === undefined ? "—" : String(raw[si][i])),
      })),
    ],
  };
  return new uPlot(opts, [xs, ...order.map((si) => cumulative[si])], el);
}

/**
 * The fleet across sweeps: devices, devices changed since the sweep before, failing findings.
 * @param {HTMLElement} el @param {{createdAt: string, devices: number, failingFindings: number, vsPrevious: {changed: number, added: number, missing: number} | null}[]} sweeps
 */
export function timelineChart(el, sweeps) {
  if (!uPlot || sweeps.length === 0) return;
  const xs = sweeps.map((s) => Date.parse(s.createdAt) / 1000);
  const opts = {
    width: width(el),
    height: 240,
    title: "Fleet across sweeps",
    scales: { x: { time: true }, n: { auto: true }, f: { auto: true } },
    legend: { live: false },
    axes: [{}, { scale: "n", label: "devices" }, { scale: "f", side: 1, label: "failing findings", grid: { show: false } }],
    series: [
      {},
      { label: "devices", scale: "n", stroke: "#1f3b57", width: 2, points: { show: true, size: 7 } },
      { label: "changed since previous", scale: "n", stroke: "#b45309", width: 2, points: { show: true, size: 7 } },
      { label: "failing findings", scale: "f", stroke: "#c62828", width: 2, dash: [6, 4], points: { show: true, size: 7 } },
    ],
  };
  const changed = sweeps.map((s) => (s.vsPrevious ? s.vsPrevious.changed + s.vsPrevious.added + s.vsPrevious.missing : null));
  return new uPlot(opts, [xs, sweeps.map((s) => s.devices), changed, sweeps.map((s) => s.failingFindings)], el);
}
