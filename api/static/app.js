// stancewire demo page. Plain JS, no build step.
// Safety rule: article text and model output only ever reach the page through
// textContent / text nodes (see el()); never innerHTML.
"use strict";

import { ArticleView } from "./article.js";
import { clear, el, fmtInt, plural } from "./dom.js";
import { claimsCsv, markdown, stancesCsv } from "./export.js";
import { numbers, renderFindings } from "./findings.js";
import { STANCE_LABELS, STATUS_LABELS } from "./labels.js";
import { describeProblem } from "./problems.js";
import { FeedbackPanel } from "./feedback.js";
import { HistoryPanel, linkedId, setLinked, shareLink } from "./history.js";
import { KEY_STATUSES, KeyPanel, apiFetch, apiKey } from "./key.js";
import { analyzeWithProgress, readJson, stageText } from "./progress.js";
import { storedView } from "./stored.js";

(function () {
  const API = { analyze: "v1/analyze", extract: "v1/extract", models: "v1/models", example: "examples/seed_article.txt" };
  // Pasted HTML source or a lone URL (the same rules as api/extract.py): the service turns
  // it into article text, shown in the field before anything is analysed.
  const HTML_START = /^\s*(?:<!--[\s\S]*?-->\s*)*<(?:!doctype\s+html|[a-z][a-z0-9]*[\s/>])/i;
  const HTML_CLOSE = /<\/[a-z][a-z0-9]*\s*>|<!doctype/i;
  const URL_ONLY = /^\s*https?:\/\/\S+\s*$/i;
  // Until GET /v1/models says otherwise (the service's settings are the truth).
  const limits = { max_text_chars: null, max_claims: 20 };
  const $ = (id) => document.getElementById(id);
  const ui = {
    form: $("analyze-form"),
    title: $("title"),
    text: $("text"),
    textCount: $("text-count"),
    claims: $("claims"),
    model: $("model"),
    analyze: $("analyze"),
    cancel: $("cancel"),
    status: $("status"),
    elapsed: $("elapsed"),
    error: $("error"),
    results: $("results"),
    empty: $("empty"),
    output: $("output"),
    headline: $("headline"),
    summary: $("summary"),
    keyPoints: $("key-points"),
    actors: $("actors"),
    matrixWrap: $("matrix-wrap"),
    claimList: $("claim-list"),
    otherFindings: $("other-findings"),
    article: $("article"),
    warnings: $("warnings"),
    meta: $("meta"),
    copy: $("copy-json"),
    download: $("download-json"),
    exportStatus: $("export-status"),
    example: $("example"),
    back: $("back"),
    matrixHint: $("matrix-hint"),
    caller: document.querySelector(".caller-claims"),
    undoBar: $("undo-bar"),
    undoMessage: $("undo-message"),
    undo: $("undo"),
    citedBy: $("cited-by"),
    citedByTitle: $("cited-by-title"),
    citedByList: $("cited-by-list"),
    citedByClose: $("cited-by-close"),
    claimsCsv: $("claims-csv"),
    stancesCsv: $("stances-csv"),
    markdown: $("markdown"),
    print: $("print"),
    share: $("share"),
    stages: $("stages"),
  };

  // State of the page: the last analysis and the exact text it was computed on
  // (offsets in the response point into that text, not into the textarea).
  let current = null; // { analysis, text, stored }
  let running = null; // { controller, timer, started }
  let lastTrigger = null; // the stance cell or claim whose sentences are highlighted
  let undoState = null; // what "Undo" brings back: { current, title, text, claims }
  const articleView = new ArticleView(
    { article: ui.article, citedBy: ui.citedBy, citedByTitle: ui.citedByTitle, citedByList: ui.citedByList },
    (message) => setStatus(message)
  );
  const keyPanel = new KeyPanel(document.querySelector("main"), (message) => {
    setStatus(message);
    // A share link that needed the key opens as soon as the key is there.
    if (apiKey() && !current && linkedId()) openStored(linkedId());
  });
  const feedback = new FeedbackPanel(
    { panel: $("feedback"), form: $("feedback-form"), finding: $("fb-finding"), answer: $("fb-answer"), note: $("fb-note"), list: $("fb-list"), status: $("fb-status") },
    (message) => setStatus(message),
    () => keyPanel.show(true)
  );
  const recent = new HistoryPanel({ panel: $("history"), list: $("history-list") }, deleteStored);

  // ---------------------------------------------------------------- models

  async function loadModels() {
    try {
      const response = await apiFetch(API.models, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const data = await response.json();
      if (data.auth_required) keyPanel.show(false);
      Object.assign(limits, data.limits || {});
      updateCount();
      const models = Array.isArray(data.models) ? data.models : [];
      if (!models.length) return;
      clear(ui.model);
      for (const m of models) {
        const slow = m.engine === "builtin" ? "" : " (language model, takes seconds)";
        const label = `${m.label || m.id}${slow}`;
        ui.model.append(el("option", { value: m.id, selected: m.id === data.default }, label));
      }
    } catch (_) {
      // Keep "Service default": analysing still works without the list.
    }
  }

  // ---------------------------------------------------------------- request

  function buildRequest() {
    const body = { text: ui.text.value };
    const title = ui.title.value.trim();
    if (title) body.title = title;
    const claims = ui.claims.value
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
    if (claims.length) body.claims = claims;
    if (ui.model.value) body.model = ui.model.value;
    return body;
  }

  // The service counts characters as Unicode code points (an emoji is one), not UTF-16 units.
  const charCount = (text) => [...text].length;

  function localProblem(body) {
    if (!body.text.trim()) return "Paste the article text first.";
    const size = charCount(body.text);
    if (limits.max_text_chars && size > limits.max_text_chars)
      return `The article is too long to analyse in one go: it has ${fmtInt(size)} characters and the limit is ${fmtInt(limits.max_text_chars)}. Shorten it or split it into parts, then try again.`;
    if (body.claims && body.claims.length > limits.max_claims)
      return `You listed ${body.claims.length} claims to check; the limit is ${limits.max_claims}. Remove some and try again.`;
    if (body.claims && body.claims.some((c) => c.length > 500))
      return "Each claim to check must be under 500 characters. Shorten the long one and try again.";
    return null;
  }

  async function analyze(event) {
    event.preventDefault();
    if (running) return;
    const body = buildRequest();
    const problem = localProblem(body);
    if (problem) {
      showError(problem);
      ui.text.focus();
      return;
    }
    hideError();
    const option = ui.model.selectedOptions[0];
    startProgress(option && option.value ? option.textContent : "the default model");
    try {
      const answer = await analyzeWithProgress(API.analyze, body, running.controller.signal, onStage);
      const payload = answer.payload;
      if (!answer.ok) {
        // Results of another text must not stay under the error as if they were this one's.
        if (current && current.text !== body.text) clearResults("The results of the previous article were cleared.");
        if (KEY_STATUSES.has(answer.status)) keyPanel.show(true);
        showError(describeProblem(payload, answer), payload && payload.request_id);
        setStatus("The analysis did not complete.");
        return;
      }
      if (running.stages.length) running.stages.push("Done");
      // Offsets index the extracted text when the service extracted one (pasted HTML).
      current = { analysis: payload, text: payload.text || body.text, stored: true };
      hideUndo();
      render(payload, current.text);
      setLinked(payload.id);
      recent.remember(payload);
      setStatus(`Analysis ready: ${summaryCounts(payload)}.`);
    } catch (err) {
      if (err && err.name === "AbortError") {
        setStatus("Cancelled. Nothing was changed.");
      } else {
        showError("Could not reach the stancewire service. Check that it is running and that you are online, then try again.");
        setStatus("The analysis did not complete.");
      }
    } finally {
      stopProgress();
    }
  }

  function startProgress(modelName) {
    const controller = new AbortController();
    const started = performance.now();
    const stages = [];
    const tick = () => {
      const seconds = Math.floor((performance.now() - started) / 1000);
      const stage = stages.length ? `${stages[stages.length - 1]} · ` : "";
      ui.elapsed.textContent = `${stage}${seconds} s elapsed`;
    };
    running = { controller, started, stages, tick, timer: setInterval(tick, 250) };
    ui.stages.hidden = true;
    tick();
    setStatus(`Analysing with ${modelName}…`);
    ui.form.setAttribute("aria-busy", "true");
    ui.results.setAttribute("aria-busy", "true");
    ui.analyze.disabled = true;
    ui.analyze.textContent = "Analysing…";
    ui.cancel.hidden = false;
    ui.cancel.focus();
  }

  function stopProgress() {
    if (!running) return;
    const hadFocus = document.activeElement === ui.cancel;
    clearInterval(running.timer);
    if (running.stages.length) {
      ui.stages.textContent = `Stages: ${running.stages.join(" → ")}`;
      ui.stages.hidden = false;
    }
    running = null;
    ui.elapsed.textContent = "";
    ui.form.removeAttribute("aria-busy");
    ui.results.removeAttribute("aria-busy");
    ui.analyze.disabled = false;
    ui.analyze.textContent = "Analyze";
    ui.cancel.hidden = true;
    if (hadFocus) ui.analyze.focus();
  }

  function setStatus(message) {
    ui.status.textContent = message;
  }

  function onStage(stage, data) {
    if (!running) return;
    const text = stageText(stage, data);
    running.stages.push(text);
    running.tick();
    setStatus(`${text}…`);
  }

  // ---------------------------------------------------------------- stored analyses

  async function openStored(id) {
    if (running || (current && current.analysis.id === id)) return;
    hideError();
    setStatus("Opening the stored analysis…");
    try {
      const response = await apiFetch(`v1/analyses/${id}`, { headers: { Accept: "application/json" } });
      const payload = await readJson(response);
      if (!response.ok) {
        if (KEY_STATUSES.has(response.status)) keyPanel.show(true);
        showError(
          response.status === 404
            ? "This analysis is not stored any more (deleted, expired, or made with another key). Analyse the article again."
            : describeProblem(payload, response)
        );
        setStatus("The stored analysis did not open.");
        return;
      }
      const view = storedView(payload);
      ui.text.value = "";
      ui.title.value = "";
      updateCount();
      hideUndo();
      current = { analysis: payload, text: view.text, shown: view.analysis, stored: true };
      render(view.analysis, view.text);
      recent.remember(payload);
      setStatus(
        view.partial
          ? "Stored analysis opened. The service keeps the analysis, not the article: the article panel shows the sentences its findings cite."
          : "Stored analysis opened."
      );
    } catch (_) {
      showError("Could not reach the stancewire service to open the stored analysis.");
    }
  }

  /** DELETE a stored analysis (from the history); true when it is gone. */
  async function deleteStored(id) {
    try {
      const response = await apiFetch(`v1/analyses/${id}`, { method: "DELETE" });
      if (KEY_STATUSES.has(response.status)) {
        keyPanel.show(true);
        setStatus("Set your API key to delete this analysis.");
        return false;
      }
      // 404: already gone (expired or deleted elsewhere); the entry goes too.
      if (current && current.analysis.id === id) {
        clearResults("");
        hideUndo(); // nothing to bring back: it is deleted
      }
      setStatus("Analysis deleted from the service and from your history.");
      return true;
    } catch (_) {
      setStatus("Could not reach the stancewire service; nothing was deleted.");
      return false;
    }
  }

  async function copyShareLink() {
    if (!current) return;
    const link = shareLink(current.analysis.id);
    try {
      await navigator.clipboard.writeText(link);
      ui.exportStatus.textContent = "Share link copied. It opens this analysis for anyone who has the link (and, with keys on, the same key).";
    } catch (_) {
      ui.exportStatus.textContent = `Share link: ${link}`;
    }
  }

  // ---------------------------------------------------------------- errors

  function showError(message, requestId) {
    ui.error.replaceChildren(el("p", {}, message));
    if (requestId) ui.error.append(el("p", { class: "hint" }, `Reference: ${requestId}`));
    ui.error.hidden = false;
  }

  function hideError() {
    ui.error.hidden = true;
    clear(ui.error);
  }

  // ---------------------------------------------------------------- rendering

  function summaryCounts(a) {
    return [
      plural((a.actors || []).length, "actor"),
      plural((a.stances || []).length, "stance"),
      plural((a.claims || []).length, "claim"),
    ].join(", ");
  }

  function render(analysis, text) {
    lastTrigger = null;
    ui.back.hidden = true;
    const { citations, choices } = renderFindings(ui, analysis, { showEvidence, flag: (finding) => feedback.open(finding) });
    articleView.render(text, analysis, citations);
    feedback.attach(analysis, choices);

    ui.empty.hidden = true;
    ui.output.hidden = false;
    updateScrollHint();
  }

  function updateScrollHint() {
    const wrap = ui.matrixWrap;
    ui.matrixHint.hidden = !(wrap.scrollWidth > wrap.clientWidth + 1);
  }

  // ---------------------------------------------------------------- evidence links

  function showEvidence(evidence, trigger, finding) {
    for (const node of ui.article.querySelectorAll(".sentence.active")) node.classList.remove("active");
    for (const node of document.querySelectorAll("[aria-pressed]")) node.removeAttribute("aria-pressed");
    const nodes = (evidence || []).map((e) => document.getElementById(`s-${e.sentence}`)).filter(Boolean);
    for (const node of nodes) node.classList.add("active");
    if (trigger) trigger.setAttribute("aria-pressed", "true");
    lastTrigger = trigger || null;
    ui.back.hidden = !lastTrigger;
    if (!nodes.length) return;
    const smooth = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    nodes[0].scrollIntoView({ behavior: smooth ? "smooth" : "auto", block: "center" });
    setStatus(`${finding}: ${plural(nodes.length, "sentence")} highlighted in the article (${numbers(evidence)}).`);
  }

  function backToFinding() {
    if (!lastTrigger || !lastTrigger.isConnected) return;
    lastTrigger.scrollIntoView({ block: "center" });
    lastTrigger.focus();
  }

  // ---------------------------------------------------------------- export

  function exportName(kind, extension) {
    const id = current && current.analysis.id;
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
    return `stancewire-${id || stamp}${kind ? `-${kind}` : ""}.${extension}`;
  }

  function download(content, type, name) {
    const blob = new Blob([content], { type });
    const url = URL.createObjectURL(blob);
    const link = el("a", { href: url, download: name });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    ui.exportStatus.textContent = `Saved as ${name}.`;
  }

  const EXPORTS = {
    claims: () => [claimsCsv(current.analysis), "text/csv;charset=utf-8", exportName("claims", "csv")],
    stances: () => [stancesCsv(current.analysis), "text/csv;charset=utf-8", exportName("stances", "csv")],
    markdown: () => [
      markdown(current.analysis, { status: STATUS_LABELS, stance: STANCE_LABELS }),
      "text/markdown;charset=utf-8",
      exportName("", "md"),
    ],
  };

  function exportAs(kind) {
    if (current) download(...EXPORTS[kind]());
  }

  async function copyJson() {
    if (!current) return;
    const json = JSON.stringify(current.analysis, null, 2);
    try {
      await navigator.clipboard.writeText(json);
    } catch (_) {
      const area = el("textarea", { class: "visually-hidden", "aria-hidden": "true" });
      area.value = json;
      document.body.append(area);
      area.select();
      const ok = document.execCommand && document.execCommand("copy");
      area.remove();
      if (!ok) {
        ui.exportStatus.textContent = "Copy failed: your browser blocked it. Use Download instead.";
        return;
      }
    }
    ui.exportStatus.textContent = "JSON copied to the clipboard.";
  }

  function downloadJson() {
    if (current) download(JSON.stringify(current.analysis, null, 2), "application/json", exportName("", "json"));
  }

  // ---------------------------------------------------------------- one article at a time

  // A new article is a text whose opening differs from the analysed one's (a paste over it,
  // the example, an emptied field); edits further down keep the results on screen.
  const opening = (text) => text.replace(/\s+/g, " ").trim().slice(0, 40);
  function isNewArticle(text) {
    if (!current) return false;
    const before = opening(current.text);
    const now = opening(text);
    return !now || !(now.startsWith(before) || before.startsWith(now));
  }

  /** Hide the results (and the claims typed for them), keeping all of it for "Undo". */
  function clearResults(message) {
    if (!current) return;
    undoState = { current, title: ui.title.value, text: current.text, claims: ui.claims.value };
    current = null;
    setLinked(null);
    articleView.close(false);
    ui.claims.value = "";
    ui.output.hidden = true;
    ui.empty.hidden = false;
    ui.undoMessage.textContent = message;
    ui.undoBar.hidden = false;
  }

  function hideUndo() {
    undoState = null;
    ui.undoBar.hidden = true;
  }

  function undoClear() {
    if (!undoState) return;
    const saved = undoState;
    hideUndo();
    hideError();
    ui.title.value = saved.title;
    ui.text.value = saved.text;
    ui.claims.value = saved.claims;
    if (saved.claims) ui.caller.open = true;
    current = saved.current;
    render(current.shown || current.analysis, current.text);
    setLinked(current.analysis.id);
    updateCount();
    setStatus("The previous article and its results are back.");
    ui.text.focus();
  }

  const needsExtraction = (text) => URL_ONLY.test(text) || (HTML_START.test(text) && HTML_CLOSE.test(text));

  /** Replace pasted HTML or a URL by the article text the service extracts from it. */
  async function extractPasted() {
    const pasted = ui.text.value;
    const isUrl = URL_ONLY.test(pasted);
    setStatus(isUrl ? "Fetching the page…" : "Extracting the article text from the HTML…");
    try {
      const response = await apiFetch(API.extract, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ text: pasted }),
      });
      const payload = await readJson(response);
      if (ui.text.value !== pasted) return; // typed over meanwhile: keep what is there now
      if (!response.ok) {
        showError(describeProblem(payload, response), payload && payload.request_id);
        setStatus("Nothing was extracted.");
        return;
      }
      ui.text.value = payload.text;
      if (payload.title && !ui.title.value.trim()) ui.title.value = payload.title;
      updateCount();
      const from = isUrl ? "the page" : "the pasted HTML";
      setStatus(`Article text extracted from ${from}${payload.title ? " (title kept)" : ""}. Check it, then press Analyze.`);
    } catch (_) {
      showError("Could not reach the stancewire service to extract the article text. Paste the text instead.");
    }
  }

  // Only a paste (or a drop) is extracted: a URL typed by hand is not fetched letter by letter.
  function onPaste() {
    setTimeout(() => needsExtraction(ui.text.value) && extractPasted(), 0); // after the insert
  }

  function onTextChanged() {
    updateCount();
    if (isNewArticle(ui.text.value)) {
      hideError();
      clearResults("New article: the previous results and claims to check were cleared.");
    }
  }

  // ---------------------------------------------------------------- wiring

  async function loadExample() {
    try {
      const response = await fetch(API.example);
      if (!response.ok) throw new Error(String(response.status));
      ui.text.value = await response.text();
      ui.title.value = "";
      onTextChanged();
      ui.text.focus();
      setStatus("Example article loaded: a news report on North Korean troops sent to Russia. Press Analyze.");
    } catch (_) {
      showError("The example article could not be loaded. Paste an article instead.");
    }
  }

  function updateCount() {
    const size = charCount(ui.text.value);
    const limit = limits.max_text_chars;
    const over = limit && size > limit;
    ui.textCount.textContent = limit
      ? `${fmtInt(size)} of ${fmtInt(limit)} characters${over ? ` (${fmtInt(size - limit)} over the limit)` : ""}`
      : plural(size, "character");
    ui.textCount.classList.toggle("over", Boolean(over));
  }

  ui.form.addEventListener("submit", analyze);
  ui.cancel.addEventListener("click", () => running && running.controller.abort());
  ui.text.addEventListener("input", onTextChanged);
  ui.text.addEventListener("paste", onPaste);
  ui.text.addEventListener("drop", onPaste);
  ui.form.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      ui.form.requestSubmit();
    }
    if (ev.key === "Escape" && running) running.controller.abort();
  });
  ui.example.addEventListener("click", loadExample);
  window.addEventListener("resize", () => current && updateScrollHint());
  ui.back.addEventListener("click", backToFinding);
  ui.copy.addEventListener("click", copyJson);
  ui.download.addEventListener("click", downloadJson);
  ui.claimsCsv.addEventListener("click", () => exportAs("claims"));
  ui.stancesCsv.addEventListener("click", () => exportAs("stances"));
  ui.markdown.addEventListener("click", () => exportAs("markdown"));
  ui.print.addEventListener("click", () => window.print());
  ui.share.addEventListener("click", copyShareLink);
  window.addEventListener("hashchange", () => linkedId() && openStored(linkedId()));
  ui.undo.addEventListener("click", undoClear);
  const closePanel = () => articleView.close(true);
  ui.citedByClose.addEventListener("click", closePanel);
  ui.citedBy.addEventListener("keydown", (ev) => ev.key === "Escape" && closePanel());
  ui.article.addEventListener("keydown", (ev) => ev.key === "Escape" && closePanel());
  updateCount();
  loadModels().then(() => linkedId() && openStored(linkedId()));
})();
