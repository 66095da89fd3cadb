// POST /v1/analyze as server-sent events (Accept: text/event-stream, api/routes/stream.py):
// the page shows the stages the service reports (queued, analysing, model call n, repair n)
// instead of a bare seconds counter. A browser without streaming fetch, or an answer that is
// plain JSON (a request refused before the stream starts), takes the JSON path.
"use strict";

import { apiFetch } from "./key.js";

const STREAMS = typeof TextDecoderStream === "function" && typeof ReadableStream === "function";

/** What a stage means to an editor. */
export function stageText(stage, data) {
  const d = data || {};
  if (stage === "queued") return "Queued";
  if (stage === "analysing") {
    const what = d.sentences ? `${d.sentences} sentences` : "the article";
    return `Analysing ${what} with ${d.engine === "builtin" ? "the built-in engine" : d.model || "the model"}`;
  }
  if (stage === "model_call") return `Model call ${d.attempt || 1}: waiting for the model's answer`;
  if (stage === "repair")
    return `Repair ${d.attempt || 1}: the answer failed ${d.errors || "some"} checks, the model is asked to correct it`;
  return stage;
}

export async function readJson(response) {
  const raw = await response.text();
  try {
    return raw ? JSON.parse(raw) : null;
  } catch (_) {
    return null;
  }
}

function parseEvent(block) {
  let event = "message";
  const data = [];
  for (const line of block.split("\n")) {
    if (!line || line.startsWith(":")) continue; // comments are the server's keep-alive pings
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  return data.length ? { event, data: data.join("\n") } : null;
}

function parsed(data) {
  try {
    return JSON.parse(data);
  } catch (_) {
    return null;
  }
}

/**
 * Analyse `body`; `onStage(stage, data)` for each stage the stream reports. Resolves to
 * { ok, payload, status, headers }: the analysis, or the problem body with its HTTP status.
 */
export async function analyzeWithProgress(url, body, signal, onStage) {
  const response = await apiFetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: STREAMS ? "text/event-stream" : "application/json" },
    body: JSON.stringify(body),
    signal,
  });
  const type = response.headers.get("Content-Type") || "";
  if (!type.includes("text/event-stream") || !response.body) {
    return { ok: response.ok, payload: await readJson(response), status: response.status, headers: response.headers };
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value.replace(/\r\n?/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const event = parseEvent(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      if (!event) continue;
      const data = parsed(event.data);
      if (event.event === "done") return { ok: true, payload: data, status: 200, headers: response.headers };
      if (event.event === "problem")
        return { ok: false, payload: data, status: (data && data.status) || 500, headers: response.headers };
      onStage(event.event, data);
    }
  }
  // The stream ended without an answer (the connection dropped).
  return { ok: false, payload: null, status: 502, headers: response.headers };
}
