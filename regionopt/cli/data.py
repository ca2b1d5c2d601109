"""``regionopt data ...``: what the loaded data holds."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from regionopt.cli._app import ConfigOption, DataOption, JsonOption, app, console, friendly_errors
from regionopt.config import load_config
from regionopt.load import load_all
from regionopt.summary import data_summary

data_app = typer.Typer(help="Inspect the input data.", no_args_is_help=True)
app.add_typer(data_app, name="data")


@data_app.command("summary")
@friendly_errors
def summary(data: DataOption = None, config: ConfigOption = None, json: JsonOption = False) -> None:
    """Counts of schools, pupils, mbo locations and actual-region rows in the data."""
    cfg = load_config(config)
    loaded = load_all(data, participation=cfg.participation)
    result = data_summary(loaded)
    if json:
        from regionopt.cli._app import print_json

        print_json(result)
        return
    table = Table(
        title=f"regionopt data summary ({escape(loaded.report.data_dir)})", show_header=False
    )
    table.add_column("what")
    table.add_column("value", justify="right")
    t = result["pupils_technical_lj34"]
    rows = [
        ("vestigingen participating", result["schools_participating"]),
        *[(f"  kind {k}", v) for k, v in result["schools_by_kind"].items()],
        ("  with technical-profile pupils", result["schools_with_technical_pupils"]),
        ("pupils beroepsgericht lj 3-4 (bb+kb+gl)", result["pupils_beroepsgericht_lj34"]),
        *[(f"  technical {p}", t[p]) for p in ("BWI", "PIE", "MT", "MaT", "MVI")],
        ("  technical total", t["total"]),
        ("  Vakmanschapsroute Techniek", result["pupils_vakmanschapsroute_lj34"]),
        ("pupils tl lj 3-4 (participating schools)", result["pupils_tl_lj34"]),
        ("mbo locations kept", result["mbo_locations"]),
        ("mbo locations dropped (offices)", result["mbo_locations_dropped"]),
        ("geocoded by address", result["geocoded_by_address"]),
        ("geocoded by postcode centroid", result["geocoded_by_postcode"]),
        ("geocoded by place centroid", result["geocoded_by_place"]),
        ("municipalities", result["municipalities"]),
        *[
            (f"actual-regions rows, match {k}", v)
            for k, v in result["actual_rows_by_match"].items()
        ],
        ("actual regions documented", result["actual_regions"]),
    ]
    for k, v in rows:
        table.add_row(k, f"{v:,}" if isinstance(v, int) else str(v))
    console.print(table)
    for w in loaded.report.warnings:
        console.print(f"[yellow]warning:[/] {escape(str(w))}", highlight=False)
