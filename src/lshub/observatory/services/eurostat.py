"""`lshub ingest eurostat`: a Eurostat TSV or SDMX-CSV file into observations.

Each series of the file (one combination of its dimension codes besides geo and time) is
matched to the indicator whose definition selects it (`eurostat: {dataset, series}` in
definitions/indicators.yaml). Series no definition selects are listed, not guessed.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd

from ..importers import eurostat as parser
from ..models import Indicator
from .ingest import IngestReport, apply, source_for

DATABROWSER = "https://ec.europa.eu/eurostat/databrowser/view/{dataset}/default/table"


def ingest_eurostat(
    path: Path | str,
    *,
    dataset: str | None = None,
    indicator: str | None = None,
    dry_run: bool = False,
    on_conflict: str = "error",
    create_geographies: bool = False,
    skip_unknown_geographies: bool = False,
    retrieved: date | None = None,
) -> IngestReport:
    path = Path(path)
    report = IngestReport(file=path.name)
    if not path.is_file():
        report.error(f"no such file: {path}")
        return report
    try:
        parsed = parser.parse(path)
    except parser.ParseError as error:
        report.error(str(error))
        return report
    report.format = parsed.format
    report.error(*parsed.errors)
    report.error_count += parsed.error_count - len(parsed.errors)
    report.dataset = (dataset or parsed.dataset or _dataset_from_name(path, indicator)).lower()
    if not report.dataset:
        report.error(
            f"cannot tell which Eurostat dataset {path.name} holds: pass --dataset CODE (e.g. nama_10r_3gdp) "
            "or --indicator ID"
        )
        return report
    frame = _indicators(parsed, report, indicator)
    if not report.ok:
        report.read = len(parsed.frame)
        return report
    source = source_for(
        DATABROWSER.format(dataset=report.dataset),
        publisher="Eurostat",
        title=f"Eurostat, dataset {report.dataset}",
        retrieved=retrieved or datetime.fromtimestamp(path.stat().st_mtime).date(),
    )
    table = pd.DataFrame(
        {
            "indicator": frame["indicator"],
            "geo": frame["geo"],
            "period": frame["period"],
            "source": source.pk,
            "value": frame["value"],
            "status": frame["status"],
            "flags": frame["flags"],
            "qualifier": "",
            "stated_share": None,
            "note": "",
            "line": frame["line"],
        }
    )
    return apply(
        table,
        report,
        dry_run=dry_run,
        on_conflict=on_conflict,
        create_geographies=create_geographies,
        skip_unknown_geographies=skip_unknown_geographies,
    )


def _dataset_from_name(path: Path, indicator: str | None) -> str:
    """The dataset a file name starts with, among those the definitions know."""
    stem = path.name.split(".")[0].lower()
    known = sorted(set(Indicator.objects.exclude(eurostat_dataset="").values_list("eurostat_dataset", flat=True)), key=len)
    matches = [code for code in known if stem == code or stem.startswith(code + "_")]
    if matches:
        return matches[-1]
    return stem if indicator else ""


def _indicators(parsed: parser.Parsed, report: IngestReport, indicator_id: str | None) -> pd.DataFrame:
    """Attach the indicator of each observation; series nobody defined are reported."""
    frame = parsed.frame
    if indicator_id:
        if not Indicator.objects.filter(pk=indicator_id).exists():
            report.error(f"unknown indicator: {indicator_id} (see `lshub indicators list`)")
        return frame.assign(indicator=indicator_id)
    definitions = list(Indicator.objects.filter(eurostat_dataset=report.dataset))
    if not definitions:
        report.error(
            f"no indicator is defined for Eurostat dataset {report.dataset}: add one to definitions/indicators.yaml "
            "with `eurostat: {dataset: ..., series: {...}}`, or pass --indicator ID"
        )
        return frame
    series_dims = [d for d in parsed.dimensions if d != "geo"]
    combos = frame[series_dims].drop_duplicates() if series_dims else pd.DataFrame(index=[0])
    combos = combos.assign(indicator=[_match(row, definitions, report) for row in combos.to_dict("records")])
    unmatched = combos.loc[combos["indicator"] == ""]
    if len(unmatched):
        examples = "; ".join(",".join(f"{k}={v}" for k, v in row.items() if k != "indicator") for row in unmatched.head(5).to_dict("records"))
        report.warnings.append(
            f"{len(unmatched)} series match no indicator definition and were not loaded (e.g. {examples})"
        )
    matched = combos.loc[combos["indicator"] != ""]
    if matched.empty and len(frame):
        report.error(f"no series of the file matches an indicator defined for {report.dataset}")
        return frame
    if not series_dims:
        return frame.assign(indicator=matched["indicator"].iloc[0])
    return frame.merge(matched, on=series_dims, how="inner")


def _match(series: dict, definitions: list[Indicator], report: IngestReport) -> str:
    found = [d.id for d in definitions if all(series.get(dim) == code for dim, code in d.eurostat_series.items())]
    if len(found) > 1:
        report.error(f"series {series} matches several indicators ({', '.join(found)}): make their definitions select it apart")
    return found[0] if len(found) == 1 else ""
