"""The golden cases load, validate and cover what the eval suite promises."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from evals.aliases import generic_aliases
from evals.case_model import CASES_DIR, CaseError, GoldenCase, load_case, load_cases
from evals.matching import phrase_in

CASE_FILES = sorted(CASES_DIR.glob("*.yaml"))
DEMO_SEED = Path(__file__).resolve().parents[2] / "api" / "static" / "examples" / "seed_article.txt"

VALID_CASE = """\
id: {id}
description: A minimal valid case.
source: test
licence: CC0
article: Alice Example said the bridge is safe.
expect:
  actors:
    - name: Alice Example
      aliases: [Alice]
  stances:
    - actor: Alice
      target: [bridge]
      stance: [support]
"""


def write_case(directory: Path, stem: str, text: str) -> Path:
    path = directory / f"{stem}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_every_case_file_loads_and_validates(path: Path) -> None:
    case = load_case(path)
    assert case.article_text().strip()
    assert case.analyze_request().text == case.article_text()


def test_there_are_at_least_twenty_cases() -> None:
    assert len(load_cases()) >= 20


def test_ids_are_unique_and_equal_file_stems() -> None:
    cases = load_cases()
    assert [c.id for c in cases] == [p.stem for p in CASE_FILES]
    assert len({c.id for c in cases}) == len(cases)
    assert all(re.match(r"^\d\d-", c.id) for c in cases)


def test_every_article_file_is_used_by_a_case() -> None:
    used = {c.article_file for c in load_cases() if c.article_file}
    on_disk = {f"articles/{p.name}" for p in (CASES_DIR / "articles").glob("*.txt")}
    assert on_disk == used


def test_case_01_is_the_seed_article() -> None:
    (case,) = load_cases("01-*")
    assert case.id == "01-seed-north-korea-troops"
    assert case.article_file == "articles/seed_article.txt"
    assert case.article_text().startswith("Putin vows trade, security beyond West for North Korea")
    assert "Reuters" in case.expect.forbidden_actors
    troops = case.expect.claims[0]
    assert set(troops.status) == {"disputed", "unconfirmed"}
    assert troops.denied_by == ["Kremlin"]
    # The case and the demo page's example are the same article, byte for byte (both copies
    # are in the repo, so this runs everywhere; it used to depend on a path outside it).
    assert case.article_text() == DEMO_SEED.read_text(encoding="utf-8")


def test_long_case_has_at_least_150_sentences() -> None:
    (case,) = [c for c in load_cases() if "long" in c.tags]
    sentences = re.findall(r"[^.!?\n]+[.!?]", case.article_text())
    assert len(sentences) >= 150


@pytest.mark.parametrize(
    "tag",
    [
        "seed",
        "emergent",
        "prompt-injection",
        "no-actors",
        "non-english",
        "long",
        "opinion",
        "retraction",
        "nested-quotes",
        "coreference",
        "not-mentioned",
        "tasks-subset",
        "governments",
        "official-confirmation",
        "denied",
    ],
)
def test_suite_covers_each_promised_situation(tag: str) -> None:
    assert any(tag in case.tags for case in load_cases())


def test_load_cases_filters_by_pattern(tmp_path: Path) -> None:
    write_case(tmp_path, "01-one", VALID_CASE.format(id="01-one"))
    write_case(tmp_path, "02-two", VALID_CASE.format(id="02-two"))
    assert [c.id for c in load_cases("02-*", cases_dir=tmp_path)] == ["02-two"]
    assert [c.id for c in load_cases(cases_dir=tmp_path)] == ["01-one", "02-two"]


def test_article_file_is_read_relative_to_the_cases_dir(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.txt").write_text("Alice Example spoke.", encoding="utf-8")
    text = VALID_CASE.format(id="01-file").replace(
        "article: Alice Example said the bridge is safe.", "article_file: articles/a.txt"
    )
    (case,) = load_cases(cases_dir=write_case(tmp_path, "01-file", text).parent)
    assert case.article_text() == "Alice Example spoke."


@pytest.mark.parametrize(
    ("stem", "text", "message"),
    [
        ("01-broken", "id: [unclosed\n", "01-broken.yaml"),
        ("02-wrong-id", VALID_CASE.format(id="something-else"), "differs from the file stem"),
        (
            "03-stranger",
            VALID_CASE.format(id="03-stranger").replace("actor: Alice", "actor: Bob"),
            "Bob",
        ),
        (
            "04-two-articles",
            VALID_CASE.format(id="04-two-articles") + "article_file: a.txt\n",
            "exactly one of article and article_file",
        ),
        (
            "05-extra",
            VALID_CASE.format(id="05-extra") + "request:\n  model: x\n",
            "request fields not allowed",
        ),
        (
            "06-index",
            VALID_CASE.format(id="06-index").replace(
                "  stances:",
                "  caller_claims:\n    - index: 1\n      status: [confirmed]\n  stances:",
            ),
            "beyond request.claims",
        ),
        (
            "07-missing-file",
            VALID_CASE.format(id="07-missing-file").replace(
                "article: Alice Example said the bridge is safe.", "article_file: nowhere.txt"
            ),
            "nowhere.txt",
        ),
    ],
)
def test_invalid_case_error_names_the_file(
    tmp_path: Path, stem: str, text: str, message: str
) -> None:
    write_case(tmp_path, stem, text)
    with pytest.raises(CaseError) as excinfo:
        load_cases(cases_dir=tmp_path)
    assert f"{stem}.yaml" in str(excinfo.value)
    assert message in str(excinfo.value)


def test_unknown_keys_are_rejected() -> None:
    data = {
        "id": "x",
        "description": "d",
        "source": "s",
        "licence": "l",
        "article": "a",
        "expect": {"actors": [{"name": "A", "nickname": "B"}]},
    }
    with pytest.raises(ValueError, match="nickname"):
        GoldenCase.model_validate(data)


# -- aliases must be specific to their actor ------------------------------------------------
@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_no_case_has_a_generic_alias(path: Path) -> None:
    assert generic_aliases(load_case(path)) == []


def _with_actors(actors: list[dict[str, object]], article: str) -> GoldenCase:
    data = yaml.safe_load(VALID_CASE.format(id="x"))
    data["article"] = article
    data["expect"] = {"actors": actors}
    return GoldenCase.model_validate(data)


@pytest.mark.parametrize(
    ("alias", "article", "why"),
    [
        ("police", "Alice Example spoke to police.", "lowercase common noun"),
        ("the company", "Alice Example runs the company.", "lowercase common noun"),
        ("Example", "Alice Example met Bob Example Jones.", "names 'Bob Example Jones'"),
        ("Works", "Alice Example spoke.", "another expected actor's name contains it"),
    ],
)
def test_generic_aliases_are_rejected(alias: str, article: str, why: str) -> None:
    case = _with_actors(
        [{"name": "Alice Example", "aliases": [alias]}, {"name": "Acme Works"}], article
    )
    (found,) = generic_aliases(case)
    assert why in found


def test_specific_aliases_pass() -> None:
    article = "Alice Example, the mayor, spoke. Example said the Kremlin lied."
    case = _with_actors(
        [{"name": "Alice Example", "aliases": ["Example", "Mayor Alice Example"]}], article
    )
    assert generic_aliases(case) == []


# Whole words that happen to begin article words ("stole" / "stolen"): not truncations.
WHOLE_WORDS = {"stole", "safe"}


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_truncated_keywords_are_marked_as_prefixes(path: Path) -> None:
    """Keywords match whole words (by stem): a truncation such as "falsif" must be written
    "falsif*", or it silently matches nothing."""
    case = load_case(path)
    expect, text = case.expect, case.article_text()
    phrases = [p for c in expect.claims for g in c.keywords for p in g]
    phrases += [p for s in expect.stances for p in s.target]
    phrases += [p for g in expect.summary.must_include for p in g]
    unmarked = {
        p
        for p in phrases
        if not p.endswith("*") and not phrase_in(text, p) and phrase_in(text, p + "*")
    }
    assert unmarked <= WHOLE_WORDS


def test_new_case_keys_are_optional() -> None:
    """Cases written before the strict rule still load: the new keys have defaults."""
    case = GoldenCase.model_validate(yaml.safe_load(VALID_CASE.format(id="x")))
    assert case.thresholds == {} and case.expect.actors_complete is False
    assert case.expect.actors[0].kinds() == []
