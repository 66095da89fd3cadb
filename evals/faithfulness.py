"""Deterministic summary faithfulness: numbers, dates and names must come from the article.

No model judges here. A summary is unfaithful when its headline, summary or key points
contain a number, a date or a capitalised name that the article never uses. What is not
checked (paraphrase, wrong relations between true names) is left to the other scorers.

- Numbers: digit groups ("12,000", "3.5", "23rd" -> 23), compared without thousands
  separators; spelled-out numbers up to twenty and the tens are understood in the article,
  so "three" there covers "3" in the summary.
- Dates: "October 23, 2024", "23 Oct", "2024-10-23": every part (month, day, year) must
  appear in the article; month abbreviations count as the month.
- Names: capitalised words that are not the first word of a sentence (or that start a
  multi-word name) must occur in the article as words. A title-case headline ("North
  Korea Sends Troops") is checked for numbers only, since its capitals carry no meaning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from evals.matching import fold

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "thirteen": "13", "fourteen": "14", "fifteen": "15", "sixteen": "16", "seventeen": "17",
    "eighteen": "18", "nineteen": "19", "twenty": "20", "thirty": "30", "forty": "40",
    "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90",
    "hundred": "100", "thousand": "1000",
}  # fmt: skip
# Words that open sentences or headlines without being names.
_NOT_NAMES = {"i", "a", "an", "the", "he", "she", "it", "they", "we", "you", "this", "that"}

_MONTH_RE = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE = re.compile(
    rf"\b(?:{_MONTH_RE}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH_RE}(?:,?\s+\d{{4}})?"
    rf"|{_MONTH_RE}\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2})\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?:st|nd|rd|th)?(?![\w])")
_WORD = re.compile(r"[^\W\d_][^\W_]*(?:[-'’][^\W_]+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?]['\"’”)]*\s*$")


@dataclass(frozen=True)
class Offender:
    kind: str  # "number" | "date" | "name"
    text: str


def _canonical_number(token: str) -> str:
    token = re.sub(r"(st|nd|rd|th)$", "", token)
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", token):
        token = token.replace(",", "")
    return token.rstrip(".").lstrip("0") or "0"


def article_numbers(article: str) -> set[str]:
    found = {_canonical_number(m.group()) for m in _NUMBER.finditer(article)}
    found |= {
        _NUMBER_WORDS[w] for w in re.findall(r"[a-z]+", article.lower()) if w in _NUMBER_WORDS
    }
    return found


def _article_words(article: str) -> set[str]:
    return set(re.findall(r"[^\W_]+", fold(article)))


def _date_offenders(text: str, numbers: set[str], words: set[str]) -> tuple[list[Offender], str]:
    """Unfaithful dates, and the text with every date blanked out for the other checks."""
    offenders: list[Offender] = []
    for match in _DATE.finditer(text):
        parts = re.findall(r"[A-Za-z]+|\d+", match.group())
        missing = [
            p
            for p in parts
            if p.lower() not in {"st", "nd", "rd", "th"}
            and not _date_part_in_article(p, numbers, words)
        ]
        if missing:
            offenders.append(Offender("date", match.group()))
    return offenders, _DATE.sub(" ", text)


def _date_part_in_article(part: str, numbers: set[str], words: set[str]) -> bool:
    if part.isdigit():
        return _canonical_number(part) in numbers
    month = _MONTHS.get(part.lower())
    return any(_MONTHS.get(w) == month for w in words) if month else part.lower() in words


def _is_title_case(line: str) -> bool:
    tokens = [t for t in _WORD.findall(line) if len(t) > 3]
    return len(tokens) >= 3 and sum(t[0].isupper() for t in tokens) / len(tokens) >= 0.6


def _capitalised_runs(text: str) -> list[list[tuple[str, bool]]]:
    """Runs of adjacent capitalised words, each word flagged True when it opens a sentence."""
    runs: list[list[tuple[str, bool]]] = []
    current: list[tuple[str, bool]] = []
    last_end = 0
    for match in _WORD.finditer(text):
        gap = text[last_end : match.start()]
        opens = last_end == 0 or bool(_SENTENCE_END.search(text[:last_end] + gap.rstrip()))
        word = match.group()
        if current and (gap.strip() or not word[0].isupper()):
            runs.append(current)
            current = []
        if word[0].isupper():
            current.append((word, opens and not current))
        last_end = match.end()
    if current:
        runs.append(current)
    return runs


def _name_offenders(text: str, words: set[str]) -> list[Offender]:
    offenders: list[Offender] = []
    for run in _capitalised_runs(text):
        if len(run) == 1 and run[0][1]:
            continue  # one capitalised word opening a sentence: not necessarily a name
        checked = [w for w, _ in run if w.lower() not in _NOT_NAMES]
        if any(not set(re.findall(r"[^\W_]+", fold(w))) <= words for w in checked):
            offenders.append(Offender("name", " ".join(w for w, _ in run)))
    return offenders


def unfaithful_spans(article: str, headline: str, texts: list[str]) -> list[Offender]:
    """Numbers, dates and names in the headline and `texts` that the article does not contain."""
    numbers = article_numbers(article)
    words = _article_words(article)
    offenders: list[Offender] = []
    # By position, not identity: JSON parsing may hand back one object for equal strings.
    for position, line in enumerate([headline, *texts]):
        if not line.strip():
            continue
        bad_dates, rest = _date_offenders(line, numbers, words)
        offenders += bad_dates
        offenders += [
            Offender("number", m.group())
            for m in _NUMBER.finditer(rest)
            if _canonical_number(m.group()) not in numbers
        ]
        if not (position == 0 and _is_title_case(line)):
            offenders += _name_offenders(rest, words)
    return list(dict.fromkeys(offenders))
