// Labels shown for the service's codes: every colour on the page also carries one of these words.
"use strict";

// Speech acts that carry a finding: only sentences cited with one of these are highlighted.
export const DECISIVE_ACTS = new Set(["asserts", "denies", "questions"]);

export const STANCE_LABELS = { support: "Support", oppose: "Oppose", neutral: "Neutral", mixed: "Mixed" };
// What a cited sentence does with the finding: shown as a coloured word, never colour alone.
export const ACT_LABELS = { asserts: "asserts", denies: "denies", questions: "questions", reports: "reports", context: "context" };
export const STATUS_LABELS = {
  confirmed: "Confirmed",
  unconfirmed: "Unconfirmed",
  disputed: "Disputed",
  denied: "Denied",
  not_mentioned: "Not mentioned",
};
export const KIND_LABELS = {
  person: "Person",
  organization: "Organization",
  government: "Government",
  country: "Country",
  group: "Group",
  other: "Other",
};
