// otaudit fleet dashboard: a small single-page app over the read-only JSON API of `otaudit serve`.
// The URL holds the whole view (page, sweep, filters, page number), so a view can be shared; links
// inside the app change the URL with history.pushState and render again. Rendering builds DOM nodes
// with text only (dom.js). Views: overview (zones, gaps, verdict chart, heatmap list), device, drift.
import { h, replace } from "./dom.js";
import { ApiError, getJson, takeTokenFromFragment, tokenForm } from "./api.js";
import { renderOverview } from "./overview.js";
import { renderDevice } from "./device.js";
import { renderDrift } from "./drift.js";

const view = /** @type {HTMLElement} */ (document.getElementById("view"));
const sweepPick = /** @type {HTMLSelectElement} */ (document.getElementById("sweep"));
let meta = null;
let renderId = 0;

export function navigate(href) {
  history.pushState(null, "", href);
  render();
}

/** Same-origin links marked data-nav are handled here (no page load). */
document.addEventListener("click", (e) => {
  const a = e.target instanceof Element ? e.target.closest("a[data-nav]") : null;
  if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
  e.preventDefault();
  navigate(a.getAttribute("href"));
});
window.addEventListener("popstate", () => render());

sweepPick.addEventListener("change", () => {
  const sp = new URLSearchParams(location.search);
  const keep = new URLSearchParams();
  if (location.pathname === "/device" && sp.get("host")) keep.set("host", sp.get("host"));
  keep.set("sweep", sweepPick.value);
  navigate(`${location.pathname}?${keep}`);
});

function fillSweeps(current) {
  replace(
    sweepPick,
    meta.sweeps.map((s) =>
      h(
        "option",
        { value: s.id, selected: s.id === current },
        `${s.createdAt.slice(0, 16).replace("T", " ")} · ${s.id} · ${s.devices} devices${s.status === "done" ? "" : ` (${s.status})`}`,
      ),
    ),
  );
}

async function render() {
  const id = ++renderId;
  const sp = new URLSearchParams(location.search);
  try {
    if (!meta) meta = await getJson("/api/meta");
    document.getElementById("source").textContent = `${meta.source} · read-only`;
    const sweep = sp.get("sweep") ?? meta.sweeps[0]?.id ?? "";
    fillSweeps(sweep);
    for (const a of document.querySelectorAll("header nav a"))
      a.classList.toggle("here", a.getAttribute("href") === location.pathname || (location.pathname === "/device" && a.getAttribute("href") === "/"));
    if (meta.sweeps.length === 0) return void replace(view, h("p", null, "The store holds no sweep yet."));
    const ctx = { meta, sp, sweep, view, isCurrent: () => id === renderId, navigate };
    if (location.pathname === "/device") await renderDevice(ctx);
    else if (location.pathname === "/drift") await renderDrift(ctx);
    else await renderOverview(ctx);
  } catch (e) {
    if (id !== renderId) return;
    if (e instanceof ApiError && e.status === 401) return tokenForm(view, () => ((meta = null), render()));
    replace(
      view,
      h("p", { class: "error", role: "alert" }, e instanceof ApiError ? `The server refused: ${e.message}` : `Could not load the view: ${e.message}`),
    );
  }
}

takeTokenFromFragment();
render();
