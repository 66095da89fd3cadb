// stancewire compare page: 2-4 articles, one row per claim. Plain JS, no build step; text
// from articles and models reaches the page only as text nodes (never innerHTML).
"use strict";

import { el } from "./dom.js";
import { read as historyEntries } from "./history.js";
import { STATUS_LABELS } from "./labels.js";
import { describeProblem } from "./problems.js";
import { KEY_STATUSES, KeyPanel, apiFetch } from "./key.js";

const MIN_ARTICLES = 2;
const MAX_ARTICLES = 4;
const $ = (id) => document.getElementById(id);
// A stored analysis is compared as stored (its text is not kept): a row it has no matching
// claim for was never looked for in it, which is not the same as "not mentioned".
const CELL_LABELS = { ...STATUS_LABELS, not_in_analysis: "Not in this analysis" };
const NO_CONFIDENCE = new Set(["not_mentioned", "not_in_analysis"]);
const ui = {
  form: $("compare-form"), articles: $("articles"), add: $("add-article"), claims: $("claims"), compare: $("compare"),
  status: $("status"), error: $("error"), empty: $("empty"), output: $("output"), rows: $("rows"), actors: $("actors"),
};

// With keys on, the same key panel as the analysis page (the key is kept per tab).
const keyPanel = new KeyPanel(document.querySelector("main"), (message) => (ui.status.textContent = message));

function addArticle() {
  const n = ui.articles.children.length + 1;
  if (n > MAX_ARTICLES) return;
  ui.articles.append(
    el(
      "fieldset",
      { class: "compare-article" },
      el("legend", {}, `Article ${n}`),
      el("label", { for: `label-${n}` }, "Outlet ", el("span", { class: "hint" }, "(optional)")),
      el("input", { id: `label-${n}`, type: "text", maxlength: "80", autocomplete: "off" }),
      el("label", { for: `text-${n}` }, "Article text"),
      el("textarea", { id: `text-${n}`, rows: "6", spellcheck: "false" }),
      storedPicker(n)
    )
  );
  ui.add.hidden = n >= MAX_ARTICLES;
}

/** "Or a stored analysis": the page's history (id, headline), used instead of the text. */
function storedPicker(n) {
  const entries = historyEntries();
  if (!entries.length) return null;
  const select = el(
    "select",
    { id: `stored-${n}`, onchange: () => ($(`text-${n}`).disabled = Boolean(select.value)) },
    el("option", { value: "" }, "— none: use the text above —"),
    entries.map((e) => el("option", { value: e.id }, e.headline))
  );
  return [el("label", { for: `stored-${n}` }, "Or an analysis from your history"), select];
}

function article(i) {
  const label = $(`label-${i}`).value.trim() || null;
  const stored = $(`stored-${i}`);
  if (stored && stored.value) {
    return { analysis_id: stored.value, label: label || stored.selectedOptions[0].textContent.slice(0, 80) };
  }
  return $(`text-${i}`).value.trim() ? { text: $(`text-${i}`).value, label } : null;
}

function request() {
  const articles = [...ui.articles.children].map((_, i) => article(i + 1));
  const claims = ui.claims.value.split("\n").map((c) => c.trim()).filter(Boolean);
  return { articles: articles.filter(Boolean), claims };
}

function showError(message) {
  ui.error.replaceChildren(el("p", {}, message));
  ui.error.hidden = false;
}

const percent = (v) => `${Math.round(v * 100)}%`;

function cell(c) {
  return el(
    "td",
    {},
    el("span", { class: `badge ${c.status}` }, CELL_LABELS[c.status] || c.status),
    NO_CONFIDENCE.has(c.status) ? null : el("span", { class: "confidence" }, ` ${percent(c.confidence)}`),
    c.speech_acts.length ? el("p", { class: "evidence-acts" }, c.speech_acts.map((a) => el("span", { class: `act ${a}` }, a))) : null,
    c.asserted_by.length ? el("p", { class: "who" }, `Asserted by ${c.asserted_by.join(", ")}`) : null,
    c.denied_by.length ? el("p", { class: "who" }, `Denied by ${c.denied_by.join(", ")}`) : null,
    c.quotes.length ? el("details", {}, el("summary", {}, "Sentences"), c.quotes.map((q) => el("blockquote", {}, q))) : null
  );
}

function table(caption, head, rows) {
  return el(
    "table",
    { class: "matrix compare-table" },
    el("caption", { class: "visually-hidden" }, caption),
    el("thead", {}, el("tr", {}, head.map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, rows)
  );
}

function render(result) {
  const head = ["Claim", ...result.labels];
  ui.rows.replaceChildren(
    result.rows.length
      ? table("Each claim's status in each article", head, result.rows.map((r) => el("tr", {}, el("th", { scope: "row" }, r.claim), r.cells.map(cell))))
      : el("p", { class: "none" }, "No claims to compare were found.")
  );
  const actorHead = ["Actor", ...result.labels];
  ui.actors.replaceChildren(
    result.actors.length
      ? table(
          "Each actor's stances in each article",
          actorHead,
          result.actors.map((a) =>
            el("tr", {}, el("th", { scope: "row" }, a.actor), a.stances.map((s) => el("td", {}, s.length ? s.join("; ") : "—")))
          )
        )
      : el("p", { class: "none" }, "No actor appears in more than one article.")
  );
  ui.empty.hidden = true;
  ui.output.hidden = false;
}

async function compare(event) {
  event.preventDefault();
  const body = request();
  if (body.articles.length < MIN_ARTICLES) {
    showError(`Paste or pick at least ${MIN_ARTICLES} articles to compare.`);
    return;
  }
  ui.error.hidden = true;
  ui.compare.disabled = true;
  ui.status.textContent = `Comparing ${body.articles.length} articles…`;
  try {
    const response = await apiFetch("v1/compare", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    });
    const payload = await response.json().catch(() => null);
    if (!response.ok) {
      ui.output.hidden = true;
      ui.empty.hidden = false;
      if (KEY_STATUSES.has(response.status)) keyPanel.show(true);
      showError(describeProblem(payload, response));
      ui.status.textContent = "The comparison did not complete.";
      return;
    }
    render(payload);
    ui.status.textContent = `Compared: ${payload.rows.length} claims, ${payload.actors.length} shared actors.`;
  } catch (_) {
    showError("Could not reach the stancewire service. Check that it is running, then try again.");
  } finally {
    ui.compare.disabled = false;
  }
}

for (let i = 0; i < MIN_ARTICLES; i++) addArticle();
ui.add.addEventListener("click", addArticle);
ui.form.addEventListener("submit", compare);
apiFetch("v1/models", { headers: { Accept: "application/json" } })
  .then((r) => (r.ok ? r.json() : {}))
  .then((data) => data.auth_required && keyPanel.show(false))
  .catch(() => {}); // without the list, a 401 still opens the key panel
