// Editor feedback: "this is wrong" on a claim, a stance or an actor, with the correct answer
// (from the contract's labels) and a note, stored through POST /v1/analyses/{id}/feedback.
// What was flagged is marked on the findings and listed; GET …/feedback brings it back when
// a stored analysis is reopened (reload, share link).
"use strict";

import { clear, el } from "./dom.js";
import { apiFetch } from "./key.js";
import { readJson } from "./progress.js";
import { STANCE_LABELS, STATUS_LABELS } from "./labels.js";
import { describeProblem } from "./problems.js";

const EVIDENCE = { value: "evidence", label: "Its cited sentences do not show it", problem: "wrong_evidence" };
const STATUSES = ["confirmed", "unconfirmed", "disputed", "denied", "not_mentioned"];

/** The answers an editor may give for a finding: { value, label, problem, expected }. */
function answersFor(kind) {
  if (kind === "claims")
    return [...STATUSES.map((s) => ({ value: s, label: `Should be: ${STATUS_LABELS[s]}`, problem: "wrong_status", expected: s })), EVIDENCE];
  if (kind === "stances")
    return [...Object.entries(STANCE_LABELS).map(([s, l]) => ({ value: s, label: `Should be: ${l}`, problem: "wrong_stance", expected: s })), EVIDENCE];
  return [
    { value: "not_an_actor", label: "Not an actor in this article", problem: "not_an_actor" },
    { value: "other", label: "Something else (say what in the note)", problem: "other" },
  ];
}

export function describeFeedback(item) {
  const should = item.expected ? `should be ${STATUS_LABELS[item.expected] || STANCE_LABELS[item.expected] || item.expected}` : null;
  const what = { wrong_evidence: "wrong sentences cited", not_an_actor: "not an actor", missing: "missing", other: "wrong" }[item.problem];
  return [`Flagged: ${should || what || "wrong"}`, item.note ? `— “${item.note}”` : ""].join(" ").trim();
}

export class FeedbackPanel {
  /** nodes: { panel, form, finding, answer, note, list, status }; setStatus(message). */
  constructor(nodes, setStatus, onKeyProblem) {
    this.nodes = nodes;
    this.setStatus = setStatus;
    this.onKeyProblem = onKeyProblem;
    this.analysis = null;
    this.items = [];
    nodes.form.addEventListener("submit", (ev) => this.submit(ev));
    nodes.finding.addEventListener("change", () => this.fillAnswers());
  }

  /** A new analysis on screen: list its findings, then load the feedback it already has. */
  async attach(analysis, labels) {
    this.analysis = analysis;
    this.items = [];
    this.nodes.status.textContent = "";
    clear(this.nodes.finding);
    for (const [group, entries] of labels) {
      if (!entries.length) continue;
      this.nodes.finding.append(el("optgroup", { label: group }, entries.map(([value, text, now]) => el("option", { value, dataset: { now: now || "" } }, text))));
    }
    this.fillAnswers();
    this.renderList();
    if (analysis.id) await this.load();
  }

  fillAnswers() {
    const kind = (this.nodes.finding.value || "").split("/")[0];
    const chosen = this.nodes.finding.selectedOptions[0];
    const now = chosen ? chosen.dataset.now : ""; // the finding's own answer is not offered
    clear(this.nodes.answer);
    for (const a of answersFor(kind)) if (!a.expected || a.expected !== now) this.nodes.answer.append(el("option", { value: a.value }, a.label));
  }

  /** "This is wrong" on a finding: the form, with that finding chosen. */
  open(finding) {
    this.nodes.finding.value = finding;
    this.fillAnswers();
    this.nodes.panel.scrollIntoView({ block: "nearest" });
    this.nodes.answer.focus();
  }

  url() {
    return `v1/analyses/${encodeURIComponent(this.analysis.id)}/feedback`;
  }

  async load() {
    const analysis = this.analysis;
    try {
      const response = await apiFetch(this.url(), { headers: { Accept: "application/json" } });
      if (!response.ok || analysis !== this.analysis) return; // not stored (or replaced meanwhile)
      const payload = await readJson(response);
      this.items = (payload && payload.items) || [];
      this.renderList();
    } catch (_) {
      // Feedback is an extra: the analysis stays usable without it.
    }
  }

  async submit(ev) {
    ev.preventDefault();
    if (!this.analysis) return;
    const finding = this.nodes.finding.value;
    const answer = answersFor(finding.split("/")[0]).find((a) => a.value === this.nodes.answer.value);
    const body = { finding, problem: answer.problem };
    if (answer.expected) body.expected = answer.expected;
    const note = this.nodes.note.value.trim();
    if (note) body.note = note;
    try {
      const response = await apiFetch(this.url(), {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body),
      });
      const payload = await readJson(response);
      if (!response.ok) {
        if (response.status === 401) this.onKeyProblem();
        this.nodes.status.textContent =
          response.status === 404
            ? "This analysis is not stored (or no longer), so it cannot take feedback."
            : describeProblem(payload, response);
        return;
      }
      this.items.push(payload);
      this.nodes.note.value = "";
      this.renderList();
      this.nodes.status.textContent = "Thank you: the feedback is stored with the analysis.";
      this.setStatus("Feedback stored.");
    } catch (_) {
      this.nodes.status.textContent = "Could not reach the stancewire service; the feedback was not stored.";
    }
  }

  /** The list under the form, and a mark on each flagged finding. */
  renderList() {
    clear(this.nodes.list);
    for (const node of document.querySelectorAll(".flag-mark")) node.remove();
    for (const node of document.querySelectorAll(".flagged")) node.classList.remove("flagged");
    const option = (finding) => this.nodes.finding.querySelector(`option[value="${CSS.escape(finding)}"]`);
    for (const item of this.items) {
      const name = option(item.finding) ? option(item.finding).textContent : item.finding;
      this.nodes.list.append(el("li", {}, el("strong", {}, name), " ", describeFeedback(item)));
      const target = document.querySelector(`[data-flag="${CSS.escape(item.finding)}"]`);
      if (target) {
        target.classList.add("flagged");
        target.append(el("span", { class: "flag-mark" }, describeFeedback(item)));
      }
    }
    this.nodes.list.parentElement.hidden = !this.items.length;
  }
}
