"""Organisation names, places and countries reduced to forms that can be compared.

The same hospital is written "Fondazione IRCCS Istituto Nazionale dei Tumori",
"Istituto Nazionale Tumori, Milano", "National Cancer Institute, Milan" and "INT". This
module turns each of those into:

- `key`: every meaningful word, translated to one canonical form (Italian and English
  variants of a word map to the same token, legal forms and stop words dropped);
- `core`: the key's distinctive words — without the words that only say what *kind*
  of body it is (Fondazione, IRCCS, Istituto, Ospedale, Azienda, ASST…);
- `strong`: the core without descriptive words (research, clinical, centre…);
- `kinds`: what the words say about the kind of body (hospital, university, company…);
- `acronyms`: upper-case abbreviations written in the name (INT, IEO, CNAO).

Everything here is pure and deterministic: no database, no randomness.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from lshub.registry.services.text import STOP_WORDS
from lshub.registry.services.text import normalise as fold

# Names longer than this are cut: nothing in a real organisation name needs more, and
# the comparisons cost grows with the length.
MAX_NAME_CHARS = 300

_EXTRA_STOP_WORDS = frozenset(
    "dell dall nell sull all degli dei delle sul sulla sui sugli sulle nei negli nelle col coi "
    "the de des du der die das und fur von van at "
    "sede presso via sua suo suoi sue its their".split()
)
STOP = STOP_WORDS | _EXTRA_STOP_WORDS

# Canonical token -> the spellings that mean it, in Italian, English and a few other
# languages seen in registries. Matching happens on the canonical token.
_SYNONYMS = {
    "univ": "universita university universitat universite universidad universidade univ uni ateneo",
    "politecnico": "politecnico polytechnic polytechnical politecnica polytechnique",
    "istituto": "istituto istituti institute institutes instituto institut instituts institution ist",
    "ospedale": "ospedale ospedali hospital hospitals hopital krankenhaus nosocomio osp",
    "ospedaliero": "ospedaliera ospedaliero ospedaliere ospedalieri",
    "fondazione": "fondazione foundation fondation stiftung fundacion fond",
    "irccs": "irccs ircss",
    "azienda": "azienda aziende az",
    "centro": "centro center centre centri centers centres zentrum",
    "ricerca": "ricerca ricerche research researches recherche recherches investigacion forschung",
    "nazionale": "nazionale national nazionali nationale nationales nacional nationalen nationaler nationales",
    "europeo": "europeo europea european europei europee europeen europeenne europaisches europaische europaischen",
    "italiano": "italiano italiana italian italiani italiane italien italienne italienisches italienische",
    "internazionale": "internazionale international",
    "regionale": "regionale regional",
    "oncologia": "oncologia oncology oncologico oncologica oncological oncologici oncologiche oncologie onkologie",
    "cancer": "cancro cancer tumori tumore tumor tumors tumour tumours tumeur tumeurs tumores tumoren krebs",
    "farmacologia": "farmacologia pharmacology pharmacological farmacologiche farmacologico farmacologica",
    "farmaceutico": "farmaceutici farmaceutica farmaceutico pharmaceuticals pharmaceutical pharma farma",
    "associazione": "associazione association associazioni associations",
    "societa": "societa society societies",
    "clinico": "clinico clinica clinici cliniche clinical clinic clinics clinique klinik klinikum",
    "neurologico": "neurologico neurologica neurological neurology neurologia",
    "neuroscienze": "neuroscienze neuroscience neurosciences",
    "ortopedico": "ortopedico ortopedica orthopaedic orthopedic orthopaedics orthopedics",
    "cardiologico": "cardiologico cardiologica cardiology cardiological cardiologia",
    "adroterapia": "adroterapia hadrontherapy hadron",
    "molecolare": "molecolare molecular",
    "genetica": "genetica genetics genetic",
    "medicina": "medicina medicine medical medico medica medecine medizin",
    "biomedico": "biomedica biomedico biomedical biomediche",
    "scienze": "scienze scienza science sciences ciencias wissenschaften",
    "tecnologia": "tecnologia tecnologie technology technologies tecnologico technologie technologies",
    "terapia": "terapia therapy therapies",
    "gene": "gene genica genico",
    "salute": "salute health sante salud gesundheit",
    "laboratorio": "laboratorio laboratori laboratory laboratories lab labs",
    "group": "group gruppo groupe",
    "studi": "studi studies",
    "universitario": "universitario universitaria universitarie universitari",
    "policlinico": "policlinico polyclinic policlinic",
    "san": "san santo santa s st saint sant",
    "santi": "santi ss",
    "presidio": "presidio po",
    "spedali": "spedali",
    "auxologico": "auxologico auxological",
    "societario": "socio",
    "sanitario": "sanitaria sanitario sanitarie",
    "territoriale": "territoriale",
    "regione": "regione region",
    "scuola": "scuola school ecole escuela",
    "bambini": "bambini bambino children child kinder enfant enfants nino ninos",
    "mamma": "mamma madre mother mere mutter",
    "rete": "rete network networks reseau netzwerk",
    "fisiologia": "fisiologia physiology physiologie",
    "bioimmagini": "bioimmagini bioimaging",  # "Ospedale dei Bambini" ~ "Children's Hospital"
    # Regions and saints, as written in English names of Italian bodies.
    "lombardia": "lombardia lombardy lombardie lombardei lombardo lombarda lombardi lombarde",
    "piemonte": "piemonte piedmont",
    "toscana": "toscana tuscany",
    "giovanni": "giovanni john",
    "dio": "dio god",
    "maria": "maria mary",
    "giuseppe": "giuseppe joseph",
    "pietro": "pietro peter",
    "paolo": "paolo paul",
    "carlo": "carlo charles",
    # The Hospitaller Order of Saint John of God, written FBF in names of its hospitals.
    "fatebenefratelli": "fatebenefratelli fbf",
}
CANONICAL = {form: canon for canon, forms in _SYNONYMS.items() for form in forms.split()}

# Words that only say what kind of body this is: kept in `key`, left out of `core`.
GENERIC = frozenset(
    """
    fondazione irccs istituto ospedale ospedaliero azienda studi societario sanitario territoriale
    asst ats asl ausl usl ulss ao aou aso presidio cnr stabilimento
    sezione section unit unita sede campus branch office standort division divisione
    """.split()
)

# Descriptive words: left out of `strong`, so that "Humanitas" ~ "Humanitas Research Hospital".
# "Nuovo Ospedale San Gerardo" is the San Gerardo hospital in its new building.
DESCRIPTIVE = frozenset("ricerca clinico centro scientifico medicina salute group laboratorio nuovo nuova new".split())

# Legal forms, written as folded token sequences (dots and spaces removed first).
LEGAL_FORMS = frozenset(
    """
    spa srl srls scarl scrl scpa sas snc sapa ss onlus ets odv aps ltd limited inc incorporated
    gmbh ag sa sarl bv nv plc llc corp corporation sb geie
    """.split()
) - {"ss"}
# Phrases that translate as one word.
_PHRASES = {
    "polytechnic university": "politecnico",
    "ecole polytechnique": "politecnico",
    "university of technology": "politecnico",
    "technical university": "politecnico",
    "research hospital": "ospedale ricerca",
    "cancer institute": "istituto cancer",
    # The kinds of Italian health body, spelled out: "Azienda Socio-Sanitaria Territoriale
    # di Cremona" is the ASST di Cremona (longest phrases first).
    "azienda socio sanitaria territoriale": "asst",
    "agenzia di tutela della salute": "ats",
    "agenzia per la tutela della salute": "ats",
    "health protection agency": "ats",
    "agency for health protection": "ats",
    "agency for the protection of health": "ats",
    # The National Research Council, in Italian and English: a kind of body, like IRCCS.
    "consiglio nazionale delle ricerche": "cnr",
    "national research council": "cnr",
    "azienda ospedaliero universitaria": "aou",
    "azienda ospedaliera universitaria": "aou",
    "azienda ospedaliera": "ao",
    "azienda unita sanitaria locale": "ausl",
    "azienda sanitaria locale": "asl",
    "unita sanitaria locale": "usl",
}

_LEGAL_PHRASES = (
    "societa per azioni",
    "societa a responsabilita limitata",
    "societa consortile a responsabilita limitata",
    "societa benefit",
    "a socio unico",
    "socio unico",
    "in liquidazione",
    "istituto di ricovero e cura a carattere scientifico",
    "ricovero e cura a carattere scientifico",
    "soggetta all attivita di direzione e coordinamento",
)

# Legal forms no Italian body has: a "GmbH" or an "Inc." is a company abroad, whatever
# its name shares with an Italian one ("Grünenthal GmbH" is not Grünenthal Italia). The
# country is the form's usual one; what counts is that it is not Italy. ("AG" and "SA"
# are left out: they are also the codes of the provinces of Agrigento and Salerno.)
FOREIGN_LEGAL_FORMS = {
    "gmbh": "DE", "kg": "DE", "ltd": "GB", "plc": "GB", "inc": "US", "incorporated": "US",
    "llc": "US", "corp": "US", "bv": "NL", "sarl": "FR",
}  # fmt: skip


def legal_country(text: str) -> str:
    """The country a foreign legal form in the name says ("Grünenthal GmbH" -> "DE"), or ""."""
    for token in _join_initials(fold_words(clean(text)).split()):
        if token in FOREIGN_LEGAL_FORMS:
            return FOREIGN_LEGAL_FORMS[token]
    return ""


# Country names written after a name: "Roche (Italy)", "Novartis Italia".
COUNTRY_WORDS = frozenset("italy italia italie italien".split())

# What each word says about the kind of body.
KIND_WORDS = {
    "hospital": "ospedale ospedaliero policlinico irccs asst ao aou aso presidio spedali clinico",
    "health_authority": "ats asl ausl usl ulss",
    "university": "univ politecnico",
    "foundation": "fondazione",
    "company": " ".join(sorted(LEGAL_FORMS - {"onlus", "ets", "odv", "aps", "geie"})),
    "association": "associazione societa federazione federation confindustria cluster",
    "public": "regione comune provincia ministero ministry agenzia agency camera",
}

# Filler words of official names, dropped like stop words ("Università degli Studi di").
FILLER = frozenset("studi".split())

# Pairs of kinds that cannot both describe one body: a university is not its hospital,
# a foundation is not the company of the same family, a health authority is not a hospital.
INCOMPATIBLE_KINDS = {
    frozenset(pair)
    for pair in (
        ("university", "hospital"),
        ("university", "company"),
        ("foundation", "company"),
        ("health_authority", "hospital"),
        ("association", "company"),
        ("association", "hospital"),
        ("association", "university"),
    )
}

# Acronyms that name a kind of body or a legal form, not one organisation.
GENERIC_ACRONYMS = frozenset(
    """
    IRCCS IRCSS ASST ATS ASL AUSL USL ULSS AO AOU ASO ASP PO UO SC SS OSP SPA SRL ETS ONLUS SCARL
    CNR USA UK EU IT MD PHD DR GEIE SB SAS SNC SA AG GMBH LTD INC LLC SRLS ODV APS ITALY ITALIA
    """.split()
)
_ROMAN = re.compile(r"^[IVXLCDM]+$")
# Two letters are too few to tell bodies apart (SR, HT, FB): an acronym has three to six.
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&]{2,5}$")

# City names in other languages -> the Italian comune name (folded).
EXONYMS = {
    "milan": "milano",
    "mailand": "milano",
    "milano": "milano",
    "rome": "roma",
    "rom": "roma",
    "naples": "napoli",
    "neapel": "napoli",
    "turin": "torino",
    "turim": "torino",
    "florence": "firenze",
    "florenz": "firenze",
    "genoa": "genova",
    "genua": "genova",
    "genes": "genova",
    "venice": "venezia",
    "venedig": "venezia",
    "padua": "padova",
    "padoue": "padova",
    "mantua": "mantova",
    "mantoue": "mantova",
    "pavie": "pavia",
    "bergame": "bergamo",
    "cremone": "cremona",
    "leghorn": "livorno",
    "syracuse": "siracusa",
    "bozen": "bolzano",
    "trient": "trento",
    "sienne": "siena",
    "brixen": "bressanone",
}

COUNTRIES = {
    "italy": "IT", "italia": "IT", "it": "IT", "ita": "IT", "italie": "IT", "italien": "IT",
    "united states": "US", "usa": "US", "us": "US", "united states of america": "US",
    "spain": "ES", "espana": "ES", "france": "FR", "germany": "DE", "deutschland": "DE",
    "switzerland": "CH", "schweiz": "CH", "suisse": "CH", "svizzera": "CH",
    "united kingdom": "GB", "uk": "GB", "great britain": "GB", "england": "GB",
    "canada": "CA", "austria": "AT", "belgium": "BE", "netherlands": "NL", "lithuania": "LT",
    "portugal": "PT", "mexico": "MX", "san marino": "SM", "vatican city": "VA", "holy see": "VA",
}


@dataclass(frozen=True)
class Name:
    """One name, in the forms the comparisons use."""

    raw: str
    key: str
    core: tuple[str, ...]
    strong: tuple[str, ...]
    kinds: frozenset[str] = field(default_factory=frozenset)
    acronyms: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not self.core


def clean(text: str | None) -> str:
    """The text as one line, without control characters, cut to a sane length."""
    text = unicodedata.normalize("NFC", str(text or ""))
    # Most names are printable throughout: one C-level check spares the per-character pass.
    if not text.isprintable():
        text = "".join(c if c.isprintable() else " " for c in text)
    return " ".join(text.split())[:MAX_NAME_CHARS]


# Folding works character by character and never joins two words, so the folded text is
# the folded words joined: a name of known words costs a few cache look-ups.
_fold_word = lru_cache(maxsize=1 << 17)(fold)


def fold_words(text: str) -> str:
    """The same as `fold(text)`, word by word through a cache."""
    return " ".join(filter(None, map(_fold_word, text.split())))


def _join_initials(tokens: list[str]) -> list[str]:
    """Runs of single letters become one token: "s p a" -> "spa", "a o u" -> "aou".

    A lone letter stays (it is usually "S." for San, or an initial like "B. Braun").
    """
    out: list[str] = []
    run: list[str] = []
    for token in tokens + [""]:
        if len(token) == 1 and token.isalpha():
            run.append(token)
            continue
        if len(run) > 1:
            out.append("".join(run))
        else:
            out.extend(run)
        run = []
        if token:
            out.append(token)
    return out


def _stem(token: str) -> str:
    """A light stem so that Italian gender and number endings agree (europeo ~ europea)."""
    if len(token) >= 6 and token.isalpha() and token[-1] in "aeio":
        return token[:-1]
    return token


def canonical(token: str) -> str:
    if token in CANONICAL:
        return CANONICAL[token]
    if token in EXONYMS:
        return EXONYMS[token]
    return _stem(token)


# The word lists above are written as words; names are compared as canonical tokens
# ("sezione" is read as "sezion"): each list holds both.
def _with_canonical(words) -> frozenset[str]:
    return frozenset(words) | {canonical(w) for w in words}


GENERIC = _with_canonical(GENERIC)
DESCRIPTIVE = _with_canonical(DESCRIPTIVE)
FILLER = _with_canonical(FILLER)
_WORD_KINDS = [(word, kind) for kind, words in KIND_WORDS.items() for word in words.split()]
# A word as written wins over another word's canonical form.
_KIND_OF_WORD = {**{canonical(word): kind for word, kind in _WORD_KINDS}, **dict(_WORD_KINDS)}
KIND_TOKENS = frozenset(_KIND_OF_WORD)
# Every spelling this module reads, for writing out cut words.
SPELLINGS = frozenset(w for w in {*CANONICAL, *_KIND_OF_WORD, *GENERIC} if len(w) > 2)


# The phrases padded with spaces once, so that only whole words match.
_PADDED_PHRASES = tuple((f" {phrase} ", f" {replacement} ") for phrase, replacement in _PHRASES.items())
_PADDED_LEGAL_PHRASES = tuple(
    (f" {phrase} ", phrase.startswith(("societa", "a socio", "socio"))) for phrase in _LEGAL_PHRASES
)


def _remove_phrases(folded: str) -> tuple[str, bool]:
    """The text without legal phrases, and whether one of them says 'company'."""
    padded, company = f" {folded} ", False
    for phrase, replacement in _PADDED_PHRASES:
        padded = padded.replace(phrase, replacement)
    for phrase, says_company in _PADDED_LEGAL_PHRASES:
        if phrase in padded:
            padded = padded.replace(phrase, " ")
            company = company or says_company
    return padded.strip(), company


def acronyms_in(text: str) -> frozenset[str]:
    """Upper-case abbreviations written in a name: "INT Milano" -> {"INT"}.

    A name written wholly in capitals says nothing about which words are acronyms, so only
    a one-word name counts then.
    """
    plain = unicodedata.normalize("NFKD", text)
    words = _ACRONYM_WORD.findall(plain)
    if len(words) > 1 and all(not w.isalpha() or w.isupper() for w in words):
        return frozenset()
    # In English the head noun comes last: "AIRC Institute of Molecular Oncology" is an
    # institute of AIRC, so an acronym right before such a noun names the parent body.
    found = [
        (index, w)
        for index, w in enumerate(words)
        if _is_acronym(w) and (index + 1 == len(words) or words[index + 1].lower() not in _ENGLISH_HEADS)
    ]
    if not found:
        return frozenset()
    # In a long name, an acronym in the middle usually names another body ("… under the
    # direction of IFOM - …"): only the first or the last word ("Istituto di Oncologia
    # Molecolare IFOM"), a bracketed one, or any in a short name counts.
    if len(words) <= 4:
        return frozenset(w for _, w in found)
    bracketed = set(_ACRONYM_WORD.findall(" ".join(_PARENS.findall(plain))))
    return frozenset(w for index, w in found if index in (0, len(words) - 1) or w in bracketed)


_ACRONYM_WORD = re.compile(r"[A-Za-z0-9&]+")
_ENGLISH_HEADS = frozenset("institute centre center foundation hospital school laboratory laboratories".split())


@lru_cache(maxsize=1 << 16)
def _is_acronym(word: str) -> bool:
    return bool(_ACRONYM.match(word)) and word not in GENERIC_ACRONYMS and not _ROMAN.match(word) and not word.isdigit()


def kinds_of(tokens: list[str]) -> frozenset[str]:
    return frozenset(_KIND_OF_WORD[t] for t in tokens if t in _KIND_OF_WORD)


def excluded_kinds(kinds: frozenset[str]) -> frozenset[str]:
    """The kinds a body of these kinds cannot also be."""
    excluded = set()
    for pair in INCOMPATIBLE_KINDS:
        for kind in kinds:
            if kind in pair:
                excluded |= pair - {kind}
    return frozenset(excluded - kinds)


@lru_cache(maxsize=1 << 17)
def _key_word(word: str) -> str | None:
    """The canonical form a folded word takes in a name's key, or None when it names nothing."""
    if word in LEGAL_FORMS or word in COUNTRY_WORDS or word in STOP:
        return None
    # A lone letter is the initial of a first name ("C. Mondino", "E. Bassini"), which the
    # other spelling may write out; "S." is San, read above.
    if len(word) == 1 and word.isalpha() and word not in CANONICAL:
        return None
    # Site codes such as "1301 - Ospedali Riuniti" carry no name.
    if word.isdigit() and len(word) > 2:
        return None
    token = canonical(word)
    return None if token in FILLER else token


# "S. Paolo", "S.GIOVANNI": an S with a dot before a name is San (Santo, Santa), whereas
# "S.p.A." and "S.r.l." are initials (a single letter follows).
_SAINT = re.compile(r"\bS\.\s*(?=[^\W\d_]{2})")
# A word of three letters or more followed by a dot is cut: "FONDAZ.", "Policl.", "Naz.".
_CUT_WORD = re.compile(r"\b([^\W\d_]{3,})\.")


@lru_cache(maxsize=1 << 14)
def complete(word: str, vocabulary: frozenset[str] | None = None) -> str:
    """The one word of the vocabulary (by default, the spellings this module knows) that
    a cut word begins: "fondaz" -> "fondazione", "policl" -> "policlinico". A word that is
    whole already, or that begins words of different meanings ("osped": ospedale,
    ospedaliero), stays as it is."""
    vocabulary = SPELLINGS if vocabulary is None else vocabulary
    if len(word) < 3 or word in vocabulary or word in LEGAL_FORMS or word in STOP:
        return word
    found = {w for w in vocabulary if w.startswith(word)}
    meanings = {canonical(w) for w in found}
    if len(meanings) != 1:
        return word
    return min(found, key=len)


def expand_abbreviations(raw: str) -> str:
    """The name with its dotted abbreviations written out ("FONDAZ.IRCCS" -> "fondazione
    IRCCS", "S.GIOVANNI" -> "San GIOVANNI")."""
    if "." not in raw:
        return raw
    raw = _SAINT.sub("San ", raw)
    return _CUT_WORD.sub(lambda m: complete(_fold_word(m.group(1)) or m.group(1)) + " ", raw)


@lru_cache(maxsize=65536)
def name(text: str) -> Name:
    """Reduce one organisation name to its comparable forms."""
    raw = clean(text)
    folded = fold_words(expand_abbreviations(raw))
    tokens = _join_initials(folded.split())
    folded, company = _remove_phrases(" ".join(tokens))
    words = folded.split()
    canon = [token for token in map(_key_word, words) if token is not None]
    kinds = kinds_of(_without_place_qualifiers(words)) | kinds_of(_without_place_qualifiers(canon))
    kinds = kinds | ({"company"} if company else set())
    return _from_tokens(raw, canon, kinds, acronyms_in(raw))


# "Provincia" heads the name of a public body ("Provincia di Bergamo"), but after another
# head it only says where ("A.S.L. della Provincia di Lecco", "AO Provincia di Lodi"): it
# does not make an ASL and an AO of one province two public bodies of one kind.
_PLACE_QUALIFIERS = frozenset("provincia province provinci".split())


def _without_place_qualifiers(words: list[str]) -> list[str]:
    return words[:1] + [w for w in words[1:] if w not in _PLACE_QUALIFIERS]


def _from_tokens(raw: str, canon: list[str], kinds: frozenset[str], acronyms: frozenset[str]) -> Name:
    core = tuple(sorted({t for t in canon if t not in GENERIC}))
    strong = tuple(t for t in core if t not in DESCRIPTIVE)
    return Name(raw=raw, key=" ".join(canon), core=core, strong=strong, kinds=kinds, acronyms=acronyms)


def without_words(parsed: Name, words: set[str]) -> Name:
    """The same name with some canonical words left out (a city named in it, say)."""
    kept = [t for t in parsed.key.split() if t not in words]
    return _from_tokens(parsed.raw, kept, parsed.kinds, parsed.acronyms)


def city_words(place: str) -> set[str]:
    """The canonical words a city's name becomes inside an organisation name."""
    return {canonical(t) for t in place.split() if t not in STOP}


# "Name (Other name)" and "A - B" and "A, B" each say two things about one body.
_PARENS = re.compile(r"\(([^()]*)\)")
_DASH = re.compile(r"\s+[-–—]\s+")
_QUOTED = re.compile(r"\"[^\"]+\"|“[^”]+”|«[^»]+»")


# Words that start the name of a body: a second one inside a name starts a second name
# ("ASST di Lecco Ospedale Alessandro Manzoni" is the ASST and its hospital).
# Italian only: in English the head word comes after its modifiers ("The AIRC Institute").
HEAD_WORDS = frozenset(
    "ospedale ospedali policlinico presidio istituto istituti fondazione universita azienda asst ats irccs".split()
)


def _head_split(text: str) -> list[str]:
    words = re.split(r"[\s\-–—]+", text)
    found = []
    for index in range(1, len(words)):
        if _fold_word(words[index]) not in HEAD_WORDS:
            continue
        left, right = " ".join(words[:index]), " ".join(words[index:])
        # Both sides must name something: "Polytechnic | University" or "Humanitas |
        # University" are one name, not two.
        if set(name(left).core) - KIND_TOKENS and set(name(right).core) - KIND_TOKENS:
            found += [left, right]
    return found


def variants(text: str) -> list[str]:
    """The name as written, plus the parts it is made of.

    "Università dell'Insubria (University of Insubria)" -> the whole, "Università
    dell'Insubria", "University of Insubria"; "ASST Melegnano-Martesana, Ospedale Santa
    Maria delle Stelle" -> the whole and each side of the comma. Parts that are only a
    country ("(Italy)") or a number are not names and are dropped.
    """
    raw = clean(text)
    found = [raw]
    # A name in quotes after the body's is a dedication: 'Istituto di Genetica Molecolare
    # "Luigi Luca Cavalli-Sforza"' is also written without it.
    undedicated = clean(re.sub(r"\s+,", ",", _QUOTED.sub(" ", raw)))
    if undedicated != raw and set(name(undedicated).strong) - KIND_TOKENS:
        found.append(undedicated)
        raw = undedicated
    inside = _PARENS.findall(raw)
    outside = clean(_PARENS.sub(" ", raw))
    if inside:
        found.append(outside)
        found.extend(part for part in inside if len(fold_words(part).split()) >= 2)
    parts = [clean(p) for chunk in _DASH.split(outside) for p in chunk.split(",")]
    if len(parts) > 1:
        found.extend(parts)
    for part in parts:
        found.extend(_head_split(part))
    seen, result = set(), []
    for candidate in found:
        folded = fold_words(candidate)
        if not folded or folded in seen or folded in COUNTRY_WORDS or folded.isdigit():
            continue
        seen.add(folded)
        result.append(candidate)
    return result


@lru_cache(maxsize=4096)  # a source names a few thousand places over and over
def city(text: str | None) -> str:
    """A place name folded, with foreign names of Italian cities turned into the Italian one."""
    words = fold_words(clean(text)).split()
    # "Meldola (fc)", "Milano MI": a province code after the name is not part of it.
    if len(words) > 1 and len(words[-1]) == 2:
        words = words[:-1]
    folded = " ".join(words)
    return EXONYMS.get(folded, folded)


def country(text: str | None) -> str:
    """An ISO 3166 alpha-2 code where the name is known, else the folded name."""
    folded = fold(clean(text))
    if not folded:
        return ""
    if folded in COUNTRIES:
        return COUNTRIES[folded]
    return folded.upper() if len(folded) == 2 else folded


def domain(url: str | None) -> str:
    """The host of a website without "www.": "https://www.hsr.it/en" -> "hsr.it"."""
    text = clean(url).lower()
    if not text:
        return ""
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)
    host = re.split(r"[/?#:]", text, maxsplit=1)[0]
    host = host.removeprefix("www.")
    return host if "." in host else ""


def split_trailing_city(text: str, known_city) -> tuple[str, str]:
    """'Istituto Nazionale Tumori, Milano' -> ('Istituto Nazionale Tumori', 'milano').

    Only a last comma-separated part that `known_city` recognises is taken as the city, so
    "Università degli Studi di Milano" keeps its Milano.
    """
    raw = clean(text)
    if "," in raw:
        head, tail = raw.rsplit(",", 1)
        place = city(tail)
        if head.strip() and place and known_city(place):
            return clean(head), place
    return raw, ""


def trailing_place(text: str, known_city) -> str:
    """The place a name ends with, if any: "INT Milano" -> "milano".

    Only a hint for reading the name without it: many names end in a word that is also
    the name of some comune ("Policlinico San Donato", "Scienze della Vita"), so the hint
    is never taken as the record's city.
    """
    words = fold(clean(text)).split()
    for size in (3, 2, 1):
        if len(words) > size:
            tail = " ".join(words[-size:])
            place = EXONYMS.get(tail, tail)
            if known_city(place):
                return place
    return ""
