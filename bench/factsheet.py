"""Fact sheet generation time: HTML, JSON and PDF, English and Italian, latest and a past year.

Runs on its own SQLite database (bench/out/factsheet/), loaded with the embedded Lombardy
dataset (registry and observatory), so the figures are those a user gets. Each step is run
--repeat times; the first (cold) run is reported apart from the median of the rest:

  build       data -> document: observatory series, registry counts, footnotes, SVG charts
  html        build + the standalone HTML file (what `lshub factsheet --format html` does)
  json        build + JSON
  pdf         build + HTML + WeasyPrint layout and PDF writing
  chromium    reference: headless Chromium printing the same HTML file to PDF (when installed;
              one run, wall time including the browser's start)

Targets: HTML under 1 s, PDF under 5 s. The machine's load average is printed, since the
timings of a layout engine scale with the CPU time it gets.

    .venv/bin/python bench/factsheet.py
    .venv/bin/python bench/factsheet.py --repeat 10
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out" / "factsheet"
TARGETS = {"html": 1.0, "pdf": 5.0}


def prepare() -> None:
    """A bench-owned SQLite database with the embedded dataset; DATABASE_URL is not used."""
    os.environ.pop("DATABASE_URL", None)
    os.environ["LSHUB_DATA_DIR"] = str(OUT_DIR / "data")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lshub.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from lshub.observatory.services.demo import load_observatory_demo
    from lshub.registry.services.demo import load_demo

    call_command("migrate", verbosity=0)
    load_demo()
    load_observatory_demo()


def timed(run, repeat: int) -> tuple[float, float, float, float]:
    """(cold, median and max of the warm runs, median CPU time of the warm runs) in seconds.

    Wall time is what a user waits; CPU time is the work done, which stays put when other
    processes share the machine (wall time then grows with the load average).
    """
    walls, cpus = [], []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    warm, warm_cpu = walls[1:] or walls, cpus[1:] or cpus
    return walls[0], statistics.median(warm), max(warm), statistics.median(warm_cpu)


def chromium_pdf(html: str) -> float | None:
    """Seconds for headless Chromium to print the same HTML to PDF, or None when not installed."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not browser:
        return None
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "sheet.html", Path(folder) / "sheet.pdf"
        source.write_text(html, encoding="utf-8")
        command = [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--no-first-run", "--no-pdf-header-footer", f"--print-to-pdf={target}", source.as_uri(),
        ]  # fmt: skip
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, timeout=120, check=False)
        elapsed = time.perf_counter() - started
        return elapsed if target.exists() else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (the first counts as cold)")
    args = parser.parse_args()
    prepare()

    from lshub.reports.build import build_factsheet
    from lshub.reports.render_html import render_html
    from lshub.reports.render_json import render_json
    from lshub.reports.render_pdf import render_pdf

    cases = [("en", None), ("it", 2021)]
    rows, verdicts = [], []
    for lang, year in cases:
        label = f"{lang} {year or 'latest'}"
        steps = {
            "build": lambda: build_factsheet("ITC4", lang, year),
            "html": lambda: render_html(build_factsheet("ITC4", lang, year)),
            "json": lambda: render_json(build_factsheet("ITC4", lang, year)),
            "pdf": lambda: render_pdf(build_factsheet("ITC4", lang, year)),
        }
        for step, run in steps.items():
            cold, median, worst, cpu = timed(run, args.repeat)
            rows.append((label, step, cold, median, worst, cpu))
            if step in TARGETS:
                verdicts.append((label, step, median, cpu))
        sheet = build_factsheet("ITC4", lang, year)
        pdf = render_pdf(sheet)
        reference = chromium_pdf(render_html(sheet))
        rows.append((label, "chromium (reference)", reference, None, None, None))
        print(f"{label}: {sum(1 for _ in sheet.items())} figures, {len(sheet.footnotes)} source notes, PDF {len(pdf) // 1024} KiB", file=sys.stderr)

    load = os.getloadavg()
    print(f"\nFact sheet generation, ITC4, SQLite; {args.repeat} runs each; CPUs {os.cpu_count()}, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}\n")
    print(f"{'sheet':<10} {'step':<22} {'cold s':>8} {'median s':>9} {'max s':>8} {'CPU s':>8}")
    for label, step, *values in rows:
        cells = [f"{v:.3f}" if v is not None else "-" for v in values]
        print(f"{label:<10} {step:<22} {cells[0]:>8} {cells[1]:>9} {cells[2]:>8} {cells[3]:>8}")
    print()
    for label, step, median, cpu in verdicts:
        target = TARGETS[step]
        print(
            f"{label:<10} {step:<5} median {median:.3f} s wall ({'met' if median < target else 'NOT met'}), "
            f"{cpu:.3f} s CPU ({'met' if cpu < target else 'NOT met'}); target < {target:.0f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
