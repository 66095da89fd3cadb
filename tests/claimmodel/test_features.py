"""Plain-text features: what a sentence does with a claim, and what of the claim is missing."""

from __future__ import annotations

from api.builtin.claimmodel.features import (
    ARTICLE_NAMES,
    SENTENCE_NAMES,
    ClaimView,
    Idf,
    pair_features_and_text,
    sentence_matrix,
)
from api.builtin.claimmodel.fnc_features import FEATURE_NAMES, fnc_features
from api.builtin.claimmodel.text import read

IDF = Idf({"troop": 2.0, "russia": 3.0, "korea": 3.0, "north": 2.0, "sent": 1.5}, unseen=6.0)
SEED_SENTENCES = [
    "North Korea has sent troops to Russia, South Korea's spy agency said.",
    "The Kremlin earlier denied the reports.",
    "The White House said it could not confirm whether the troops had arrived.",
]


def _article(claim: str) -> dict[str, float]:
    tokens = [read(s) for s in SEED_SENTENCES]
    vector, _ = pair_features_and_text(claim, tokens, SEED_SENTENCES, IDF)
    return dict(zip(ARTICLE_NAMES, vector, strict=True))


def test_a_claim_about_other_countries_misses_its_names_though_troops_match() -> None:
    own = _article("North Korea sent troops to Russia")
    other = _article("China sent troops to Ukraine")
    assert own["missing_names"] == 0 and own["article_cov"] == 1.0
    assert other["missing_names"] == 2
    assert other["missing_max_idf"] == IDF.unseen  # "China", "Ukraine": never seen, so rare
    assert other["article_cov"] < 0.5


def test_cues_are_scoped_to_the_matched_claim_words() -> None:
    view = ClaimView.of("Russia denied the reports", IDF)
    rows = sentence_matrix(view, [read(s) for s in SEED_SENTENCES])
    column = dict(zip(SENTENCE_NAMES, rows.T, strict=True))
    assert list(column["has_refute"]) == [0.0, 1.0, 0.0]  # "denied"
    assert column["has_hedge"][2] == 1.0  # "could", "whether"
    assert column["has_negation"][2] == 1.0  # "not"
    assert column["scoped_negation"][2] == 0.0  # far from any word of this claim


def test_negated_contractions_and_names_are_read() -> None:
    tokens = read("Apple didn't confirm the iPhone 7 launch in Berlin.")
    assert "n't" in tokens.stems and "negation" in tokens.cues and "confirm" in tokens.cues
    assert {"appl", "berlin"} <= tokens.names
    assert "7" in tokens.numbers


def test_fnc_baseline_features_count_refuting_words_and_shared_grams() -> None:
    values = dict(
        zip(
            FEATURE_NAMES,
            fnc_features("Hoax: Banksy not arrested", "Banksy was not arrested, police said."),
            strict=True,
        )
    )
    assert len(values) == 44
    assert values["fnc_refute_hoax"] == 1.0 and values["fnc_refute_not"] == 1.0
    assert values["fnc_polarity_head"] == 0.0  # two refuting words: even
    assert values["fnc_polarity_body"] == 1.0  # one: odd
    assert values["fnc_word2_all"] == 1.0  # "not arrested"


def test_evidence_text_is_the_lead_and_the_sentences_that_cover_the_claim() -> None:
    from api.builtin.claimmodel.features import evidence_text

    sentences = [*SEED_SENTENCES, "Nothing here about it.", "Russia has not commented."]
    tokens = [read(s) for s in sentences]
    rows = sentence_matrix(ClaimView.of("Kremlin denied reports", IDF), tokens)
    text = evidence_text(tokens, rows).split()
    assert text[:3] == ["north", "korea", "has"]  # the lead comes first
    assert "kremlin" in text and "noth" not in text


def test_names_are_the_words_bodies_write_capitalised_not_title_case_words() -> None:
    from api.builtin.claimmodel.text import proper_stems

    bodies = [
        "A report said Obama met Putin in Paris.",
        "The report claims that Obama flew to Paris, and Putin did not.",
        "Claims about the report spread.",
    ]
    proper = proper_stems(bodies)
    assert {"obama", "putin", "pari"} <= proper
    assert "report" not in proper and "claim" not in proper  # lower case mid-sentence


def test_participants_of_a_title_case_headline_are_its_names() -> None:
    from api.builtin.claimmodel.features import participants_of

    weights = {"report": 1.0, "claim": 1.0, "troop": 2.0, "sent": 1.5, "korea": 3.0, "north": 2.0}
    idf = Idf(weights, 6.0)
    idf = Idf(idf.weights, idf.unseen, frozenset({"korea"}))
    tokens = read("Report Claims North Korea Sent Troops To Ruritania")
    # "korea": written capitalised in bodies; "ruritania": never seen, so a rare name;
    # "north" is seen only in lower case here (not in proper): a common word
    assert participants_of(tokens, idf) == ("korea", "ruritania")


def test_an_article_missing_the_claims_participants_says_so() -> None:
    proper_idf = Idf(IDF.weights, IDF.unseen, frozenset({"korea", "russia"}))
    tokens = [read(s) for s in SEED_SENTENCES]

    def features(claim: str) -> dict[str, float]:
        vector, _ = pair_features_and_text(claim, tokens, SEED_SENTENCES, proper_idf)
        return dict(zip(ARTICLE_NAMES, vector, strict=True))

    own, other = features("North Korea sent troops to Russia"), features("China sent troops")
    assert own["participants"] == 2 and own["missing_participants"] == 0
    assert own["lead_participant_cov"] == 1.0 and own["best_participant_cov"] == 1.0
    assert other["participants"] == 1 and other["missing_participant_share"] == 1.0
    assert other["missing_participant_idf"] == IDF.unseen
    assert features("troops were sent")["lead_participant_cov"] == 1.0  # none to miss
