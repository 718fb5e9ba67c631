"""Names, places and countries reduced to comparable forms (no database)."""

import pytest

from lshub.linkage import affiliation
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


@pytest.mark.parametrize(
    "text",
    [
        "Fondazione IRCCS Istituto Nazionale dei Tumori",
        "S.p.A.  Dompé\u00a0farmaceutici",
        "caf\u0065\u0301 \u0301x",  # a combining accent at the start of a word
        "na\u00efve \u00a8 \u00b4x",  # spacing accents decompose to a space and a mark
        "\u212aelvin \ufb01ne \u00bd \u0130stanbul \u03a3\u039f\u03a3",
        "",
        "   ",
        "!!! ...",
    ],
)
def test_folding_word_by_word_is_folding_the_whole(text):
    assert norm.fold_words(text) == norm.fold(text)
    assert norm.fold_words(norm.clean(text)) == norm.fold(norm.clean(text))


def test_clean_turns_control_characters_into_spaces():
    assert norm.clean("Ospedale\x00San\u2028Paolo\t") == "Ospedale San Paolo"
    assert norm.clean("Ospedale San Paolo") == "Ospedale San Paolo"
    assert norm.clean(None) == ""


def test_the_same_name_twice_gives_the_same_forms():
    # Words are cached: a second name made of the same words must not share state.
    first = norm.name("Istituto Nazionale Tumori Regina Elena S.p.A.")
    norm.name("Regina Margherita")
    assert norm.name("Istituto Nazionale Tumori Regina Elena S.p.A.") == first
    # The legal form and the stop word are gone, the words are translated.
    assert first.key.split()[:3] == ["istituto", "nazionale", "cancer"]
    assert not {"spa", "s", "p", "a", "dei"} & set(first.key.split())
    assert "company" in first.kinds
    # A long site code says nothing; a short number may be part of the name.
    assert norm.name("1301 - Ospedali Riuniti").key == norm.name("Ospedali Riuniti").key
    assert norm.name("Centro 21").key.split()[-1] == "21"


def test_acronyms_in_a_long_name_count_only_first_or_bracketed():
    assert norm.acronyms_in("IEO Istituto Europeo di Oncologia Milano") == {"IEO"}
    assert norm.acronyms_in("Istituto Europeo di Oncologia Milano Italia (IEO)") == {"IEO"}
    assert norm.acronyms_in("Istituto Europeo di Oncologia IEO Milano") == set()
    assert norm.acronyms_in("INT Milano") == {"INT"}


# Affiliations as PubMed, Scopus and OpenAlex print them. The comuni are a small stand-in
# for the gazetteer: these tests need no database.
_COMUNI = {"milano", "rozzano", "pavia", "monza", "bergamo", "roma", "san donato milanese", "verbania"}.__contains__


@pytest.mark.parametrize(
    "text, name, city, country",
    [
        (
            "Unit of Immunology, IRCCS Humanitas Research Hospital, via Manzoni 56, 20089 Rozzano, Milan, Italy",
            "IRCCS Humanitas Research Hospital",
            "rozzano",
            "IT",
        ),
        (
            "Department of Oncology and Hemato-Oncology, University of Milan, Milan, Italy",
            "University of Milan",
            "milano",
            "IT",
        ),
        (
            "Dipartimento di Scienze Cliniche e di Comunità, Università degli Studi di Milano",
            "Università degli Studi di Milano",
            "",
            "",
        ),
        ("Medical Oncology Department, Istituto Nazionale Tumori, Milano (MI)", "Istituto Nazionale Tumori", "milano", ""),
        ("USC Ematologia, ASST Papa Giovanni XXIII, Piazza OMS 1, I-24127 Bergamo", "ASST Papa Giovanni XXIII", "bergamo", ""),
        ("University of Milan, Department of Oncology, Milan", "University of Milan", "milano", ""),
        ("School of Medicine and Surgery, University of Milano-Bicocca, Monza, Italy", "University of Milano-Bicocca", "monza", "IT"),
        # Abroad, the places before the country are not comuni: they go all the same.
        ("Division of Hematology, Mayo Clinic, Rochester, MN, USA", "Mayo Clinic", "rochester", "US"),
        ("Institut Curie, PSL Research University, Paris, France", "Institut Curie, PSL Research University", "paris", "FR"),
        ("Department of Oncology, Mario Negri Institute, Milan, Lombardy, Italy", "Mario Negri Institute", "milano", "IT"),
    ],
)
def test_affiliations_are_read_as_the_body_its_place_and_country(text, name, city, country):
    assert affiliation.read(text, _COMUNI) == affiliation.Affiliation(name, city, country)


@pytest.mark.parametrize(
    "text",
    [
        "Istituto Auxologico Italiano",  # no commas: nothing to read
        "Laboratori Bouty, Gruppo Farmaceutico",  # a company named "Laboratori", not a lab
        "Scuola Universitaria Superiore IUSS, Pavia Campus",  # a school that is a body
        "Clinica Mangiagalli, Ospedale Maggiore Policlinico",
        "Human Technopole - Centre for Genomics, Human Technopole",
    ],
)
def test_parts_that_name_bodies_are_kept(text):
    assert affiliation.read(text, _COMUNI).name == text


def test_an_affiliation_of_units_or_places_only_keeps_something():
    assert affiliation.read("Department of Oncology, Unit of Immunology", _COMUNI).name == (
        "Department of Oncology, Unit of Immunology"
    )
    assert affiliation.read("Milan, Italy", _COMUNI) == affiliation.Affiliation("Milan", "", "IT")
    assert affiliation.read("", _COMUNI) == affiliation.Affiliation("")
    assert affiliation.read(",,, ;", _COMUNI) == affiliation.Affiliation(",,, ;")


def test_a_huge_affiliation_is_cut_not_refused():
    text = "Department of Oncology, " * 2000 + "University of Milan, Milan, Italy"
    found = affiliation.read(text, _COMUNI)
    assert len(found.name) <= norm.MAX_NAME_CHARS


def test_an_acronym_before_an_english_head_noun_names_the_parent():
    # "The AIRC Institute of Molecular Oncology" is IFOM, an institute of AIRC.
    assert norm.acronyms_in("AIRC Institute of Molecular Oncology") == set()
    assert norm.acronyms_in("IEO European Institute of Oncology") == {"IEO"}
    assert norm.acronyms_in("INT Milano") == {"INT"}


def test_new_building_and_french_polytechnic():
    assert norm.name("Nuovo Ospedale San Gerardo").strong == norm.name("San Gerardo").strong
    assert norm.name("École Polytechnique de Milan").core == norm.name("Politecnico di Milano").core


# --- spelled-out kinds, abbreviations, cut names, qualifying parts ---------------------

from lshub.linkage import features  # noqa: E402


@pytest.mark.parametrize(
    "spelled, short",
    [
        ("Azienda Socio-Sanitaria Territoriale di Cremona", "ASST di Cremona"),
        ("Azienda Socio Sanitaria Territoriale Lariana", "ASST Lariana"),
        ("Agenzia di Tutela della Salute di Brescia", "ATS di Brescia"),
        ("Agenzia per la Tutela della Salute della Montagna", "ATS della Montagna"),
        ("Azienda Ospedaliera San Paolo", "A.O. San Paolo"),
        ("Azienda Sanitaria Locale di Bergamo", "ASL di Bergamo"),
    ],
)
def test_spelled_out_health_bodies_read_as_their_abbreviation(spelled, short):
    assert norm.name(spelled).key == norm.name(short).key
    assert norm.name(spelled).kinds == norm.name(short).kinds


def test_an_ats_spelled_out_is_a_health_authority_not_a_public_agency():
    assert norm.name("Agenzia di Tutela della Salute di Brescia").kinds == {"health_authority"}


@pytest.mark.parametrize(
    "abbreviated, whole",
    [
        ("FONDAZ.IRCCS CA' GRANDA", "Fondazione IRCCS Ca' Granda"),
        ("Fond. IRCCS Policl. S. Matteo", "Fondazione IRCCS Policlinico San Matteo"),
        ("IRCCS S.GIOVANNI DI DIO", "IRCCS San Giovanni di Dio"),
        ("Ist. Naz. Tumori", "Istituto Nazionale Tumori"),
    ],
)
def test_dotted_abbreviations_are_written_out(abbreviated, whole):
    assert norm.name(abbreviated).key == norm.name(whole).key


def test_initials_and_legal_forms_are_not_taken_for_abbreviations():
    assert norm.name("Roche S.p.A.").key == "roche"
    assert norm.name("Chiesi Farmaceutici S.p.A.").kinds == {"company"}
    assert norm.name("B. Braun Milano S.p.A.").key == norm.name("B. Braun Milano").key


def test_a_cut_word_that_begins_words_of_different_meanings_stays():
    # "osped" begins ospedale and ospedaliero: writing it out would be a guess.
    assert norm.complete("osped") == "osped"
    assert norm.complete("zzz") == "zzz"
    assert norm.complete("fondaz") == "fondazione"


def test_fatebenefratelli_is_also_written_fbf():
    assert norm.name("IRCCS S.GIOVANNI DI DIO-FBF").core == norm.name("IRCCS San Giovanni di Dio Fatebenefratelli").core


def test_a_childrens_hospital_is_an_ospedale_dei_bambini():
    assert norm.name("Vittore Buzzi Children's Hospital").core == norm.name("Ospedale dei Bambini Vittore Buzzi").core


@pytest.mark.parametrize(
    "cut, written_out",
    [
        ("FONDAZ.IRCCS CA' GRANDA - OSPEDALE MAGGI", "FONDAZ.IRCCS CA' GRANDA - OSPEDALE MAGGIORE"),
        ("ASST GRANDE OSPEDALE METROPOLITANO NIGUA", "ASST GRANDE OSPEDALE METROPOLITANO NIGUARDA"),
    ],
)
def test_a_name_cut_at_the_field_width_gets_its_last_word_back(cut, written_out):
    assert len(cut) == 40
    assert features.complete_cut_name(cut) == written_out


@pytest.mark.parametrize(
    "text",
    [
        "ATS DELLA CITTA' METROPOLITANA DI MILANO",  # 40 characters, ending in a whole word
        "Ospedale Maggi",  # short: not cut, whatever its last word
        "FONDAZIONE IRCCS CA' GRANDA - OSPEDALE M",  # one letter: anything could follow
        "",
    ],
)
def test_names_that_are_not_cut_stay_as_they_are(text):
    assert features.complete_cut_name(text) == text


def test_a_comune_after_a_dash_is_the_city():
    assert features.candidate_place({"name": "IRCCS S.GIOVANNI DI DIO-FBF- BRESCIA"})[1] == "brescia"
    assert features.candidate_place({"name": "Istituto Nazionale Tumori - Napoli"})[1] == "napoli"
    # Without a dash the place is only a hint: "Policlinico San Donato" is no comune's body.
    assert features.candidate_place({"name": "Policlinico San Donato"})[1] == ""
    assert features.candidate_place({"name": "Human Technopole - Centre for Genomics"})[1] == ""


def _part_names(text: str, city: str) -> list[str]:
    parts = norm.variants(text)[1:]
    return [p for _, p in features._part_forms(parts, norm.city_words(city) if city else set())]


def test_a_site_of_the_body_in_its_place_leaves_the_body_named():
    parts = _part_names("Istituti Clinici Scientifici Maugeri IRCCS, Institute of Montescano", "montescano")
    assert parts == ["Istituti Clinici Scientifici Maugeri IRCCS"]


def test_a_kind_alone_leaves_the_other_parts_named():
    parts = _part_names("Fondazione Don Carlo Gnocchi, IRCCS, Ospedale San Giuseppe", "")
    assert parts == ["Fondazione Don Carlo Gnocchi", "Ospedale San Giuseppe"]


@pytest.mark.parametrize(
    "text, city",
    [
        ("Istituto Nazionale di Fisica Nucleare, Sezione di Pavia", "pavia"),
        ("CNR - Istituto di Neuroscienze (sede di Milano)", "milano"),
    ],
)
def test_a_section_or_branch_in_its_place_still_hides_the_parent(text, city):
    assert _part_names(text, city) == []


# The press: articles, demonyms, and the sites of a body ("stabilimento di …").
_PLACES = {"cesano maderno", "ceriano laghetto", "cassina de pecchi", "bresso", "sesto san giovanni", "milano"}.__contains__


@pytest.mark.parametrize(
    "text, name, city",
    [
        ("lo stabilimento Bracco di Ceriano Laghetto", "Bracco", "ceriano laghetto"),
        ("Bracco Imaging, stabilimento di Cesano Maderno", "Bracco Imaging", "cesano maderno"),
        ("IBSA, plant in Cassina de' Pecchi", "IBSA", "cassina de pecchi"),
        ("Menarini, sito produttivo di Bresso", "Menarini", "bresso"),
        ("il campus OpenZone di Bresso", "OpenZone", "bresso"),
        ("la futura Città della Salute e della Ricerca a Sesto San Giovanni", "Città della Salute e della Ricerca", "sesto san giovanni"),
        ("la bresciana Magis Farmaceutici", "Magis Farmaceutici", ""),
        ("il Politecnico", "Politecnico", ""),
        ("l'Istituto Europeo di Oncologia", "Istituto Europeo di Oncologia", ""),
        ("stabilimento di Bresso", "stabilimento di Bresso", "bresso"),  # a site alone keeps its words
    ],
)
def test_press_forms_are_read_as_the_body_and_its_place(text, name, city):
    assert affiliation.read(text, _PLACES) == affiliation.Affiliation(name, city)


@pytest.mark.parametrize(
    "text",
    [
        "Lombarda Farmaci",  # a demonym opening a name without an article is the name
        "stabilimento Bracco di Singen",  # not a comune: nothing to read
        "CNR - Istituto di Neuroscienze, sede di Milano",  # a branch is a body of its own
        "la",  # only an article: kept as it is
        "",
    ],
)
def test_press_forms_that_say_no_place_are_kept(text):
    assert affiliation.read(text, _PLACES).name == norm.clean(text)
    assert affiliation.read(text, _PLACES).city == ""


@pytest.mark.parametrize(
    "text, country",
    [
        ("Grünenthal GmbH", "DE"),
        ("Boehringer Ingelheim Pharma GmbH & Co. KG", "DE"),
        ("Olon Ricerca Bioscience LLC", "US"),
        ("Zambon Switzerland Ltd.", "GB"),
        ("Bracco Imaging S.p.A.", ""),
        ("Ospedale San Giovanni di Dio AG", ""),  # AG is also Agrigento
    ],
)
def test_a_foreign_legal_form_says_the_body_is_abroad(text, country):
    assert norm.legal_country(text) == country


def test_a_dedication_in_quotes_is_also_read_without_it():
    found = norm.variants('Istituto di Genetica Molecolare "Luigi Luca Cavalli-Sforza", CNR')
    assert found[:3] == [
        'Istituto di Genetica Molecolare "Luigi Luca Cavalli-Sforza", CNR',
        "Istituto di Genetica Molecolare, CNR",
        "Istituto di Genetica Molecolare",
    ]
    # Quotes around the whole distinctive part leave nothing to read without them.
    assert norm.variants('Istituto "Mario Negri"') == ['Istituto "Mario Negri"']


def test_a_lone_initial_is_left_out_and_s_is_still_san():
    assert norm.name("C. Mondino").key == norm.name("Mondino").key
    assert norm.name("S. Paolo").key == "san paolo"


def test_an_acronym_that_ends_a_long_name_counts():
    assert norm.acronyms_in("Istituto di Oncologia Molecolare IFOM") == {"IFOM"}
    assert norm.acronyms_in("Laboratorio sotto la direzione di IFOM - Milano") == set()


@pytest.mark.parametrize(
    "left, right",
    [
        ("Europäisches Institut für Onkologie", "Istituto Europeo di Oncologia"),
        ("Fondation IRCCS Institut national des tumeurs", "Fondazione IRCCS Istituto Nazionale dei Tumori"),
        ("Fundación IRCCS Instituto Nacional de Tumores", "Fondazione IRCCS Istituto Nazionale dei Tumori"),
        ("Agency for Health Protection of Brescia", "ATS di Brescia"),
        ("Lombardy Oncology Network", "Rete Oncologica Lombarda"),
        ("Foundation for the Child and its Mother", "Fondazione per il Bambino e la sua Mamma"),
        ("Institute of Molecular Bioimaging and Physiology, National Research Council", "CNR - Istituto di Bioimmagini e Fisiologia Molecolare"),
    ],
)
def test_translations_and_english_word_orders_have_the_same_words(left, right):
    assert sorted(norm.name(left).key.split()) == sorted(norm.name(right).key.split())


def test_provincia_after_another_head_only_says_where():
    assert norm.name("A.S.L. della Provincia di Lecco").kinds == {"health_authority"}
    assert norm.name("AO Provincia di Lodi").kinds == {"hospital"}
    assert norm.name("Provincia di Bergamo").kinds == {"public"}
    # The word stays in the name: an ASL of a province is not the ATS of its city.
    assert "provinci" in norm.name("A.S.L. della Provincia di Lecco").core
