// A stored analysis reopened from a share link or the history. The service stores the
// analysis, not the article (unless it extracted one from HTML: then `text` is there), so the
// article panel is rebuilt from the sentences the findings quote; the others show as "[…]".
"use strict";

const GAP = " […] ";
const utf16 = (s) => s.length; // JavaScript strings count UTF-16 code units
const points = (s) => [...s].length;

function quotes(analysis) {
  const bySentence = new Map();
  const spans = [...(analysis.claims || []), ...(analysis.stances || [])].flatMap((f) => f.evidence || []);
  for (const e of spans) if (typeof e.quote === "string" && !bySentence.has(e.sentence)) bySentence.set(e.sentence, e.quote);
  return bySentence;
}

/** { text, analysis, partial }: the text to show and an analysis whose offsets index it. */
export function storedView(analysis) {
  if (typeof analysis.text === "string") return { text: analysis.text, analysis, partial: false };
  const known = quotes(analysis);
  let text = "";
  const sentences = [];
  let gap = false;
  for (const s of [...(analysis.sentences || [])].sort((a, b) => a.number - b.number)) {
    const quote = known.get(s.number);
    if (quote === undefined) {
      gap = true;
      continue;
    }
    if (gap || text) text += gap ? GAP : " ";
    gap = false;
    const start = text;
    text += quote;
    sentences.push({
      number: s.number,
      start: points(start),
      end: points(text),
      start_utf16: utf16(start),
      end_utf16: utf16(text),
    });
  }
  if (gap) text += GAP;
  // No skipped spans: their offsets index the original article, not this rebuilt text.
  const coverage = { ...(analysis.coverage || {}), skipped: [] };
  return { text, analysis: { ...analysis, sentences, coverage }, partial: true };
}
