// Exports of an analysis for editors: CSV (claims, stances) for a spreadsheet and Markdown
// for a CMS note. Pure functions of the analysis: no DOM, so they are easy to reason about.
"use strict";

const NAMES_SEPARATOR = "; ";

/** Spreadsheets run cells that start with = + - @ (or a tab/CR) as formulas: article text is
 *  third-party input, so such a cell gets a leading apostrophe (OWASP "CSV injection"). */
function csvCell(value) {
  let text = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csv(header, rows) {
  // RFC 4180 line ends; a BOM so Excel reads UTF-8 (names with accents, quotes with emoji).
  return "\ufeff" + [header, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

function namer(analysis) {
  const names = new Map((analysis.actors || []).map((a) => [a.id, a.name]));
  return (ids) => (ids || []).map((id) => names.get(id) || id).join(NAMES_SEPARATOR);
}

function evidenceCells(evidence) {
  const items = evidence || [];
  return [
    items.map((e) => `${e.sentence} ${e.speech_act}`).join(NAMES_SEPARATOR),
    items.map((e) => e.quote.replace(/\s+/g, " ").trim()).join(" | "),
  ];
}

function round(value) {
  return typeof value === "number" ? value.toFixed(2) : "";
}

export function claimsCsv(analysis) {
  const names = namer(analysis);
  const rows = (analysis.claims || []).map((c) => [
    c.id, c.text, c.status, round(c.confidence), c.source || "article",
    names(c.asserted_by), names(c.denied_by), ...evidenceCells(c.evidence),
  ]);
  const header = ["id", "claim", "status", "confidence", "source", "asserted_by", "denied_by", "evidence", "quotes"];
  return csv(header, rows);
}

export function stancesCsv(analysis) {
  const names = namer(analysis);
  const claims = new Map((analysis.claims || []).map((c) => [c.id, c.text]));
  const rows = (analysis.stances || []).map((s) => [
    names([s.actor]), s.stance, claims.get(s.target) || s.target, round(s.confidence), ...evidenceCells(s.evidence),
  ]);
  return csv(["actor", "stance", "target", "confidence", "evidence", "quotes"], rows);
}

/** Markdown special characters in article-derived text are escaped, so a quote cannot
 *  turn into a link, a heading or a table cell break in the CMS. */
function md(text) {
  return String(text || "").replace(/\s+/g, " ").trim().replace(/([\\`*_{}[\]()#+!|<>~-])/g, "\\$1");
}

function pct(value) {
  return typeof value === "number" ? `${Math.round(value * 100)}%` : "?";
}

function quoteLines(evidence) {
  return (evidence || []).map((e) => `  - [${e.sentence}] *${e.speech_act}*: ${md(e.quote)}`);
}

export function markdown(analysis, labels) {
  const names = namer(analysis);
  const lines = [`## ${md(analysis.headline || "Analysis")}`, ""];
  if (analysis.summary) lines.push(md(analysis.summary), "");
  for (const point of analysis.key_points || []) lines.push(`- ${md(point)}`);
  if ((analysis.key_points || []).length) lines.push("");
  if ((analysis.claims || []).length) lines.push("### Claims", "");
  for (const c of analysis.claims || []) {
    const who = [];
    if ((c.asserted_by || []).length) who.push(`asserted by ${md(names(c.asserted_by))}`);
    if ((c.denied_by || []).length) who.push(`denied by ${md(names(c.denied_by))}`);
    const status = labels.status[c.status] || c.status;
    lines.push(`- **${status}** (confidence ${pct(c.confidence)}): ${md(c.text)}${who.length ? ` — ${who.join("; ")}` : ""}`);
    lines.push(...quoteLines(c.evidence));
  }
  if ((analysis.claims || []).length) lines.push("");
  const claims = new Map((analysis.claims || []).map((c) => [c.id, c.text]));
  if ((analysis.stances || []).length) {
    lines.push("### Stances", "", "| Actor | Stance | Target | Confidence | Sentences |", "| --- | --- | --- | --- | --- |");
    for (const s of analysis.stances) {
      const target = claims.get(s.target) || s.target;
      const cited = (s.evidence || []).map((e) => `${e.sentence} ${e.speech_act}`).join(", ");
      lines.push(`| ${md(names([s.actor]))} | ${labels.stance[s.stance] || s.stance} | ${md(target)} | ${pct(s.confidence)} | ${cited} |`);
    }
    lines.push("");
  }
  const m = analysis.meta || {};
  lines.push(`*stancewire · ${md(m.model || "?")} · analysis ${analysis.id || "?"}*`, "");
  return lines.join("\n");
}
