// Share links and a short history of stored analyses (GET/DELETE /v1/analyses/{id}).
// The history lives in localStorage, not sessionStorage: an editor comes back to yesterday's
// analyses after closing the tab. It keeps only what finds them again — id, headline, time —
// never the article text (the service holds the analysis; its retention applies). With keys
// on, an id opens nothing without the key that created it.
"use strict";

import { clear, el } from "./dom.js";

const STORAGE_NAME = "stancewire.history";
const MAX_ENTRIES = 20;
const ID = /^[0-9a-f]{32}$/;

/** The analysis id in the page's address (`#a=<id>`), or null. */
export function linkedId() {
  const match = /^#a=([0-9a-f]{32})$/.exec(location.hash);
  return match ? match[1] : null;
}

export function shareLink(id) {
  return `${location.origin}${location.pathname}#a=${id}`;
}

/** Put (or take) the analysis id in the address without reloading or a history step. */
export function setLinked(id) {
  const url = id ? `#a=${id}` : location.pathname + location.search;
  if ((id && location.hash !== `#a=${id}`) || (!id && location.hash)) history.replaceState(null, "", url);
}

/** The remembered analyses, newest first: `{ id, headline, at }` (the compare page picks from them). */
export function read() {
  try {
    const entries = JSON.parse(localStorage.getItem(STORAGE_NAME) || "[]");
    return Array.isArray(entries) ? entries.filter((e) => e && ID.test(e.id)) : [];
  } catch (_) {
    return [];
  }
}

function write(entries) {
  try {
    localStorage.setItem(STORAGE_NAME, JSON.stringify(entries.slice(0, MAX_ENTRIES)));
  } catch (_) {
    // Storage full or blocked: the history is a convenience.
  }
}

export class HistoryPanel {
  /** nodes: { panel, list }; onDelete(id) deletes the stored analysis (resolves true if gone). */
  constructor(nodes, onDelete) {
    this.nodes = nodes;
    this.onDelete = onDelete;
    this.render();
  }

  remember(analysis) {
    if (!analysis || !ID.test(analysis.id || "")) return;
    const entry = { id: analysis.id, headline: analysis.headline || "Analysis", at: new Date().toISOString() };
    write([entry, ...read().filter((e) => e.id !== entry.id)]);
    this.render();
  }

  forget(id) {
    write(read().filter((e) => e.id !== id));
    this.render();
  }

  async remove(entry) {
    if (await this.onDelete(entry.id)) this.forget(entry.id);
  }

  render() {
    const entries = read();
    clear(this.nodes.list);
    for (const entry of entries) {
      const when = new Date(entry.at);
      this.nodes.list.append(
        el(
          "li",
          { dataset: { id: entry.id } },
          el("a", { href: `#a=${entry.id}` }, entry.headline),
          " ",
          el("time", { datetime: entry.at, class: "hint" }, isNaN(when) ? "" : when.toLocaleString()),
          " ",
          el(
            "button",
            { type: "button", class: "link-button", "aria-label": `Delete “${entry.headline}” from the service`, onclick: () => this.remove(entry) },
            "Delete"
          )
        )
      );
    }
    this.nodes.panel.hidden = !entries.length;
  }
}
