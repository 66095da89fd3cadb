// The article beside the findings: its sentences rebuilt from the UTF-16 offsets, cited ones
// focusable, and the "cited by" panel (a panel, not a tooltip: keyboard and touch reach it).
"use strict";

import { clear, el, plural } from "./dom.js";
import { ACT_LABELS, DECISIVE_ACTS } from "./labels.js";

export class ArticleView {
  /** nodes: { article, citedBy, citedByTitle, citedByList }; setStatus(message). */
  constructor(nodes, setStatus) {
    this.nodes = nodes;
    this.setStatus = setStatus;
    this.citations = new Map(); // sentence number -> [{ label, act, finding }]
    this.openSentence = null; // the sentence whose "cited by" panel is open
  }

  render(text, analysis, citations) {
    this.close(false);
    this.citations = citations;
    clear(this.nodes.article);
    // JavaScript strings index UTF-16 code units: use the *_utf16 offsets (an emoji before a
    // sentence would shift code-point offsets by one per emoji).
    const at = (span) => ({ ...span, start: span.start_utf16 ?? span.start, end: span.end_utf16 ?? span.end });
    const sentences = (analysis.sentences || []).map(at).sort((a, b) => a.start - b.start);
    const skipped = ((analysis.coverage && analysis.coverage.skipped) || []).map(at);
    const isSkipped = (start, end) => skipped.some((s) => start < s.end && end > s.start);
    let pos = 0;
    const fragment = document.createDocumentFragment();
    const addGap = (start, end) => {
      if (end <= start) return;
      const chunk = text.slice(start, end);
      fragment.append(isSkipped(start, end) && chunk.trim() ? el("span", { class: "skipped", title: "Not analysed" }, chunk) : document.createTextNode(chunk));
    };
    for (const s of sentences) {
      if (s.start < pos || s.end > text.length) continue; // defensive: never garble the text
      addGap(pos, s.start);
      fragment.append(this.sentenceNode(s.number, text.slice(s.start, s.end)));
      pos = s.end;
    }
    addGap(pos, text.length);
    this.nodes.article.append(fragment);
  }

  /** A sentence of the article. Cited ones are focusable buttons that open the "cited by"
   *  panel (keyboard, mouse and touch alike); only those cited with a decisive speech act
   *  (asserts, denies, questions) are highlighted, coloured by act and labelled in words. */
  sentenceNode(number, content) {
    const cited = this.citations.get(number) || [];
    const attrs = { class: "sentence", id: `s-${number}`, dataset: { n: String(number) } };
    if (cited.length) {
      const decisive = [...new Set(cited.map((c) => c.act).filter((a) => DECISIVE_ACTS.has(a)))];
      attrs.class += " cited";
      if (decisive.length) {
        attrs.class += ` decisive act-${decisive.length === 1 ? decisive[0] : "mixed"}`;
        attrs.dataset.acts = decisive.map((a) => ACT_LABELS[a]).join("/");
      }
      Object.assign(attrs, { tabindex: "0", role: "button", "aria-expanded": "false", "aria-controls": "cited-by" });
      attrs.onclick = () => this.toggle(number);
      attrs.onkeydown = (ev) => {
        if (ev.key === "Enter" || ev.key === " ") {
          ev.preventDefault();
          this.toggle(number);
        }
      };
    }
    return el("span", attrs, content);
  }

  toggle(number) {
    if (this.openSentence === number) this.close(true);
    else this.open(number);
  }

  open(number) {
    this.close(false);
    const node = document.getElementById(`s-${number}`);
    const cited = this.citations.get(number) || [];
    this.openSentence = number;
    node.setAttribute("aria-expanded", "true");
    node.classList.add("open");
    this.nodes.citedByTitle.textContent = `Sentence ${number} is cited by`;
    clear(this.nodes.citedByList);
    for (const c of cited) {
      this.nodes.citedByList.append(
        el(
          "li",
          {},
          el("span", { class: `act ${c.act || "context"}` }, ACT_LABELS[c.act] || c.act || "cited"),
          " ",
          el("button", { type: "button", class: "link-button", onclick: () => this.goToFinding(c.finding) }, c.label)
        )
      );
    }
    this.nodes.citedBy.hidden = false;
    this.setStatus(`Sentence ${number} is cited by ${plural(cited.length, "finding")}.`);
  }

  close(returnFocus) {
    if (this.openSentence === null) return;
    const node = document.getElementById(`s-${this.openSentence}`);
    this.openSentence = null;
    this.nodes.citedBy.hidden = true;
    if (!node) return;
    node.setAttribute("aria-expanded", "false");
    node.classList.remove("open");
    if (returnFocus) node.focus();
  }

  goToFinding(finding) {
    const target = document.querySelector(`[data-finding="${finding}"]`);
    if (!target) return;
    this.close(false);
    target.scrollIntoView({ block: "center" });
    target.focus();
  }
}
