// The API key, for a service with keys on (STANCEWIRE_AUTH / production). The editor types it
// once per tab: it is kept in sessionStorage only (gone when the tab closes; never in
// localStorage, a URL or a log line) and sent as the header the API reads,
// `Authorization: Bearer <key>`. Both pages share this module.
"use strict";

import { el } from "./dom.js";

const STORAGE_NAME = "stancewire.apiKey";

export function apiKey() {
  try {
    return sessionStorage.getItem(STORAGE_NAME) || "";
  } catch (_) {
    return ""; // storage blocked: the editor types the key again
  }
}

function saveKey(key) {
  try {
    sessionStorage.setItem(STORAGE_NAME, key);
  } catch (_) {
    // Blocked storage: the key lives only in the field for this page.
  }
}

function forgetKey() {
  try {
    sessionStorage.removeItem(STORAGE_NAME);
  } catch (_) {
    // nothing stored
  }
}

/** fetch() with the key, when there is one. */
export function apiFetch(url, options = {}) {
  const headers = new Headers(options.headers || {});
  const key = apiKey();
  if (key) headers.set("Authorization", `Bearer ${key}`);
  return fetch(url, { ...options, headers });
}

/** Statuses that mean "the key": the panel opens for them. */
export const KEY_STATUSES = new Set([401, 403]);

/**
 * The key panel, built into `container` (hidden until the service asks for a key: its
 * GET /v1/models says `auth_required`, or an answer is 401). `onChange(message)` reports
 * what happened for the page's status line.
 */
export class KeyPanel {
  constructor(container, onChange) {
    this.onChange = onChange;
    this.input = el("input", {
      id: "api-key",
      name: "api-key",
      type: "password",
      autocomplete: "off",
      spellcheck: "false",
      "aria-describedby": "api-key-hint",
    });
    this.state = el("p", { id: "api-key-state", class: "hint", role: "status" });
    this.forget = el("button", { id: "forget-key", type: "button", onclick: () => this.forgetIt() }, "Forget key");
    this.form = el(
      "form",
      { id: "key-form", class: "panel key-panel", "aria-labelledby": "key-h", hidden: true, onsubmit: (ev) => this.submit(ev) },
      el("h2", { id: "key-h" }, "API key"),
      el(
        "p",
        { id: "api-key-hint", class: "hint" },
        "This service needs a key. It is kept in this tab only (session storage) and sent with each request; closing the tab forgets it."
      ),
      el(
        "div",
        { class: "key-row" },
        el("label", { for: "api-key" }, "Key"),
        this.input,
        el("button", { type: "submit", class: "primary" }, "Use key"),
        this.forget
      ),
      this.state
    );
    container.prepend(this.form);
    this.refresh();
  }

  refresh() {
    const has = Boolean(apiKey());
    this.forget.hidden = !has;
    this.state.textContent = has ? "A key is set for this tab." : "No key set.";
  }

  /** Show the panel; `focus` when the editor must act now (after a 401). */
  show(focus) {
    this.form.hidden = false;
    this.refresh();
    if (focus) this.input.focus();
  }

  submit(ev) {
    ev.preventDefault();
    const key = this.input.value.trim();
    this.input.value = ""; // the field never holds the key longer than needed
    if (!key) {
      this.state.textContent = "Type the key first.";
      this.input.focus();
      return;
    }
    saveKey(key);
    this.refresh();
    this.onChange("Key set for this tab. Analyse again.");
  }

  forgetIt() {
    forgetKey();
    this.refresh();
    this.onChange("Key forgotten: this tab no longer sends it.");
    this.input.focus();
  }
}
