"""A registry scaled to any size, derived from the embedded Lombardy dataset.

Every synthetic organisation copies the type, subtype, ownership and specialisations of
a real one (so the mix of types, and of specialisations per type, is the real mix), and
gets a name recombined from the parts real names are made of ("Fondazione", "IRCCS",
"Istituto", "ASST", "S.p.A."…), a founder-like person name, words of the taxonomy in
Italian or English, and a real Lombardy comune. Sites sit in real comuni with their ISTAT
code, NUTS codes and centre. The same size and seed always give the same registry.

Rows are written with bulk_create and indexed with indexing.index_bulk, about a
millisecond per organisation. bulk_create writes no history rows: simple_history's
bulk_create_with_history would nearly double the time, and no search reads the history.

Use from a benchmark, after migrate and load_demo:

    from synthetic import scale_to
    report = scale_to(100_000)

or from the command line, on the database the settings point at:

    LSHUB_DATA_DIR=... python bench/synthetic.py --size 100000
"""

from __future__ import annotations

import argparse
import os
import random
import string
import time
from collections.abc import Callable
from dataclasses import dataclass, field

DEFAULT_SEED = 20261126
BATCH_SIZE = 2000
SOURCE_URL = "bench/synthetic.py"
SOURCE_PUBLISHER = "lshub synthetic benchmark data"

FIRST_NAMES = """
Alessandro Andrea Angelo Antonio Carlo Cesare Enrico Ettore Francesco Gaetano Giacomo Giovanni
Giulio Giuseppe Luigi Marco Mario Matteo Paolo Pietro Romeo Salvatore Stefano Umberto Vittorio
Anna Beatrice Carla Caterina Chiara Elena Enrica Francesca Giulia Lucia Maria Matilde Rita Teresa
""".split()
SURNAMES = """
Rossi Bianchi Colombo Ferrari Russo Galli Conti Bruno Costa Fontana Ricci Moretti Villa Longo
Lombardi Barbieri Martinelli Sala Mariani Rinaldi Cattaneo Brambilla Fumagalli Ferrario Galbiati
Besta Negri Maugeri Mondino Invernizzi Gnocchi Medea Galeazzi Monzino Sacco Pini Tettamanti
Bracco Zambon Recordati Chiesi Menarini Dompe Gerosa Bassi Crippa Mauri Redaelli Viganò Molteni
""".split()
SAINTS = """
San_Giuseppe San_Carlo Sant'Anna San_Luca Santa_Maria San_Gerardo San_Paolo San_Giovanni
San_Raffaele San_Matteo San_Donato San_Pio_X Santa_Rita San_Camillo Sant'Ambrogio San_Siro
""".replace("_", " ").split()
BRAND_HEADS = "Bio Gen Med Pharm Cell Onco Cardio Neuro Immuno Derma Vita Nova Medi Thera Cyto Geno".split()
BRAND_TAILS = "tech gen med farma lab vita cure logic sys bio nostics genix pharma".split()
COMPANY_WORDS = {
    "pharma": ["Farmaceutici", "Pharma", "Pharmaceuticals", "Laboratori Farmaceutici"],
    "pharma_generics": ["Generici", "Generics", "Pharma"],
    "biotech": ["Biotech", "Therapeutics", "Biosciences", "Biotecnologie"],
    "biopharma": ["Biopharma", "Therapeutics"],
    "cdmo": ["Contract Manufacturing", "CDMO", "Chimica Farmaceutica"],
    "medtech": ["Medical", "Devices", "Biomedica", "Elettromedicali"],
    "diagnostics": ["Diagnostics", "Diagnostica", "Diagnostici"],
}
LEGAL_FORMS = ["S.p.A.", "S.r.l.", "S.r.l.", "Italia S.r.l.", "Italia S.p.A."]
# The comuni that give the twelve Lombardy provinces their names.
SEAT_NAMES = {
    "Bergamo", "Brescia", "Como", "Cremona", "Lecco", "Lodi", "Mantova", "Milano", "Monza", "Pavia", "Sondrio", "Varese",
}
STOP = {"di", "del", "della", "dei", "degli", "delle", "dell", "e", "per", "la", "il", "in", "for", "of", "the", "and"}


@dataclass(frozen=True)
class Template:
    """What a synthetic organisation borrows from a real one."""

    type: str
    subtype: str
    ownership: str
    specialisations: tuple[str, ...]
    has_site: bool


@dataclass
class ScaleReport:
    organisations: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


class Vocabulary:
    """Everything the generator draws from, read from the loaded real data."""

    def __init__(self):
        from lshub.registry.models import Organisation, Specialisation
        from lshub.registry.services import geo

        # Real organisations only: a registry scaled before must not breed from its own copies.
        real = (
            Organisation.objects.exclude(source_links__source__url=SOURCE_URL)
            .order_by("slug")
            .prefetch_related("specialisation_links__specialisation", "sites")
        )
        self.templates = [
            Template(
                o.type,
                o.subtype,
                o.ownership,
                tuple(sorted(link.specialisation.code for link in o.specialisation_links.all())),
                bool(o.sites.all()),
            )
            for o in real
        ]
        self.specialisations = {s.code: s for s in Specialisation.objects.order_by("code")}
        self.codes_by_kind: dict[str, list[str]] = {}
        for code, specialisation in self.specialisations.items():
            self.codes_by_kind.setdefault(specialisation.kind, []).append(code)
        self.comuni = geo.comuni_in("ITC4")
        self.milano = next(c for c in self.comuni if c.name == "Milano")
        self.seats = [c for c in self.comuni if c.name in SEAT_NAMES]
        self.real_slugs = {o.slug: o.id for o in Organisation.objects.only("slug", "id")}



class Generator:
    """Draws one synthetic organisation after another from a seeded random source."""

    def __init__(self, vocabulary: Vocabulary, seed: int):
        self.v = vocabulary
        self.rng = random.Random(seed)

    # -- places and people ---------------------------------------------------------------

    def comune(self):
        """Milan-heavy, like the real registry: a third in Milano, a quarter in other seats."""
        roll = self.rng.random()
        if roll < 0.35:
            return self.v.milano
        if roll < 0.60:
            return self.rng.choice(self.v.seats)
        return self.rng.choice(self.v.comuni)

    def person(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}"

    def brand(self) -> str:
        if self.rng.random() < 0.5:
            return self.rng.choice(SURNAMES)
        return self.rng.choice(BRAND_HEADS) + self.rng.choice(BRAND_TAILS)

    def label(self, code: str, language: str) -> str:
        specialisation = self.v.specialisations[code]
        return specialisation.label_it if language == "it" else specialisation.label_en

    # -- specialisations ------------------------------------------------------------------

    def specialisations(self, template: Template) -> list[str]:
        """The template's codes, one of them often swapped for another of the same kind."""
        codes = list(template.specialisations)
        if codes and self.rng.random() < 0.6:
            position = self.rng.randrange(len(codes))
            kind = self.v.specialisations[codes[position]].kind
            codes[position] = self.rng.choice(self.v.codes_by_kind[kind])
        if template.type in ("irccs", "hospital", "research_centre") and self.rng.random() < 0.3:
            codes.append(self.rng.choice(self.v.codes_by_kind["therapeutic_area"]))
        return list(dict.fromkeys(codes))

    # -- names ------------------------------------------------------------------------------

    def name(self, template: Template, city: str, codes: list[str]) -> tuple[str, str]:
        """(name, short name) in the style of the real names of that type."""
        areas = [c for c in codes if self.v.specialisations[c].kind in ("therapeutic_area", "technology")]
        area = self.rng.choice(areas) if areas else self.rng.choice(self.v.codes_by_kind["therapeutic_area"])
        maker = NAME_MAKERS.get(template.type, _generic_name)
        name = maker(self, template, city, area)
        return name, self.short_name(template, name)

    def short_name(self, template: Template, name: str) -> str:
        if template.type == "company":
            return name.split(" ")[0]
        if self.rng.random() < 0.4:
            return ""
        initials = [w[0] for w in name.replace("-", " ").split() if w.lower() not in STOP and w[0].isalpha()]
        return "".join(initials).upper()[:8]


def _irccs_name(g: Generator, t: Template, city: str, area: str) -> str:
    head = g.rng.choice(["IRCCS", "Fondazione IRCCS", "IRCCS", "Istituto Clinico"])
    body = g.rng.choice(["Istituto", "Ospedale", "Centro", "Policlinico", "Istituto Clinico Scientifico"])
    tail = g.rng.choice([g.person(), g.rng.choice(SAINTS), f"di {g.label(area, 'it')}", f"di {city}"])
    return f"{head} {body} {tail}"


def _hospital_name(g: Generator, t: Template, city: str, area: str) -> str:
    if t.subtype == "asst":
        return g.rng.choice([f"ASST di {city}", f"ASST della Valle di {city}", f"ASST {city} {g.rng.choice(['Nord', 'Sud', 'Est', 'Ovest'])}"])
    return g.rng.choice(
        [f"Clinica {g.rng.choice(SAINTS)}", f"Casa di Cura {g.person()}", f"Ospedale {g.rng.choice(SAINTS)} di {city}",
         f"Policlinico di {city}", f"Gruppo Ospedaliero {g.rng.choice(SURNAMES)}"]
    )


def _authority_name(g: Generator, t: Template, city: str, area: str) -> str:
    return g.rng.choice([f"ATS di {city}", f"ATS della Provincia di {city}", f"Agenzia di Tutela della Salute di {city}"])


def _university_name(g: Generator, t: Template, city: str, area: str) -> str:
    return g.rng.choice(
        [f"Università degli Studi di {city}", f"Università {g.person()}", f"Politecnico di {city}",
         f"Scuola Universitaria Superiore di {city}", f"{city} University of {g.label(area, 'en')}"]
    )


def _research_name(g: Generator, t: Template, city: str, area: str) -> str:
    return g.rng.choice(
        [f"Istituto di Ricerca in {g.label(area, 'it')} {g.person()}", f"Centro di Ricerca {g.label(area, 'it')} di {city}",
         f"CNR - Istituto di {g.label(area, 'it')}", f"{city} Centre for {g.label(area, 'en')}",
         f"Fondazione {g.person()} per la Ricerca"]
    )


def _company_name(g: Generator, t: Template, city: str, area: str) -> str:
    brand = g.brand()
    words = COMPANY_WORDS.get(t.subtype, ["Life Sciences", "Healthcare", "Technologies"])
    name = f"{brand} {g.rng.choice(words)} {g.rng.choice(LEGAL_FORMS)}"
    if g.rng.random() < 0.15:
        name = f"{brand} {g.rng.choice(words)} - stabilimento di {city}"
    return name


def _association_name(g: Generator, t: Template, city: str, area: str) -> str:
    return g.rng.choice(
        [f"Associazione Industriale di {city}", f"Associazione Italiana di {g.label(area, 'it')} {g.person()}",
         f"Rete {g.label(area, 'it')} di {city}", f"Confindustria {city}"]
    )


def _foundation_name(g: Generator, t: Template, city: str, area: str) -> str:
    return g.rng.choice(
        [f"Fondazione {g.person()}", f"Fondazione {g.person()} Onlus", f"Fondazione di {city} per la Ricerca",
         f"Fondazione {g.label(area, 'it')} {city}"]
    )


def _public_body_name(g: Generator, t: Template, city: str, area: str) -> str:
    return g.rng.choice([f"Comune di {city}", f"Camera di Commercio di {city}", f"Agenzia per lo Sviluppo di {city}"])


def _generic_name(g: Generator, t: Template, city: str, area: str) -> str:
    return f"Cluster {g.label(area, 'en')} {city}"


NAME_MAKERS: dict[str, Callable[[Generator, Template, str, str], str]] = {
    "irccs": _irccs_name,
    "hospital": _hospital_name,
    "health_authority": _authority_name,
    "university": _university_name,
    "research_centre": _research_name,
    "company": _company_name,
    "association": _association_name,
    "foundation": _foundation_name,
    "public_body": _public_body_name,
}

TYPE_WORDS = {  # (English, Italian, Italian "active" agreeing with it) for the generated descriptions
    "company": ("Company", "Azienda", "attiva"),
    "irccs": ("Research hospital (IRCCS)", "Istituto di ricovero e cura a carattere scientifico", "attivo"),
    "hospital": ("Hospital", "Ospedale", "attivo"),
    "health_authority": ("Health protection agency", "Agenzia di tutela della salute", "attiva"),
    "university": ("University", "Università", "attiva"),
    "research_centre": ("Research centre", "Centro di ricerca", "attivo"),
    "cluster": ("Cluster", "Cluster", "attivo"),
    "association": ("Association", "Associazione", "attiva"),
    "foundation": ("Foundation", "Fondazione", "attiva"),
    "public_body": ("Public body", "Ente pubblico", "attivo"),
}


def _descriptions(g: Generator, t: Template, comune, codes: list[str]) -> tuple[str, str]:
    if g.rng.random() < 0.4:
        return "", ""
    english, italian, active = TYPE_WORDS[t.type]
    areas_en = ", ".join(g.label(c, "en").lower() for c in codes[:2]) or "life sciences"
    areas_it = ", ".join(g.label(c, "it").lower() for c in codes[:2]) or "scienze della vita"
    return (
        f"{english} in {comune.name} ({comune.province}) working in {areas_en}.",
        f"{italian} a {comune.name} ({comune.province}) {active} in {areas_it}.",
    )


# -- rows ----------------------------------------------------------------------------------


@dataclass
class Drawn:
    """One synthetic organisation and its parts, before ids exist."""

    organisation: object
    comuni: list
    codes: list[str]
    recognised: bool
    identifier: tuple[str, str] | None
    member_of: str | None


def _site(organisation, comune, headquarters: bool):
    from lshub.registry.models import Site

    return Site(organisation=organisation, is_headquarters=headquarters, **comune.site_fields())


EXTRA_SITES = {"hospital": (0, 4), "irccs": (0, 2), "company": (0, 2), "university": (0, 2)}


def draw(g: Generator, number: int) -> Drawn:
    from django.utils.text import slugify

    from lshub.registry.models import Organisation

    template = g.rng.choice(g.v.templates)
    codes = g.specialisations(template)
    seat = g.comune()
    name, short_name = g.name(template, seat.name, codes)
    description_en, description_it = _descriptions(g, template, seat, codes)
    organisation = Organisation(
        slug=f"{slugify(name)[:100]}-{number}",
        name=name,
        short_name=short_name,
        type=template.type,
        subtype=template.subtype,
        ownership=template.ownership,
        description_en=description_en,
        description_it=description_it,
        website=f"https://www.{slugify(name)[:40]}.it" if g.rng.random() < 0.5 else "",
        founded=g.rng.randint(1850, 2024) if g.rng.random() < 0.6 else None,
        employees=int(g.rng.lognormvariate(4.5, 1.3)) if template.type == "company" and g.rng.random() < 0.5 else None,
    )
    if organisation.employees is not None:
        organisation.employees_year = g.rng.randint(2019, 2025)
    comuni = []
    if template.has_site or g.rng.random() < 0.5:
        low, high = EXTRA_SITES.get(template.type, (0, 1))
        extra = g.rng.randint(low, high) if g.rng.random() < 0.4 else 0
        comuni = [seat] + [g.comune() for _ in range(extra)]
    return Drawn(
        organisation=organisation,
        comuni=list({c.istat_code: c for c in comuni}.values()),
        codes=codes,
        recognised=template.type == "irccs",
        identifier=_identifier(g, template, number),
        member_of=_membership(g, template),
    )


def _identifier(g: Generator, t: Template, number: int) -> tuple[str, str] | None:
    """Unique by construction: each scheme's value is derived from the running number."""
    if t.type == "company" and g.rng.random() < 0.8:
        return "vat", f"{(number * 7919 + 10_000_000_000) % 10**11:011d}"  # 7919 is prime: no repeats
    if t.type in ("university", "research_centre") and g.rng.random() < 0.7:
        return "ror", "0" + _base32(number, 6) + f"{number % 97:02d}"
    if t.type in ("irccs", "hospital") and g.rng.random() < 0.7:
        return "minsalute", f"9{number:07d}"
    return None


def _base32(number: int, width: int) -> str:
    alphabet = string.digits + "abcdefghjkmnpqrstvwxyz"
    digits = []
    for _ in range(width):
        number, rest = divmod(number, 32)
        digits.append(alphabet[rest])
    return "".join(reversed(digits))


def _membership(g: Generator, t: Template) -> str | None:
    """Companies join Assolombarda, research bodies the Lombardy cluster, as in the real data.

    About 2% of companies: at 100,000 organisations Assolombarda then has about the 650
    life-science member companies the seed briefing gives it.
    """
    if t.type == "company" and g.rng.random() < 0.02:
        return "assolombarda"
    if t.type in ("research_centre", "irccs", "university") and g.rng.random() < 0.02:
        return "lombardy-life-sciences-cluster"
    return None


def _write(batch: list[Drawn], vocabulary: Vocabulary, source, counts: dict[str, int]) -> list[int]:
    from lshub.registry.models import (
        Alias,
        Identifier,
        Organisation,
        OrganisationSource,
        OrganisationSpecialisation,
        Relation,
        Site,
    )

    organisations = Organisation.objects.bulk_create([d.organisation for d in batch])
    if organisations and organisations[0].pk is None:  # back-ends that return no ids from a bulk insert
        ids = dict(Organisation.objects.filter(slug__in=[o.slug for o in organisations]).values_list("slug", "id"))
        for organisation in organisations:
            organisation.pk = organisation.id = ids[organisation.slug]
    specialisations = vocabulary.specialisations
    rows: dict[type, list] = {Alias: [], Identifier: [], OrganisationSpecialisation: [], Relation: []}
    sites = []
    for drawn in batch:
        organisation = drawn.organisation
        sites += [_site(organisation, comune, index == 0) for index, comune in enumerate(drawn.comuni)]
        if organisation.short_name and organisation.short_name != organisation.name:
            rows[Alias].append(Alias(organisation=organisation, name=organisation.short_name, kind="short"))
        for code in drawn.codes:
            specialisation = specialisations[code]
            recognised = drawn.recognised and specialisation.kind == "therapeutic_area"
            rows[OrganisationSpecialisation].append(
                OrganisationSpecialisation(
                    organisation=organisation,
                    specialisation=specialisation,
                    recognised=recognised,
                    wording=specialisation.label_it.lower() if recognised else "",
                )
            )
        if drawn.identifier:
            rows[Identifier].append(Identifier(organisation=organisation, scheme=drawn.identifier[0], value=drawn.identifier[1]))
        if drawn.member_of in vocabulary.real_slugs:
            rows[Relation].append(
                Relation(subject=organisation, kind="member_of", object_id=vocabulary.real_slugs[drawn.member_of], source=source)
            )
    rows[OrganisationSource] = [
        OrganisationSource(organisation=d.organisation, source=source, record_id=str(d.organisation.slug)) for d in batch
    ]
    rows[Site] = sites
    for model, objects in rows.items():
        model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
        counts[model._meta.verbose_name_plural] = counts.get(model._meta.verbose_name_plural, 0) + len(objects)
    return [o.pk for o in organisations]


def scale_to(total: int, seed: int = DEFAULT_SEED, progress: Callable[[str], None] | None = None) -> ScaleReport:
    """Add synthetic organisations until the registry holds `total`; returns what was written.

    Needs the embedded dataset (load_demo) first: it is what the synthetic rows are
    derived from. A registry already at or above `total` is left as it is.
    """
    from django.db import transaction

    from lshub.registry.models import Organisation, Source
    from lshub.registry.services import indexing

    report = ScaleReport()
    started = time.perf_counter()
    existing = Organisation.objects.count()
    wanted = total - existing
    if wanted <= 0:
        return report
    vocabulary = Vocabulary()
    if not vocabulary.templates:
        raise RuntimeError("the registry is empty: load the embedded dataset first (lshub load-demo)")
    generator = Generator(vocabulary, seed)
    source, _ = Source.objects.get_or_create(url=SOURCE_URL, defaults={"publisher": SOURCE_PUBLISHER})
    counts: dict[str, int] = {}
    ids: list[int] = []
    with transaction.atomic():
        for start in range(0, wanted, BATCH_SIZE):
            batch = [draw(generator, existing + number) for number in range(start, min(start + BATCH_SIZE, wanted))]
            ids += _write(batch, vocabulary, source, counts)
            if progress:
                progress(f"written {start + len(batch):,} of {wanted:,} organisations")
    report.seconds["write"] = time.perf_counter() - started
    started = time.perf_counter()
    indexing.index_bulk(ids)
    report.seconds["index"] = time.perf_counter() - started
    report.organisations = wanted
    report.rows = {str(name): n for name, n in counts.items()}
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description="Scale the registry with synthetic organisations.")
    parser.add_argument("--size", type=int, default=100_000, help="organisations in the registry afterwards")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lshub.config.settings")
    import django

    django.setup()
    report = scale_to(args.size, args.seed, progress=print)
    print(f"added {report.organisations:,} organisations; rows: {report.rows}; seconds: {report.seconds}")


if __name__ == "__main__":
    main()
