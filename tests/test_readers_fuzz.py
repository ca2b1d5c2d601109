"""Every reader, fed random bytes and randomly shaped files, returns or raises ``InputError``.

Never anything else: no ``KeyError``, ``ValueError`` or ``GEOSException`` from a bad file.
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regionopt.config import load_config
from regionopt.errors import InputError, Problem
from regionopt.load import (
    COUNT_REQUIRED,
    LOCATION_REQUIRED,
    read_actual_regions,
    read_counts,
    read_geocoded,
    read_locations,
    read_mbo,
    read_municipalities,
    read_pc4,
    read_provinces,
)
from regionopt.plan import read_plan

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _plan(path: Path) -> object:
    return read_plan(path)


def _config(path: Path) -> object:
    return load_config(path)


def _collecting(reader: Callable[[Path, list[Problem]], object]) -> Callable[[Path], object]:
    def read(path: Path) -> object:
        problems: list[Problem] = []
        result = reader(path, problems)
        # A reader that finds problems reports them; it returns nothing usable then.
        if result is None:
            assert problems
        return result

    read.__name__ = reader.__name__
    return read


CSV_READERS = [
    _plan,
    _collecting(read_locations),
    _collecting(read_counts),
    _collecting(read_pc4),
    read_actual_regions,
]
ACTUAL_REQUIRED = (
    "region_id",
    "region_name",
    "vestiging_code",
    "match",
    "completeness",
    "school_name_on_page",
)
JSON_READERS = [
    _collecting(read_geocoded),
    _collecting(read_municipalities),
    _collecting(read_provinces),
    _collecting(read_mbo),
]
ALL_READERS = [*CSV_READERS, *JSON_READERS, _config]


def returns_or_input_error(reader: Callable[[Path], object], path: Path) -> None:
    with contextlib.suppress(InputError):
        reader(path)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


# ---------------------------------------------------------------------------------------------
# Random bytes


@pytest.mark.parametrize("reader", ALL_READERS, ids=lambda r: r.__name__)
@FUZZ
@given(raw=st.binary(max_size=600))
def test_random_bytes(folder: Path, reader: Callable[[Path], object], raw: bytes) -> None:
    path = folder / "random.bin"
    path.write_bytes(raw)
    returns_or_input_error(reader, path)


# ---------------------------------------------------------------------------------------------
# Random CSV shapes

COLUMN_NAMES = sorted(
    {
        *LOCATION_REQUIRED,
        *COUNT_REQUIRED,
        "vestiging_code",
        "region_id",
        "region_name",
        "match",
        "completeness",
        "school_name_on_page",
        "postcode",
        "woonplaats",
        "latitude",
        "longitude",
        "Vestiging_Code",
        "",
    }
)
CELLS = st.one_of(
    st.sampled_from(["", "11AA00", "0", "1", "-5", "2.5", "1e9", "nan", "inf", "3500", "52.05"]),
    st.sampled_from(["exact", "ambiguous", "unmatched", "complete", "partial", "11AA00;22BB00"]),
    st.integers(min_value=-(10**15), max_value=10**15).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(alphabet='ab ,;\t"\n\r[]/éë\x00', max_size=12),
)


@st.composite
def csv_files(draw: st.DrawFn, required: tuple[str, ...] = ()) -> bytes:
    """A CSV: mostly a header with the reader's own columns (so rows get read), any values."""
    sep = draw(st.sampled_from([",", ";", "\t", "|"]))
    header = draw(st.lists(st.sampled_from(COLUMN_NAMES), min_size=0, max_size=6))
    if required and draw(st.integers(0, 3)):
        header = draw(st.permutations([*required, *header]))
    header += draw(st.lists(st.text(alphabet="xyz_ ", max_size=5), max_size=2))
    width = len(header)
    rows = draw(
        st.lists(
            st.lists(CELLS, min_size=max(width - 2, 0), max_size=width + 2),
            max_size=8,
        )
    )
    quote = draw(st.booleans())

    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if quote else value

    end = draw(st.sampled_from(["\n", "\r\n"]))
    text = end.join(sep.join(cell(v) for v in row) for row in [header, *rows]) + end
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16"]))
    return text.encode(encoding, errors="replace")


@pytest.mark.parametrize(
    ("reader", "required"),
    [
        (_plan, ("vestiging_code", "region_id", "region_name")),
        (_collecting(read_locations), LOCATION_REQUIRED),
        (_collecting(read_counts), (*COUNT_REQUIRED, "LEER- OF VERBLIJFSJAAR 1 - MAN")),
        (_collecting(read_pc4), ("postcode", "woonplaats", "latitude", "longitude")),
        (read_actual_regions, ACTUAL_REQUIRED),
    ],
    ids=lambda r: getattr(r, "__name__", "columns"),
)
@FUZZ
@given(data=st.data())
def test_random_csv_shapes(
    folder: Path,
    reader: Callable[[Path], object],
    required: tuple[str, ...],
    data: st.DataObject,
) -> None:
    path = folder / "random.csv"
    path.write_bytes(data.draw(csv_files(required)))
    returns_or_input_error(reader, path)


# ---------------------------------------------------------------------------------------------
# Random JSON and GeoJSON shapes

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)
NUMBERS = st.one_of(
    st.floats(min_value=3.0, max_value=7.5),
    st.floats(min_value=50.5, max_value=53.7),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["abc", None, 150_000.0, 450_000.0]),
)
POINT = st.lists(NUMBERS, min_size=0, max_size=3)
RING = st.lists(POINT, min_size=0, max_size=5)
GEOMETRY = st.one_of(
    st.none(),
    st.builds(lambda c: {"type": "Point", "coordinates": c}, POINT),
    st.builds(lambda c: {"type": "Polygon", "coordinates": [c]}, RING),
    st.builds(lambda c: {"type": "MultiPolygon", "coordinates": [[c]]}, RING),
    st.builds(lambda c: {"type": "LineString", "coordinates": c}, RING),
    JSON_VALUES,
)
PROPERTIES = st.fixed_dictionaries(
    {},
    optional={
        "vestigingscode": st.sampled_from(["11AA00", "90PO00", "x", ""]) | JSON_VALUES,
        "naam": st.text(max_size=6) | JSON_VALUES,
        "type": st.sampled_from(["basisschool", "VSO", "(V)SO", "VBO"]) | JSON_VALUES,
        "leerlingen": NUMBERS | st.integers() | JSON_VALUES,
        "statcode": st.sampled_from(["GM0001", "GM0002"]) | JSON_VALUES,
        "statnaam": st.text(max_size=6) | JSON_VALUES,
        "name": st.text(max_size=6) | JSON_VALUES,
        "plaats": st.text(max_size=6) | JSON_VALUES,
    },
)
CRS_MEMBER = st.one_of(
    st.just(None),
    st.sampled_from(["EPSG:28992", "urn:ogc:def:crs:OGC:1.3:CRS84", "EPSG:999999", "foo"]).map(
        lambda name: {"type": "name", "properties": {"name": name}}
    ),
    JSON_VALUES,
)


@st.composite
def geojson_files(draw: st.DrawFn) -> bytes:
    features = draw(
        st.lists(
            st.fixed_dictionaries(
                {"type": st.just("Feature"), "properties": PROPERTIES, "geometry": GEOMETRY}
            ),
            max_size=5,
        )
    )
    data: dict[str, object] = {"type": "FeatureCollection", "features": features}
    crs = draw(CRS_MEMBER)
    if crs is not None:
        data["crs"] = crs
    return json.dumps(data).encode("utf-8")


@st.composite
def mbo_files(draw: st.DrawFn) -> bytes:
    record = st.fixed_dictionaries(
        {},
        optional={
            "brinvest": st.sampled_from(["55MB00", "55mb01", "x"]) | JSON_VALUES,
            "name": st.sampled_from(["Hoofdlocatie", "Stafdienst"]) | JSON_VALUES,
            "url": st.sampled_from(["www.rocx.nl", "https://a.b/c"]) | JSON_VALUES,
            "city": JSON_VALUES,
            "location_data": st.one_of(
                st.builds(lambda c: {"type": "Point", "coordinates": c}, POINT), JSON_VALUES
            ),
        },
    )
    records = draw(st.one_of(st.lists(record | JSON_VALUES, max_size=5), JSON_VALUES))
    return json.dumps(records).encode("utf-8")


@pytest.mark.parametrize("reader", JSON_READERS, ids=lambda r: r.__name__)
@FUZZ
@given(
    raw=st.one_of(geojson_files(), mbo_files(), JSON_VALUES.map(lambda v: json.dumps(v).encode()))
)
def test_random_json_shapes(folder: Path, reader: Callable[[Path], object], raw: bytes) -> None:
    path = folder / "random.json"
    path.write_bytes(raw)
    returns_or_input_error(reader, path)


# ---------------------------------------------------------------------------------------------
# Random configs

CONFIG_KEYS = {
    "participation": ["include_tl_only", "include_pro", "include_vso", "typo"],
    "commute": ["decay_km", "cutoff_km", "min_edge_pupils", "neighbours"],
    "rules": [
        "min_vmbo",
        "min_technical_pupils",
        "max_technical_pupils",
        "mbo_reach_km",
        "together_km",
    ],
    "weights": ["cut_pupils", "compactness_km", "gemeente_split", "reference_move"],
    "budget": ["transition_eur_per_pupil", "structural_national_eur", "cofunding_basis"],
    "nonsense": ["x"],
}


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return json.dumps(value)


TOML_VALUES = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6),
    st.sampled_from(["structural", "transition"]),
)


@st.composite
def toml_files(draw: st.DrawFn) -> bytes:
    lines: list[str] = []
    for section in draw(st.lists(st.sampled_from(sorted(CONFIG_KEYS)), unique=True, max_size=6)):
        lines.append(f"[{section}]")
        for key in draw(st.lists(st.sampled_from(CONFIG_KEYS[section]), unique=True)):
            lines.append(f"{key} = {_toml_value(draw(TOML_VALUES))}")
    return "\n".join(lines).encode("utf-8")


@FUZZ
@given(raw=toml_files())
def test_random_configs(folder: Path, raw: bytes) -> None:
    path = folder / "random.toml"
    path.write_bytes(raw)
    returns_or_input_error(_config, path)
