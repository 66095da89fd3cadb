// The findings of one analysis on the page: overview, actor chips, the stance matrix, the
// claims and the meta line. Text from articles and models reaches the page only through el()
// (text nodes), never innerHTML. Each finding carries `data-flag` (its feedback name) and a
// "This is wrong" button.
"use strict";

import { clear, el, fmtInt, listNames, plural } from "./dom.js";
import { ACT_LABELS, KIND_LABELS, STANCE_LABELS, STATUS_LABELS } from "./labels.js";

/**
 * Render `analysis` into ctx.ui (headline, summary, keyPoints, actors, matrixWrap, claimList,
 * meta, warnings, exportStatus); ctx.showEvidence(evidence, trigger, finding) and
 * ctx.flag(finding) are what the findings' buttons do. Returns the sentences each finding
 * cites (for the article view) and the findings the feedback form offers.
 */
export function renderFindings(ui, analysis, actions) {
  const actorsById = new Map((analysis.actors || []).map((a) => [a.id, a]));
  const claimsById = new Map((analysis.claims || []).map((c) => [c.id, c]));
  const nameOf = (id) => (actorsById.get(id) || { name: id }).name;
  const citations = new Map(); // sentence number -> [{ label, act, finding }]
  const cite = (evidence, label, finding) => {
    for (const e of evidence || []) {
      if (!citations.has(e.sentence)) citations.set(e.sentence, []);
      citations.get(e.sentence).push({ label, act: e.speech_act, finding });
    }
  };
  const ctx = { ui, cite, ...actions };
  renderOverview(ctx, analysis);
  renderActors(ctx, analysis.actors || []);
  renderMatrix(ctx, analysis.stances || [], actorsById, claimsById);
  renderClaims(ctx, analysis.claims || [], nameOf);
  renderOtherFindings(ctx, analysis, nameOf);
  renderMeta(ctx, analysis);
  return { citations, choices: feedbackChoices(analysis, nameOf, claimsById) };
}

// Response fields the page has a view of its own for; any other list of findings (a task
// without a view here, see schemas/tasks.py) gets a generic section in ui.otherFindings.
const OWN_VIEWS = new Set(["actors", "claims", "stances"]);
const isFinding = (item) => item !== null && typeof item === "object" && Array.isArray(item.evidence);

function renderOtherFindings(ctx, analysis, nameOf) {
  const { ui, cite } = ctx;
  clear(ui.otherFindings);
  for (const [field, items] of Object.entries(analysis)) {
    if (OWN_VIEWS.has(field) || !Array.isArray(items) || !items.length || !items.every(isFinding)) continue;
    const title = field.charAt(0).toUpperCase() + field.slice(1).replace(/_/g, " ");
    const list = items.map((item, i) => {
      const label = `${title} ${i + 1}`;
      cite(item.evidence, label, `${field}-${i}`);
      const parts = Object.entries(item)
        .filter(([, v]) => v !== null && typeof v !== "object")
        .map(([k, v]) => `${k.replace(/_/g, " ")}: ${typeof v === "string" && /^A[1-9][0-9]*$/.test(v) ? nameOf(v) : v}`);
      return el("li", { class: "claim", dataset: { finding: `${field}-${i}` } }, el("p", { class: "claim-text plain" }, parts.join(" · ")), evidenceList(item.evidence));
    });
    ui.otherFindings.append(el("section", { class: "panel", "aria-label": title }, el("h2", {}, title), el("ol", { class: "claims" }, list)));
  }
}

/** The findings the feedback form offers: [group, [[finding, label, its current answer], …]]. */
function feedbackChoices(a, nameOf, claimsById) {
  return [
    ["Claims", (a.claims || []).map((c) => [`claims/${c.id}`, `${c.id}: ${c.text} (${STATUS_LABELS[c.status] || c.status})`, c.status])],
    [
      "Stances",
      (a.stances || []).map((s, i) => [`stances/${i}`, `${nameOf(s.actor)} on ${targetInfo(s, claimsById).short}: ${STANCE_LABELS[s.stance] || s.stance}`, s.stance]),
    ],
    ["Actors", (a.actors || []).map((x) => [`actors/${x.id}`, x.name])],
  ];
}

/** "This is wrong" on one finding: the feedback form with that finding chosen. */
function flagButton(ctx, finding, what) {
  return el(
    "button",
    { type: "button", class: "link-button flag-button", "aria-label": `This is wrong: ${what}`, onclick: () => ctx.flag(finding) },
    "This is wrong"
  );
}

function renderOverview({ ui }, a) {
  ui.headline.textContent = a.headline || "Analysis";
  ui.summary.textContent = a.summary || "";
  ui.summary.hidden = !a.summary;
  clear(ui.keyPoints);
  for (const point of a.key_points || []) ui.keyPoints.append(el("li", {}, point));
  ui.keyPoints.hidden = !(a.key_points || []).length;
}

function renderActors(ctx, actors) {
  const { ui } = ctx;
  clear(ui.actors);
  if (!actors.length) {
    ui.actors.append(el("li", { class: "none" }, "No actors found."));
    return;
  }
  for (const actor of actors) {
    const aliases = (actor.aliases || []).length ? `Also called: ${actor.aliases.join(", ")}` : null;
    ui.actors.append(
      el(
        "li",
        { class: `chip kind-${actor.kind}`, title: aliases, dataset: { flag: `actors/${actor.id}` } },
        el("span", { class: "chip-name" }, actor.name),
        el("span", { class: "chip-kind" }, KIND_LABELS[actor.kind] || actor.kind),
        actor.role ? el("span", { class: "chip-role" }, actor.role) : null,
        flagButton(ctx, `actors/${actor.id}`, `actor ${actor.name}`)
      )
    );
  }
}

function targetInfo(stance, claimsById) {
  const claimId = stance.target_claim || (claimsById.has(stance.target) ? stance.target : null);
  const claim = claimId ? claimsById.get(claimId) : null;
  if (claim) return { key: `claim:${claim.id}`, label: claim.text, short: `${claim.id}: ${claim.text}` };
  return { key: `topic:${stance.target.toLowerCase()}`, label: stance.target, short: stance.target };
}

function renderMatrix(ctx, stances, actorsById, claimsById) {
  const { ui, cite } = ctx;
  clear(ui.matrixWrap);
  if (!stances.length) {
    ui.matrixWrap.append(el("p", { class: "none" }, "No stances found: the article does not show anyone taking a position."));
    return;
  }
  const rows = [];
  const columns = new Map();
  const cells = new Map();
  stances.forEach((s, index) => {
    const target = targetInfo(s, claimsById);
    if (!columns.has(target.key)) columns.set(target.key, target);
    if (!rows.includes(s.actor)) rows.push(s.actor);
    const key = `${s.actor}|${target.key}`;
    if (!cells.has(key)) cells.set(key, []);
    cells.get(key).push({ stance: s, index, target });
  });

  const head = el(
    "tr",
    {},
    el("th", { scope: "col", class: "corner" }, "Actor \u2193 / Target \u2192"),
    [...columns.values()].map((c) => el("th", { scope: "col", title: c.label }, el("span", { class: "target" }, c.short)))
  );
  const body = rows.map((actorId) => {
    const actor = actorsById.get(actorId) || { name: actorId };
    return el(
      "tr",
      {},
      el("th", { scope: "row" }, actor.name),
      [...columns.values()].map((col) => {
        const found = cells.get(`${actorId}|${col.key}`);
        if (!found) return el("td", { class: "empty-cell" }, el("span", { "aria-label": "no stance" }, "·"));
        return el(
          "td",
          {},
          // The target again, shown only on phones, where the matrix becomes a list.
          el("span", { class: "cell-target" }, col.short),
          found.map(({ stance, index, target }) => {
            const label = STANCE_LABELS[stance.stance] || stance.stance;
            const finding = `${actor.name}: ${label.toLowerCase()} on “${target.short}” (confidence ${percent(stance.confidence)})`;
            cite(stance.evidence, finding, `stance-${index}`);
            const cellButton = el(
              "button",
              {
                type: "button",
                class: `stance ${stance.stance}`,
                dataset: { finding: `stance-${index}` },
                "aria-label": `${finding}. Show ${plural(stance.evidence.length, "sentence")} in the article.`,
                title: `${finding} — sentence ${numbers(stance.evidence)}`,
                onclick: (ev) => ctx.showEvidence(stance.evidence, ev.currentTarget, finding),
              },
              label,
              el("span", { class: "cell-confidence" }, percent(stance.confidence))
            );
            return el("span", { class: "stance-cell", dataset: { flag: `stances/${index}` } }, cellButton, flagButton(ctx, `stances/${index}`, finding));
          })
        );
      })
    );
  });
  ui.matrixWrap.append(
    el("table", { class: "matrix" }, el("caption", { class: "visually-hidden" }, "Stance of each actor toward each target"), el("thead", {}, head), el("tbody", {}, body))
  );
}

export function numbers(evidence) {
  return (evidence || []).map((e) => e.sentence).join(", ");
}

function percent(value) {
  return typeof value === "number" ? `${Math.round(value * 100)}%` : "unknown";
}

// The cited sentences, most decisive first, each as "[n] act" with the act's colour.
function evidenceList(evidence) {
  return el(
    "p",
    { class: "hint evidence-acts" },
    "Sentences: ",
    (evidence || []).map((e) =>
      el(
        "span",
        { class: `act ${e.speech_act || "context"}`, title: `Sentence ${e.sentence} ${ACT_LABELS[e.speech_act] || e.speech_act} it` },
        `[${e.sentence}] ${ACT_LABELS[e.speech_act] || e.speech_act || "cited"}`
      )
    )
  );
}

function renderClaims(ctx, claims, nameOf) {
  const { ui, cite } = ctx;
  clear(ui.claimList);
  if (!claims.length) {
    ui.claimList.append(el("li", { class: "none" }, "No claims found."));
    return;
  }
  for (const claim of claims) {
    const statusLabel = STATUS_LABELS[claim.status] || claim.status;
    const finding = `Claim ${claim.id} (${statusLabel.toLowerCase()}): ${claim.text}`;
    cite(claim.evidence, finding, `claim-${claim.id}`);
    const who = [];
    if ((claim.asserted_by || []).length) who.push(el("p", { class: "who" }, el("span", { class: "who-label" }, "Asserted by "), listNames(claim.asserted_by.map(nameOf))));
    if ((claim.denied_by || []).length) who.push(el("p", { class: "who" }, el("span", { class: "who-label" }, "Denied by "), listNames(claim.denied_by.map(nameOf))));
    const hasEvidence = (claim.evidence || []).length > 0;
    const textNode = hasEvidence
      ? el(
          "button",
          {
            type: "button",
            class: "claim-text",
            dataset: { finding: `claim-${claim.id}` },
            "aria-label": `${claim.text}. Show ${plural(claim.evidence.length, "sentence")} in the article.`,
            onclick: (ev) => ctx.showEvidence(claim.evidence, ev.currentTarget, `Claim ${claim.id}`),
          },
          claim.text
        )
      : el("p", { class: "claim-text plain" }, claim.text);
    ui.claimList.append(
      el(
        "li",
        { class: "claim", dataset: { flag: `claims/${claim.id}` } },
        el(
          "div",
          { class: "claim-head" },
          el("span", { class: `badge ${claim.status}` }, statusLabel),
          el("span", { class: "confidence", title: "How likely this status is right" }, `confidence ${percent(claim.confidence)}`),
          claim.source === "caller" ? el("span", { class: "badge caller" }, "Your claim") : null,
          flagButton(ctx, `claims/${claim.id}`, `claim ${claim.id}, ${claim.text}`)
        ),
        textNode,
        who,
        hasEvidence ? evidenceList(claim.evidence) : el("p", { class: "hint" }, "The article does not mention it.")
      )
    );
  }
}

function renderMeta({ ui }, a) {
  const m = a.meta || {};
  const usage = m.usage || {};
  const parts = [`Model ${m.model || "?"}${m.engine === "builtin" ? " (built-in, offline)" : ""}`];
  if (m.prompt_version) parts.push(`prompt ${m.prompt_version}`);
  if (usage.total_tokens) parts.push(`${fmtInt(usage.total_tokens)} tokens`);
  if (typeof m.cost_usd === "number") parts.push(`$${m.cost_usd.toFixed(4)}`);
  if (typeof m.latency_ms === "number") parts.push(`${(m.latency_ms / 1000).toFixed(2)} s`);
  if (m.attempts > 1) parts.push(`${m.attempts} attempts`);
  parts.push(m.cache_hit ? "from cache" : "not cached");
  if (a.coverage && a.coverage.complete === false) parts.push("part of the article was not analysed");
  if (m.request_id) parts.push(`request ${m.request_id}`);
  ui.meta.textContent = parts.join(" · ");

  clear(ui.warnings);
  for (const w of a.warnings || []) {
    ui.warnings.append(el("li", {}, el("strong", {}, "Note: "), w.message || w.code, el("span", { class: "code" }, ` (${w.code})`)));
  }
  ui.warnings.hidden = !(a.warnings || []).length;
  ui.exportStatus.textContent = "";
}
