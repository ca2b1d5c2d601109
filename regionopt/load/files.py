"""Finding the data directory and its files (see ``../shared/data/README.md``)."""

from __future__ import annotations

import os
from pathlib import Path

from regionopt.errors import DataNotFoundError, Problem

FILES: dict[str, str] = {
    "locations": "duo/alle-vestigingen-vo-2020.csv",
    "counts": "duo/leerlingen-vo-per-vestiging-naar-onderwijstype-2019.csv",
    "geocoded": "duo/scholen-geocoded-2024.geojson",
    "mbo": "mbo/mbo-locaties-2025.json",
    "gemeenten": "cbs/gemeenten-2022.geojson",
    "provincies": "cbs/provincies.geojson",
    "pc4": "pc4/pc4-centroids-2019.csv",
    "actual": "sto/actual-regions.csv",
    "actual_meta": "sto/actual-regions-meta.csv",
}
"""Each input, relative to the data directory (see ``../shared/data/README.md``)."""


def project_root() -> Path:
    """The repository root (the folder holding ``regionopt/``)."""
    return Path(__file__).resolve().parents[2]


def find_data_dir(data: Path | str | None = None) -> Path:
    """Resolve the data directory: ``data``, else ``$REGIONOPT_DATA``, else ``../shared/data``.

    Raises
    ------
    DataNotFoundError
        When the directory, or any file that ``FILES`` names, does not exist.
    """
    if data is not None:
        candidates = [(Path(data), "--data")]
    elif os.environ.get("REGIONOPT_DATA"):
        candidates = [(Path(os.environ["REGIONOPT_DATA"]), "REGIONOPT_DATA")]
    else:
        candidates = [
            (project_root().parent / "shared" / "data", "default"),
            (Path.cwd().parent / "shared" / "data", "default"),
        ]
    for path, _ in candidates:
        if path.is_dir():
            missing = [rel for rel in FILES.values() if not (path / rel).is_file()]
            if missing:
                raise DataNotFoundError(
                    [
                        Problem(
                            str(path / rel),
                            "",
                            "file not found",
                            "point --data (or REGIONOPT_DATA) at a directory laid out like "
                            "../shared/data (see its README)",
                        )
                        for rel in missing
                    ],
                    title="Data files missing",
                )
            return path
    path, source = candidates[0]
    raise DataNotFoundError(
        [
            Problem(
                str(path),
                "",
                f"data directory not found ({source})",
                "pass --data DIR or set REGIONOPT_DATA to the folder holding duo/, cbs/, mbo/, "
                "pc4/ and sto/",
            )
        ],
        title="Data directory missing",
    )
