// fogofwar's page: a map of ledger events, a time slider, a claims board and an article
// view that highlights the words behind every field. It reads the REST API only.
"use strict";

const TYPE_COLOURS = {
  "Battles": "#d62728", "Explosions/Remote violence": "#ff7f0e", "Violence against civilians": "#9467bd",
  "Protests": "#2ca02c", "Riots": "#8c564b", "Strategic developments": "#1f77b4",
};
const SIDE_COLOURS = { UA: "#1565c0", RU: "#c62828", third_party: "#2e7d32", unknown: "#616161" };
// Region-level events are drawn as shaded discs of about the region's size, never as pins.
const REGION_RADIUS_M = { adm2: 25000, adm1: 70000, vague: 120000 };

const state = { events: [], days: [], layer: null, markers: new Map(), selected: null, conflicts: [], regions: {} };
const $ = (id) => document.getElementById(id);

function authHeaders() {
  const token = $("token").value.trim();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

async function getJSON(url, options = {}) {
  const response = await fetch(url, options);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ? `${body.error.code} ${body.error.message}` : response.statusText);
  return body;
}

async function allPages(path) {
  let items = [];
  let url = `${path}${path.includes("?") ? "&" : "?"}limit=500`;
  while (url) {
    const page = await getJSON(url);
    items = items.concat(page.items);
    url = page.next;
  }
  return items;
}

function say(text) { $("status").textContent = text; }

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

// --- the map -----------------------------------------------------------------------------

async function drawCountries(map) {
  const world = await getJSON("/vendor/world-atlas/countries-110m.json");
  const outlines = topojson.feature(world, world.objects.countries);
  L.geoJSON(outlines, { style: { color: "#8a8a8a", weight: 1, fillColor: "#f5f3ee", fillOpacity: 1 } }).addTo(map);
}

function placeOf(event) {
  const mention = event.place;
  const place = mention && mention.place;
  if (!place) return null;
  if (place.latitude !== null && place.longitude !== null) {
    return { lat: place.latitude, lon: place.longitude, name: place.name, precision: mention.precision };
  }
  // a region known only by its code: drawn at its representative point, as a region
  const region = REGION_RADIUS_M[mention.precision] && state.regions[place.admin1];
  if (!region || region.latitude === null) return null;
  return { lat: region.latitude, lon: region.longitude, name: place.name, precision: mention.precision, centroid: true };
}

async function loadRegions() {
  const codes = [...new Set(state.events.map((e) => e.place && e.place.place).filter((p) => p && p.latitude === null
    && p.admin1).map((p) => p.admin1))];
  if (!codes.length) return;
  const found = await getJSON(`/regions?${codes.map((c) => `code=${encodeURIComponent(c)}`).join("&")}`);
  for (const region of found) state.regions[region.code] = region;
}

function sidesOf(event) {
  return [event.actor1, event.actor2].filter(Boolean).map((a) => a.side);
}

function markerFor(event, labelled) {
  const where = placeOf(event);
  const colour = TYPE_COLOURS[event.event_type] || "#555";
  const radius = REGION_RADIUS_M[where.precision];
  let marker;
  if (radius) {  // known only to a region: a labelled shaded disc
    marker = L.circle([where.lat, where.lon], { radius, color: colour, weight: 1, dashArray: "4 4",
                                                fillColor: colour, fillOpacity: 0.15, className: "ev-marker ev-region" });
    // one permanent label per region; its other events name it on hover
    marker.bindTooltip(`${where.name} (region-level${where.centroid ? ", drawn at its centre" : ""})`,
                       { permanent: !labelled.has(where.name), direction: "center", className: "region-label" });
    labelled.add(where.name);
  } else {  // a named place: a point; "near" it: a hollow ring
    const near = where.precision !== "point";
    marker = L.circleMarker([where.lat, where.lon], { radius: near ? 9 : 7, color: colour, weight: 2,
                                                      fillColor: colour, fillOpacity: near ? 0.2 : 0.9,
                                                      className: `ev-marker ev-${near ? "near" : "point"}` });
  }
  marker.on("click", () => openEvent(event.id));
  return marker;
}

function visibleEvents() {
  const type = $("type-filter").value;
  const side = $("side-filter").value;
  const index = Number($("time-slider").value);
  const upTo = index < state.days.length ? state.days[index] : null;
  return state.events.filter((e) => (!type || e.event_type === type)
    && (!side || sidesOf(e).includes(side))
    && (upTo === null || (e.date.start && e.date.start <= upTo)));
}

function regionFirst(event) {
  const where = placeOf(event);
  return where && REGION_RADIUS_M[where.precision] ? 0 : 1;
}

function redraw(map) {
  if (state.layer) state.layer.remove();
  state.layer = L.layerGroup().addTo(map);
  state.markers.clear();
  // regions first, so that the points drawn over their discs stay clickable
  const shown = visibleEvents().sort((a, b) => regionFirst(a) - regionFirst(b));
  const list = $("event-list");
  list.replaceChildren();
  let unplaced = 0;
  const labelled = new Set();
  for (const event of shown) {
    if (placeOf(event)) {
      const marker = markerFor(event, labelled).addTo(state.layer);
      const node = marker.getElement();
      if (node) node.dataset.eventId = event.id;
      state.markers.set(event.id, marker);
    } else {
      unplaced += 1;
    }
    list.append(el("li", { dataset: { eventId: event.id }, onclick: () => openEvent(event.id) },
                   `${event.date.start || "undated"} · ${event.event_type} / ${event.sub_event_type} · `
                   + `${(event.place && event.place.place && event.place.place.name) || "place unknown"} · `
                   + `${event.event_ids.length} report(s)`));
  }
  $("event-count").textContent = `(${shown.length} of ${state.events.length})`;
  $("unplaced").textContent = unplaced ? `${unplaced} shown event(s) have no coordinates and are not on the map.` : "";
  const index = Number($("time-slider").value);
  $("time-label").textContent = index < state.days.length ? state.days[index] : "all dates";
}

function setUpFilters(map) {
  const types = [...new Set(state.events.map((e) => e.event_type))].sort();
  for (const type of types) $("type-filter").append(el("option", { value: type }, type));
  state.days = [...new Set(state.events.map((e) => e.date.start).filter(Boolean))].sort();
  const slider = $("time-slider");
  slider.max = String(state.days.length);
  slider.value = String(state.days.length);
  for (const id of ["type-filter", "side-filter", "time-slider"]) $(id).addEventListener("input", () => redraw(map));
  $("legend").replaceChildren(...types.map((t) => el("span", {}, el("i", { style: `background:${TYPE_COLOURS[t] || "#555"}` }), t)));
}

// --- one event and its reports --------------------------------------------------------------

function actorText(actor) { return actor ? `${actor.name} (${actor.side})` : "—"; }

async function openEvent(id) {
  say("loading the event…");
  const detail = await getJSON(`/events/${encodeURIComponent(id)}`);
  const e = detail.event;
  state.selected = e.id;
  for (const li of $("event-list").children) li.classList.toggle("selected", li.dataset.eventId === e.id);
  const where = placeOf(e);
  const fields = [
    ["type", `${e.event_type} / ${e.sub_event_type}`],
    ["actors", `${actorText(e.actor1)} vs ${actorText(e.actor2)}`],
    ["place", where ? `${where.name} (${where.precision})` : "unknown"],
    ["date", e.date.start && e.date.end && e.date.end !== e.date.start
      ? `${e.date.start} to ${e.date.end} (${e.date.precision})` : `${e.date.start || "unknown"} (${e.date.precision})`],
    ["fatalities", e.fatalities_best === null && e.fatalities_low === null ? "—"
      : `low ${e.fatalities_low ?? "?"} / best ${e.fatalities_best ?? "?"} / high ${e.fatalities_high ?? "?"}`],
    ["territory", e.territory_change],
  ];
  const dl = el("dl", {}, ...fields.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
  const reports = el("ol", { id: "event-reports" }, ...detail.reports.map((r, n) => el("li", {},
    `${(r.outlets || []).join(", ") || "outlet unknown"}, ${r.published || "undated"}: “${r.event.evidence.text}” `,
    el("button", { type: "button", dataset: { report: String(n) }, onclick: () => showReport(r) }, "show in article"))));
  const why = el("ul", {}, ...(e.reasons || []).map((r) => el("li", {}, r)));
  $("event-detail").replaceChildren(el("p", {}, el("code", {}, e.id)), dl, el("h3", {}, "Reports"), reports,
                                    el("h3", {}, "Why merged"), why);
  $("event-pane").hidden = false;
  state.detail = detail;
  $("correct-form").hidden = !$("token").value.trim();
  await showAudit(detail);
  if (detail.reports.length) await showReport(detail.reports[0]);
  say("");
}

// --- corrections: made in the token's name, kept in the audit log, shown here ----------------

async function submitCorrection(submit) {
  submit.preventDefault();
  const detail = state.detail;
  if (!detail) return;
  const body = { target: "event", id: detail.reports[0].event.id, field: $("correct-field").value,
                 value: $("correct-value").value, reason: $("correct-reason").value };
  try {
    await getJSON("/corrections", { method: "POST", body: JSON.stringify(body),
                                    headers: { "Content-Type": "application/json", ...authHeaders() } });
    $("correct-result").textContent = "corrected";
    state.events = await allPages("/events");
    redraw(state.map);
    await openEvent(body.id);
  } catch (error) {
    $("correct-result").textContent = `refused: ${error.message}`;
  }
}

function anchoredHere(correction, detail) {
  const spans = detail.reports.map((r) => r.event.evidence);
  const hits = (a) => a && spans.some((e) => e.article_id === a.article_id && e.start === a.start && e.end === a.end);
  return hits(correction.anchor) || hits(correction.other);
}

async function showAudit(detail) {
  const list = $("audit-list");
  if (!$("token").value.trim()) {
    list.replaceChildren(el("li", {}, "give an editor token to see it"));
    return;
  }
  try {
    const entries = (await getJSON("/audit?limit=500", { headers: authHeaders() })).items
      .filter((entry) => anchoredHere(entry.correction, detail));
    list.replaceChildren(...(entries.length ? entries.map(({ correction: c }) => el("li", { class: "audit-entry" },
      `${c.at} ${c.by}: ${c.field} ${JSON.stringify(c.old_value)} → ${JSON.stringify(c.new_value)} (${c.reason})`))
      : [el("li", {}, "no corrections")]));
  } catch (error) {
    list.replaceChildren(el("li", {}, `audit unavailable: ${error.message}`));
  }
}

function spanOf(evidence, cls, title) {
  return evidence ? { start: evidence.start, end: evidence.end, cls, title } : null;
}

async function showReport(report) {
  const ev = report.event;
  const spans = [spanOf(ev.evidence, "evidence", "the event"),
                 spanOf(ev.place && ev.place.evidence, "field field-place", "place"),
                 spanOf(ev.actor1 && ev.actor1.evidence, "field field-actor", "actor 1"),
                 spanOf(ev.actor2 && ev.actor2.evidence, "field field-actor", "actor 2"),
                 spanOf(ev.date && ev.date.evidence, "field field-date", "date"),
                 ...(ev.quantities || []).map((q) => spanOf(q.evidence, "field field-quantity", q.unit))];
  await showArticle(report.article_id, spans.filter(Boolean));
}

// --- the article view ------------------------------------------------------------------------

async function showArticle(articleId, spans) {
  const item = await getJSON(`/articles/${encodeURIComponent(articleId)}`);
  const article = item.article;
  $("article-meta").textContent = `${article.title || article.id.slice(0, 12)} · ${article.published || "undated"} · `
    + (item.reports || []).map((r) => r.outlet).filter(Boolean).join(", ");
  const box = $("article-text");
  box.replaceChildren(render(Array.from(article.text || ""), spans));
  $("article-pane").hidden = false;
  const first = box.querySelector("mark.evidence");
  if (first) first.scrollIntoView({ block: "center" });
}

// Spans are code-point offsets (as the ledger stores them); nested spans are drawn inside the
// one that holds them, and a span that crosses another's edge is left out rather than misdrawn.
function render(codePoints, spans) {
  const sorted = spans.filter((s) => s.start < s.end && s.end <= codePoints.length)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const root = { start: 0, end: codePoints.length, children: [] };
  const stack = [root];
  for (const span of sorted) {
    while (stack.length > 1 && span.start >= stack[stack.length - 1].end) stack.pop();
    const parent = stack[stack.length - 1];
    if (span.end > parent.end) continue;
    const node = { ...span, children: [] };
    parent.children.push(node);
    stack.push(node);
  }
  return build(codePoints, root);
}

function build(codePoints, node) {
  const out = document.createDocumentFragment();
  let at = node.start;
  for (const child of node.children) {
    out.append(codePoints.slice(at, child.start).join(""));
    const tag = child.cls === "evidence" ? "mark" : "span";
    const wrap = el(tag, { class: child.cls, title: child.title });
    wrap.append(build(codePoints, child));
    out.append(wrap);
    at = child.end;
  }
  out.append(codePoints.slice(at, node.end).join(""));
  return out;
}

// --- the claims board -------------------------------------------------------------------------

function drawChart(item) {
  const values = item.timeline.values;
  const dated = values.filter((v) => v.as_of.start);
  const days = [...new Set(dated.map((v) => v.as_of.start))].sort();
  const hasUndated = dated.length < values.length;
  const slots = days.length + (hasUndated ? 1 : 0) || 1;
  const top = Math.max(1, ...values.flatMap((v) => [v.low, v.high]).filter((x) => x !== null && isFinite(x)));
  const W = 800, H = 240, left = 60, bottom = 30;
  const x = (v) => left + ((v.as_of.start ? days.indexOf(v.as_of.start) : days.length) + 0.5) * (W - left - 10) / slots;
  const y = (n) => H - bottom - (n / (top * 1.1)) * (H - bottom - 10);
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  const add = (tag, attrs, text) => {
    const node = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    svg.append(node);
    return node;
  };
  add("line", { x1: left, y1: H - bottom, x2: W, y2: H - bottom, stroke: "#999" });
  add("text", { x: 4, y: 14, "font-size": 12 }, `${item.timeline.unit}`);
  add("text", { x: 4, y: y(top) + 4, "font-size": 11 }, Math.round(top).toLocaleString());
  [...days, ...(hasUndated ? ["undated"] : [])].forEach((d, n) => add("text", {
    x: left + (n + 0.5) * (W - left - 10) / slots, y: H - 10, "font-size": 11, "text-anchor": "middle" }, d));
  const point = new Map();
  for (const v of values) {
    const cx = x(v), colour = SIDE_COLOURS[v.claimant.side] || "#555";
    const low = v.low ?? 0, high = v.high ?? top * 1.1;
    if (high - low > top * 0.005) add("line", { x1: cx, x2: cx, y1: y(low), y2: y(high), stroke: colour, "stroke-width": 6,
                                                 "stroke-opacity": 0.35 });
    const mid = v.high === null ? low : (low + high) / 2;
    const dot = add("circle", { cx, cy: y(mid), r: 5, fill: colour, class: "value" });
    dot.append(Object.assign(document.createElementNS(ns, "title"),
                             { textContent: `${v.claimant.name} (${v.claimant.side}): ${v.quantity.evidence.text}` }));
    point.set(`${v.claim_id}:${v.quantity.evidence.start}`, [cx, y(mid)]);
  }
  for (const d of item.disagreements.filter((d) => d.status === "disputed")) {
    const a = point.get(`${d.a.claim_id}:${d.a.quantity.evidence.start}`);
    const b = point.get(`${d.b.claim_id}:${d.b.quantity.evidence.start}`);
    if (a && b) add("line", { x1: a[0], y1: a[1], x2: b[0], y2: b[1], stroke: "#c62828", "stroke-dasharray": "5 4",
                              class: "disputed-link" });
  }
  $("chart").replaceChildren(svg);
}

function showMeasure() {
  const item = state.conflicts[Number($("measure-select").value)];
  if (!item) return;
  drawChart(item);
  const disputed = new Set(item.disagreements.filter((d) => d.status === "disputed")
    .flatMap((d) => [d.a, d.b]).map((v) => `${v.claim_id}:${v.quantity.evidence.start}`));
  $("claim-values").replaceChildren(...item.timeline.values.map((v) => el("li", {},
    `${v.as_of.start || "undated"} `, el("span", { class: `side-${v.claimant.side}` }, `${v.claimant.name} (${v.claimant.side})`),
    ` “${v.quantity.evidence.text}” `,
    ...(disputed.has(`${v.claim_id}:${v.quantity.evidence.start}`) ? [el("span", { class: "disputed" }, "disputed"), " "] : []),
    el("button", { type: "button", onclick: () => showArticle(v.article_id, [
      spanOf(v.quantity.evidence, "evidence", "the figure"),
      spanOf(v.claimant.evidence, "field field-claimant", "claimant")].filter(Boolean)) }, "show in article"))));
}

async function loadClaimsBoard() {
  state.conflicts = await allPages("/conflicts");
  const select = $("measure-select");
  select.replaceChildren(...state.conflicts.map((c, n) => el("option", { value: String(n) },
    `${c.timeline.measure} (${c.timeline.unit}), ${c.timeline.region || "region unknown"}`
    + (c.disagreements.some((d) => d.status === "disputed") ? " — disputed" : ""))));
  const firstDisputed = state.conflicts.findIndex((c) => c.disagreements.some((d) => d.status === "disputed"));
  select.value = String(Math.max(0, firstDisputed));
  select.addEventListener("input", showMeasure);
  showMeasure();
}

async function main() {
  const map = L.map("map", { worldCopyJump: true }).setView([50.5, 36], 5);
  state.map = map;
  $("correct-form").addEventListener("submit", submitCorrection);
  $("token").addEventListener("change", () => { if (state.detail) openEvent(state.detail.reports[0].event.id); });
  map.attributionControl.addAttribution("Natural Earth (public domain) · GeoNames (CC BY 4.0)");
  say("loading…");
  try {
    await drawCountries(map);
    state.events = await allPages("/events");
    await loadRegions();
    setUpFilters(map);
    redraw(map);
    const placed = state.events.map(placeOf).filter(Boolean);
    if (placed.length) map.fitBounds(placed.map((p) => [p.lat, p.lon]), { padding: [30, 30], maxZoom: 8 });
    await loadClaimsBoard();
    document.body.dataset.ready = "true";
    say("");
  } catch (error) {
    say(`could not load the ledger: ${error.message}`);
    throw error;
  }
}

main();
