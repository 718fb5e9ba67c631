"""The observatory's controlled vocabularies."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Segment(models.TextChoices):
    HEALTHCARE = "healthcare", _("Healthcare")
    PHARMA = "pharma", _("Pharmaceutical industry")
    BIOTECH = "biotech", _("Biotechnology")
    MEDTECH = "medtech", _("Medical devices")
    CDMO = "cdmo", _("Contract development and manufacturing (CDMO)")
    EDUCATION = "education", _("Education")
    RESEARCH = "research", _("Research")
    ECOSYSTEM = "ecosystem", _("Ecosystem and associations")
    VALUE_CHAIN = "value_chain", _("Life-sciences value chain")
    CONTEXT = "context", _("Context (population, economy)")


class Direction(models.TextChoices):
    HIGHER = "higher", _("higher is better")
    LOWER = "lower", _("lower is better")
    NEUTRAL = "neutral", _("neither")


class Aggregation(models.TextChoices):
    """How values of one indicator combine across geographies.

    Only additive values (counts, amounts) can be divided by a national total or summed
    from NUTS 2 to NUTS 1; ratios (percentages, per-inhabitant values) cannot.
    """

    SUM = "sum", _("additive (count or amount)")
    RATIO = "ratio", _("ratio (percentage, per inhabitant)")
    SHARE = "share", _("share of the national total")


class Status(models.TextChoices):
    SOURCED = "sourced", _("sourced")
    SEED = "seed", _("as stated in the seed briefing")
    ESTIMATE = "estimate", _("estimate")
    PROVISIONAL = "provisional", _("provisional")
    LOW_RELIABILITY = "low_reliability", _("low reliability")
    CONFIDENTIAL = "confidential", _("confidential")
    GAP = "gap", _("data gap")


# Statuses that never carry a value: shown as such, never as zero.
VALUELESS = {Status.CONFIDENTIAL, Status.GAP}


class Qualifier(models.TextChoices):
    """What the source's wording says about the number ('over 200', 'about 7,000')."""

    EXACT = "", _("as stated")
    AT_LEAST = "at_least", _("at least")
    ABOUT = "about", _("about")
    AT_MOST = "at_most", _("at most")


# Eurostat observation flags (https://ec.europa.eu/eurostat/data/database/information).
EUROSTAT_FLAGS = {
    "b": _("break in time series"),
    "c": _("confidential"),
    "d": _("definition differs"),
    "e": _("estimated"),
    "f": _("forecast"),
    "n": _("not significant"),
    "p": _("provisional"),
    "r": _("revised"),
    "s": _("Eurostat estimate"),
    "u": _("low reliability"),
    "z": _("not applicable"),
}
