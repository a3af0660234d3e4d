from __future__ import annotations

import unicodedata

import pytest

from haven.crisis.classifier import (
    LEXICON_VERSION,
    MAX_CONFIDENCE,
    NO_MATCH_CONFIDENCE,
    Classification,
    Classifier,
    normalize,
    tokens,
)
from haven.crisis.lexicon import LexiconClassifier, load_lexicons
from haven.crisis.taxonomy import HUMAID_CATEGORIES, Category, Hazard

C = Category
H = Hazard

CASES: list[tuple[str, str, Category, Hazard]] = [
    # English
    (
        "en",
        "Flash flood in the valley, 3 people dead and many injured",
        C.INJURED_OR_DEAD_PEOPLE,
        H.FLOOD,
    ),
    (
        "en",
        "We need food, drinking water and blankets, please help us",
        C.REQUESTS_OR_URGENT_NEEDS,
        H.OTHER,
    ),
    (
        "en",
        "The bridge collapsed after the earthquake and there is no electricity",
        C.INFRASTRUCTURE_AND_UTILITY_DAMAGE,
        H.EARTHQUAKE,
    ),
    (
        "en",
        "Families evacuated to relief camps as the wildfire spreads",
        C.DISPLACED_PEOPLE_AND_EVACUATIONS,
        H.FIRE,
    ),
    (
        "en",
        "Looking for my brother, missing since the hurricane hit",
        C.MISSING_OR_FOUND_PEOPLE,
        H.STORM,
    ),
    (
        "en",
        "Volunteers and the Red Cross are distributing donations",
        C.RESCUE_VOLUNTEERING_OR_DONATION_EFFORT,
        H.OTHER,
    ),
    (
        "en",
        "Stay indoors and avoid the area, gunfire near the market",
        C.CAUTION_AND_ADVICE,
        H.CONFLICT,
    ),
    (
        "en",
        "Our prayers and condolences to everyone hit by the landslide",
        C.SYMPATHY_AND_SUPPORT,
        H.LANDSLIDE,
    ),
    # French
    (
        "fr",
        "Inondations à Saint-Étienne : deux morts et plusieurs blessés",
        C.INJURED_OR_DEAD_PEOPLE,
        H.FLOOD,
    ),
    (
        "fr",
        "Nous avons besoin de nourriture et d'eau potable, aidez-nous",
        C.REQUESTS_OR_URGENT_NEEDS,
        H.OTHER,
    ),
    (
        "fr",
        "Le pont s'est effondré après le séisme, coupure de courant dans tout le quartier",
        C.INFRASTRUCTURE_AND_UTILITY_DAMAGE,
        H.EARTHQUAKE,
    ),
    (
        "fr",
        "Les habitants ont été évacués à cause de l'incendie de forêt",
        C.DISPLACED_PEOPLE_AND_EVACUATIONS,
        H.FIRE,
    ),
    (
        "fr",
        "Je cherche ma fille, portée disparue depuis la tempête",
        C.MISSING_OR_FOUND_PEOPLE,
        H.STORM,
    ),
    # Spanish
    (
        "es",
        "Inundaciones en el pueblo: hay cinco muertos y muchos heridos",
        C.INJURED_OR_DEAD_PEOPLE,
        H.FLOOD,
    ),
    (
        "es",
        "Necesitamos agua potable, comida y medicamentos urgente",
        C.REQUESTS_OR_URGENT_NEEDS,
        H.OTHER,
    ),
    (
        "es",
        "El terremoto derrumbó el puente y estamos sin luz",
        C.INFRASTRUCTURE_AND_UTILITY_DAMAGE,
        H.EARTHQUAKE,
    ),
    (
        "es",
        "Los bomberos y voluntarios rescatan a las familias del incendio",
        C.RESCUE_VOLUNTEERING_OR_DONATION_EFFORT,
        H.FIRE,
    ),
    (
        "es",
        "Busco a mi hermano, desaparecido tras el deslizamiento de tierra",
        C.MISSING_OR_FOUND_PEOPLE,
        H.LANDSLIDE,
    ),
    # Arabic
    ("ar", "الفيضانات في القرية وهناك قتلى وجرحى", C.INJURED_OR_DEAD_PEOPLE, H.FLOOD),
    ("ar", "نحتاج طعام وأدوية وبطانيات بشكل عاجل", C.REQUESTS_OR_URGENT_NEEDS, H.OTHER),
    (
        "ar",
        "انهيار الجسر بعد الزلزال وانقطاع الكهرباء في المدينة",
        C.INFRASTRUCTURE_AND_UTILITY_DAMAGE,
        H.EARTHQUAKE,
    ),
    ("ar", "إجلاء العائلات من المنطقة بسبب الحريق", C.DISPLACED_PEOPLE_AND_EVACUATIONS, H.FIRE),
    (
        "ar",
        "قصف على الحي وفرق الإنقاذ والدفاع المدني تعمل",
        C.RESCUE_VOLUNTEERING_OR_DONATION_EFFORT,
        H.CONFLICT,
    ),
]


@pytest.fixture(scope="module")
def clf() -> LexiconClassifier:
    return LexiconClassifier()


@pytest.mark.parametrize(("language", "text", "category", "hazard"), CASES)
def test_classifies_with_the_language_given(
    clf: LexiconClassifier, language: str, text: str, category: Category, hazard: Hazard
) -> None:
    result = clf.classify(text, language)
    assert (result.category, result.hazard) == (category, hazard), result.matched_terms
    assert result.language == language
    assert result.category_confidence > NO_MATCH_CONFIDENCE


@pytest.mark.parametrize(("language", "text", "category", "hazard"), CASES)
def test_guesses_the_language(
    clf: LexiconClassifier, language: str, text: str, category: Category, hazard: Hazard
) -> None:
    result = clf.classify(text, None)
    assert result.language == language
    assert (result.category, result.hazard) == (category, hazard)


def test_every_language_has_every_class_and_hazard() -> None:
    lexicons = load_lexicons()
    assert {"en", "fr", "es", "ar"} <= set(lexicons)
    for language, lexicon in lexicons.items():
        labels = {(t.kind, t.label) for t in lexicon.terms}
        for category in HUMAID_CATEGORIES:
            assert ("category", str(category)) in labels, (language, category)
        for hazard in Hazard:
            assert ("hazard", str(hazard)) in labels, (language, hazard)


def test_lexicons_load_once() -> None:
    assert load_lexicons() is load_lexicons()


@pytest.mark.parametrize(
    "text",
    [
        "Évacuation du quartier à cause des inondations",
        "evacuation du quartier a cause des inondations",
        "ÉVACUATION DU QUARTIER À CAUSE DES INONDATIONS",
        unicodedata.normalize("NFD", "Évacuation du quartier à cause des inondations"),
    ],
)
def test_french_accents_and_case_do_not_matter(clf: LexiconClassifier, text: str) -> None:
    result = clf.classify(text, "fr")
    assert result.category is C.DISPLACED_PEOPLE_AND_EVACUATIONS
    assert result.hazard is H.FLOOD


@pytest.mark.parametrize(
    "text",
    ["Sismo fuerte: hay víctimas y heridos", "SISMO FUERTE: HAY VICTIMAS Y HERIDOS"],
)
def test_spanish_accents_and_case_do_not_matter(clf: LexiconClassifier, text: str) -> None:
    result = clf.classify(text, "es")
    assert (result.category, result.hazard) == (C.INJURED_OR_DEAD_PEOPLE, H.EARTHQUAKE)


@pytest.mark.parametrize(
    "text",
    [
        "زلزال قوي وجرحى في المستشفى",
        "زِلْزَالٌ قَوِيٌّ وَجَرْحَى فِي الْمُسْتَشْفَى",  # with tashkeel
        "زلــزال قوي وجرحي في المستشفي",  # tatweel, alef maqsura written as yeh
    ],
)
def test_arabic_diacritics_and_letter_variants(clf: LexiconClassifier, text: str) -> None:
    result = clf.classify(text, None)
    assert result.language == "ar"
    assert (result.category, result.hazard) == (C.INJURED_OR_DEAD_PEOPLE, H.EARTHQUAKE)


@pytest.mark.parametrize("text", ["عمليات إنقاذ", "عمليات أنقاذ", "عمليات انقاذ", "عمليات الإنقاذ"])
def test_arabic_alef_forms_and_article(clf: LexiconClassifier, text: str) -> None:
    assert clf.classify(text, "ar").category is C.RESCUE_VOLUNTEERING_OR_DONATION_EFFORT


def test_normalize() -> None:
    assert normalize("Ça Déborde") == "ca deborde"
    assert normalize("Cœur") == "coeur"
    assert normalize("أإآٱ") == "\u0627" * 4  # all alef forms become a bare alef
    assert normalize("مَدْرَسَة") == "مدرسه"
    # ASCII once case-folded (the fast path) reads as the full decomposition would.
    assert normalize("FLOOD in Port-au-Prince") == "flood in port-au-prince"
    assert normalize("Straße \ufb01re \u212a") == "strasse fire k"
    assert normalize("\uff26\uff2c\uff2f\uff2f\uff24") == "flood"  # full-width letters, not ASCII
    assert tokens("l'eau, #flood! aidez-nous") == ["l", "eau", "flood", "aidez", "nous"]


def test_whole_words_only(clf: LexiconClassifier) -> None:
    result = clf.classify("I was fired from my job, the warm weather is nice", "en")
    assert result.hazard is H.OTHER
    assert result.hazard_confidence == NO_MATCH_CONFIDENCE
    assert result.category is C.OTHER_RELEVANT_INFORMATION


def test_no_match_is_other_with_low_confidence(clf: LexiconClassifier) -> None:
    result = clf.classify("lorem ipsum dolor sit amet", None)
    assert result.category is C.OTHER_RELEVANT_INFORMATION
    assert result.hazard is H.OTHER
    assert result.category_confidence == NO_MATCH_CONFIDENCE
    assert result.hazard_confidence == NO_MATCH_CONFIDENCE
    assert result.matched_terms == ()
    assert result.language == "und"


def test_empty_text(clf: LexiconClassifier) -> None:
    result = clf.classify("", None)
    assert result.category is C.OTHER_RELEVANT_INFORMATION
    assert result.language == "und"


def test_not_humanitarian_needs_explicit_signals(clf: LexiconClassifier) -> None:
    ad = clf.classify("Huge discount today only! Buy now, free shipping, promo code SAVE10", "en")
    assert ad.category is C.NOT_HUMANITARIAN
    for _, text, _, _ in CASES:
        assert clf.classify(text, None).category is not C.NOT_HUMANITARIAN
    assert clf.classify("nothing to see here", "en").category is not C.NOT_HUMANITARIAN


def test_longer_phrase_takes_its_words(clf: LexiconClassifier) -> None:
    result = clf.classify("Des coups de feu près du marché", "fr")
    assert result.hazard is H.CONFLICT
    assert all(m.label != "fire" for m in result.matched_terms)


def test_confidence_grows_with_evidence(clf: LexiconClassifier) -> None:
    one = clf.classify("two people dead", "en")
    two = clf.classify("two people dead and many injured", "en")
    three = clf.classify("two people dead, many injured, bodies in the street", "en")
    none = clf.classify("nice weather today", "en")
    assert one.category == two.category == three.category == C.INJURED_OR_DEAD_PEOPLE
    assert none.category_confidence < one.category_confidence
    assert one.category_confidence < two.category_confidence < three.category_confidence
    assert three.category_confidence <= MAX_CONFIDENCE


def test_mixed_signals_lower_confidence(clf: LexiconClassifier) -> None:
    pure = clf.classify("people dead and injured", "en")
    mixed = clf.classify("people dead and injured, we need blankets and food", "en")
    assert mixed.category_confidence < pure.category_confidence
    flood = clf.classify("flood, the river is flooding the town", "en")
    unsure = clf.classify("flood and fire in the town", "en")
    assert unsure.hazard_confidence < flood.hazard_confidence


def test_matched_terms_explain_the_decision(clf: LexiconClassifier) -> None:
    result = clf.classify("Flooding in town, 2 dead", "en")
    explained = {(m.kind, m.label, m.term, m.language) for m in result.matched_terms}
    assert ("hazard", "flood", "flood*", "en") in explained
    assert ("category", "injured_or_dead_people", "dead", "en") in explained
    stored = result.to_dict()
    assert stored["category"] == "injured_or_dead_people"
    assert stored["classifier_version"] == LEXICON_VERSION
    assert {"kind": "hazard", "label": "flood", "term": "flood*", "language": "en"} in stored["matched_terms"]


def test_version_is_recorded() -> None:
    assert LEXICON_VERSION.startswith("lexicon-")
    default = LexiconClassifier()
    assert default.version == LEXICON_VERSION
    assert default.classify("flood", "en").classifier_version == LEXICON_VERSION
    custom = LexiconClassifier(version="lexicon-test.1")
    assert custom.classify("flood", "en").classifier_version == "lexicon-test.1"


def test_implements_the_port() -> None:
    assert isinstance(LexiconClassifier(), Classifier)


def test_language_tag_is_reduced_to_primary(clf: LexiconClassifier) -> None:
    assert clf.classify("inondation", "fr-CA").language == "fr"
    assert clf.classify("inundación", "ES_mx").language == "es"


def test_english_terms_count_in_other_languages(clf: LexiconClassifier) -> None:
    result = clf.classify("Grosse inondation #earthquake", "fr")
    assert {m.label for m in result.matched_terms if m.kind == "hazard"} == {"flood", "earthquake"}


def test_unsupported_language_uses_every_lexicon(clf: LexiconClassifier) -> None:
    result = clf.classify("Überschwemmung, inondation, muertos", "de")
    assert result.language == "de"
    assert result.hazard is H.FLOOD
    assert result.category is C.INJURED_OR_DEAD_PEOPLE


def test_classification_validates_confidence() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        Classification(C.UNKNOWN, 1.5, H.OTHER, 0.1, "en", (), "x")


def test_injected_lexicons() -> None:
    from haven.crisis.lexicon import Lexicon

    lexicon = Lexicon.from_dict(
        {"language": "xx", "stopwords": ["zz"], "categories": {"sympathy_and_support": ["hug*"]}}
    )
    custom = LexiconClassifier({"xx": lexicon})
    result = custom.classify("zz hugging", None)
    assert result.language == "xx"
    assert result.category is C.SYMPATHY_AND_SUPPORT
    with pytest.raises(ValueError, match="cannot be decided"):
        Lexicon.from_dict({"language": "xx", "categories": {"unknown": ["a"]}})
    with pytest.raises(ValueError, match="prefix"):
        Lexicon.from_dict({"language": "xx", "categories": {"sympathy_and_support": ["h*"]}})
