// problem+json bodies from the service, as one plain message that says what to do next.
// Each message is said once: when the service's detail already gives the advice, the page
// does not add its own after it.
"use strict";

function sentence(text) {
  const t = String(text).trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

function retryAfter(problem, response) {
  const fromBody = Number(problem.retry_after);
  if (Number.isFinite(fromBody) && fromBody > 0) return Math.ceil(fromBody);
  const header = response && response.headers.get("Retry-After");
  const fromHeader = Number(header);
  return Number.isFinite(fromHeader) && fromHeader > 0 ? Math.ceil(fromHeader) : null;
}

function validationSummary(problem, detail) {
  const names = { text: "article text", title: "title", claims: "claims to check", model: "model", language: "language" };
  const errors = Array.isArray(problem.errors) ? problem.errors.slice(0, 3) : [];
  const parts = errors.map((e) => {
    const loc = Array.isArray(e.loc) ? e.loc.filter((x) => x !== "body") : [];
    const field = loc.length ? names[loc[0]] || String(loc[0]) : "";
    const msg = e.msg || e.message || "";
    return field ? `${field}: ${msg}` : msg;
  });
  const text = parts.filter(Boolean).join("; ") || detail || "the request was invalid";
  return sentence(text);
}

// Codes whose message is the page's own sentence, then the service's detail (which names
// the numbers) or, without a detail, the page's advice.
const WITH_DETAIL = {
  text_too_long: ["The article is too long to analyse in one go.", "Shorten it or split it into parts, then try again."],
  payload_too_large: ["The request is too large for the service.", "Shorten the article, then try again."],
  context_window_exceeded: ["The article is too long for this model.", "Choose another model or shorten the article."],
  invalid_json: ["The page sent a request the service could not read.", "Reload the page and try again."],
  invalid_encoding: ["The page sent a request the service could not read.", "Reload the page and try again."],
  unsupported_media_type: ["The page sent a request the service could not read.", "Reload the page and try again."],
};

const FIXED = {
  unknown_model: "That model is not available on this service. Choose another model from the list and try again.",
  upstream_timeout: "The model took too long to answer. Try again, or choose a faster model.",
  upstream_auth:
    "The model provider rejected this service's credentials. Ask whoever runs stancewire to check its API key, or choose the built-in model.",
  model_output_invalid:
    "The model's answer did not pass our checks, even after asking it to correct itself, so nothing is shown. Try again or choose another model.",
};

// With keys on (the key panel is where the editor acts on these).
const KEYS = {
  unauthorized: "This service needs a valid API key: the key is missing, mistyped or revoked. Type your key in the API key field above, then try again.",
  forbidden: "Your API key may not do this (it lacks the scope). Ask whoever runs stancewire for a key with the analyze scope.",
};

const LATER = {
  rate_limited: "This key has sent too many requests.",
  budget_exhausted: "This key's token budget for today is spent (the built-in model costs none).",
  upstream_rate_limited: "The model provider is limiting requests right now.",
  upstream_unavailable: "The model provider is unavailable right now.",
  overloaded: "The service is busy with other articles.",
};

export function describeProblem(problem, response) {
  const p = problem && typeof problem === "object" ? problem : {};
  const detail = typeof p.detail === "string" ? p.detail.trim() : "";
  const retry = retryAfter(p, response);
  const later = retry ? `Try again in ${retry} s.` : "Try again in a minute.";
  if (WITH_DETAIL[p.code]) {
    const [lead, advice] = WITH_DETAIL[p.code];
    return `${lead} ${detail ? sentence(detail) : advice}`;
  }
  if (FIXED[p.code]) return FIXED[p.code];
  if (KEYS[p.code]) return KEYS[p.code];
  if (LATER[p.code]) return `${LATER[p.code]} ${later}`;
  if (p.code === "validation_error") return `Some input was not accepted: ${validationSummary(p, detail)} Fix it and try again.`;
  const status = response ? response.status : 0;
  if (status >= 500) return `The service ran into a problem (HTTP ${status}). ${detail ? sentence(detail) : later}`;
  if (detail) return sentence(detail);
  return p.title ? sentence(p.title) : `The service refused the request (HTTP ${status}).`;
}
