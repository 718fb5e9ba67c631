"""Names, places and countries reduced to comparable forms (no database)."""

import pytest

from lshub.linkage import normalise as norm


@pytest.mark.parametrize(
    "left, right",
    [
        ("Dompé farmaceutici S.p.A.", "DOMPE FARMACEUTICI SPA"),
        ("Recordati S.p.A.", "Recordati SpA"),
        ("Nerviano Medical Sciences S.r.l.", "Nerviano Medical Sciences Srl"),
        ("NODES S.c.a.r.l", "Nodes"),
        ("Uriach Italy S.r.l. (Italy)", "Uriach"),
        ("Università degli Studi di Milano", "University of Milan"),
        ("Istituto Europeo di Oncologia", "European Institute of Oncology"),
        ("Politecnico di Milano", "Polytechnic University of Milan"),
        ("Fondazione Regionale per la Ricerca Biomedica", "Regional Foundation for Biomedical Research"),
    ],
)
def test_variants_of_one_name_share_their_distinctive_words(left, right):
    assert norm.name(left).core == norm.name(right).core


def test_kind_words_are_kept_apart_from_the_distinctive_ones():
    parsed = norm.name("Fondazione IRCCS Istituto Nazionale dei Tumori")
    assert parsed.core == ("cancer", "nazionale")
    assert {"foundation", "hospital"} <= parsed.kinds
    # "Istituto Nazionale Tumori" says the same without the kind words.
    assert norm.name("Istituto Nazionale Tumori").core == parsed.core


def test_hard_negatives_keep_the_words_that_tell_them_apart():
    assert norm.name("Università degli Studi di Milano-Bicocca").core != norm.name("Università degli Studi di Milano").core
    assert norm.name("Istituto Nazionale Tumori Regina Elena").core != norm.name("Istituto Nazionale dei Tumori").core
    assert norm.name("Policlinico San Matteo").core != norm.name("Policlinico San Donato").core


def test_incompatible_kinds():
    assert "hospital" in norm.excluded_kinds(norm.name("Università Vita-Salute San Raffaele").kinds)
    assert "company" in norm.excluded_kinds(norm.name("Fondazione Bracco").kinds)
    assert "company" in norm.name("Bracco Imaging S.p.A.").kinds


@pytest.mark.parametrize(
    "text, expected",
    [
        ("INT Milano", {"INT"}),
        ("IRST Meldola", {"IRST"}),
        ("IEO", {"IEO"}),
        ("IRCCS Ospedale San Raffaele", set()),  # a kind of body, not an acronym
        ("Ospedale Papa Giovanni XXIII", set()),  # a Roman numeral
        ("EMERGENCY", set()),  # a word in capitals, too long for an acronym
        ("SR Clinical", set()),  # two letters are too few
        (
            "Cogentech S.R.L. Società Benefit a Socio Unico soggetta all'attività di direzione e "
            "coordinamento di IFOM - Istituto Fondazione di Oncologia Molecolare ETS",
            set(),  # an acronym in the middle of a long name names another body
        ),
    ],
)
def test_acronyms(text, expected):
    assert norm.acronyms_in(text) == expected


def test_variants_split_composite_names():
    found = norm.variants("Università degli studi dell' Insubria (University of Insubria)")
    assert "University of Insubria" in found
    found = norm.variants("ASST di Lecco Ospedale Alessandro Manzoni")
    assert "ASST di Lecco" in found and "Ospedale Alessandro Manzoni" in found
    # "Roche (Italy)": a country in brackets is not a second name.
    assert norm.variants("Roche (Italy)") == ["Roche (Italy)", "Roche"]
    assert norm.variants("!!!") == []


@pytest.mark.parametrize("written", ["Milan", "Milano", "MILANO", "Mailand", " milan "])
def test_city_exonyms_fold_to_the_comune(written):
    assert norm.city(written) == "milano"


def test_city_drops_a_province_code_after_it():
    assert norm.city("Meldola (fc)") == "meldola"
    assert norm.city("L'Aquila") == "l aquila"


@pytest.mark.parametrize("written, code", [("Italy", "IT"), ("Italia", "IT"), ("it", "IT"), ("Italien", "IT"), ("Germany", "DE"), ("", "")])
def test_country_codes(written, code):
    assert norm.country(written) == code


def test_domain():
    assert norm.domain("https://www.hsr.it/en/ricerca?x=1") == "hsr.it"
    assert norm.domain("http://WWW.UNIMI.IT") == "unimi.it"
    assert norm.domain("not a url") == ""


def test_trailing_city_after_a_comma_only_when_it_is_a_place():
    places = {"milano", "roma"}.__contains__
    assert norm.split_trailing_city("Istituto Nazionale Tumori, Milano", places) == ("Istituto Nazionale Tumori", "milano")
    assert norm.split_trailing_city("Policlinico Tor Vergata, Università di Roma", places)[1] == ""
    assert norm.trailing_place("INT Milano", places) == "milano"


def test_hostile_text_is_cut_and_cleaned():
    parsed = norm.name("A" * 10_000 + "\x00\x1b[31m")
    assert len(parsed.raw) <= norm.MAX_NAME_CHARS
    assert "\x00" not in parsed.raw
    # SQL in a name is only words: nothing is executed, nothing is lost.
    assert set(norm.name("'; DROP TABLE registry_organisation; --").core) == {"drop", "table", "registry", "organisation"}
