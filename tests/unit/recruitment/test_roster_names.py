"""Names and licences as the roster indexes and searches them."""

from __future__ import annotations

import pytest

from haven.errors import ValidationFailed
from haven.recruitment.roster import licence_key, name_tokens, normalise, plan_search


def test_normalise_folds_case_accents_and_punctuation() -> None:
    assert normalise("  Société  GÉNÉRALE d'Emploi, S.A. ") == "societe generale demploi s a"
    assert normalise("Ñandú Empleos Ltda.") == normalise("nandu empleos ltda")


def test_tokens_keep_compact_and_split_forms() -> None:
    tokens = name_tokens(["Smith-Jones Int'l", "S.A."])
    assert {"smithjones", "smith", "jones", "intl", "int", "sa"} <= set(tokens)


def test_licence_numbers_ignore_spacing_case_and_separators() -> None:
    assert licence_key("ph", "POEA-123/2020") == licence_key("PH", "poea 123 2020") == "PH#POEA1232020"


def test_search_queries_the_longest_word_bucket() -> None:
    plan = plan_search("Sté générale", None, None, None)
    assert (plan.term, plan.prefix, plan.words) == ("name#ge", "generale", ("ste", "generale"))
    assert plan_search(None, "qa", ("np", "qa"), None).term == "corridor#NP>QA"
    assert plan_search(None, "qa", None, None).term == "country#QA"
    assert plan_search(None, None, None, "suspended").term == "roster"
    with pytest.raises(ValidationFailed):
        plan_search("a !", None, None, None)
