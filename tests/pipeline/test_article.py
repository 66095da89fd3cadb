from api.pipeline.article import clean_sentence, prepare_article


def test_offsets_point_into_the_text_as_submitted(seed_text: str) -> None:
    article = prepare_article(seed_text)
    assert len(article) == 18
    for sentence in article.sentences:
        assert seed_text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip()


def test_abbreviations_do_not_split_sentences(seed_text: str) -> None:
    article = prepare_article(seed_text)
    texts = [s.text for s in article.sentences]
    assert any("violation of the U.N. charter and resolutions" in t for t in texts)
    assert any(t.endswith("consulted with the U.S. on Monday.") for t in texts)


def test_headline_line_stays_its_own_sentence(seed_text: str) -> None:
    article = prepare_article(seed_text)
    assert article.sentence(1).text == "Putin vows trade, security beyond West for North Korea"
    assert article.headline_sentence is article.sentence(1)


def test_wire_trailer_is_skipped_not_analysed(seed_text: str) -> None:
    article = prepare_article(seed_text)
    assert all("Contributing" not in s.text for s in article.sentences)
    ((start, end),) = article.skipped
    assert seed_text[start:end] == "Contributing: Reuters"


def test_stray_bracket_is_cleaned_for_the_model_only(seed_text: str) -> None:
    sentence = prepare_article(seed_text).sentence(3)
    assert "over ] North" in sentence.text
    assert "over North Korea" in sentence.clean


def test_quotes_nested_and_crlf_keep_exact_offsets() -> None:
    text = (
        "He said: “She told me ‘no’ twice.” Then he left.\r\n\r\n"
        "Officials at the U.S. embassy agreed."
    )
    article = prepare_article(text)
    assert [s.text for s in article.sentences] == [
        "He said: “She told me ‘no’ twice.”",
        "Then he left.",
        "Officials at the U.S. embassy agreed.",
    ]
    for s in article.sentences:
        assert text[s.start : s.end] == s.text


def test_clean_sentence_removes_control_characters_and_unbalanced_brackets() -> None:
    assert clean_sentence("a\x00b  (c d\tE]") == "a b c d E"
    assert clean_sentence("kept (balanced) [too]") == "kept (balanced) [too]"
