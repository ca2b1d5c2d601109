"""Every named parameter, its default and why. Loaded from TOML with ``load_config``.

Sections mirror the stages: ``participation`` (who takes part), ``commute`` (the modelled
commuting areas), ``rules`` (what makes a region valid), ``weights`` (soft preferences of the
optimizer) and ``budget`` (money, DESIGN.md "Money").
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo

from regionopt.errors import InputError, Problem
from regionopt.plan import CODE_RE

MAX_KM = 400.0
"""Upper bound of every distance parameter: farther than across the European Netherlands."""
MAX_TOGETHER_KM = 10.0
"""Upper bound of ``rules.together_km``: beyond it, chains of close schools tie whole
provinces into one region, so no plan of ~77 regions can exist."""
MAX_PUPILS = 1_000_000
"""Upper bound of pupil-count parameters (the country has about 23,000 technical pupils)."""
MAX_WEIGHT = 10_000.0
"""Upper bound of an objective weight. Only ratios between weights matter; the objective is
scaled to integers for CP-SAT, and larger weights could overflow it."""
MAX_EUR = 1e11
"""Upper bound of a money amount in euros (EUR 100 billion, more than the Dutch education
budget): amounts are split exactly to the cent, and absurd values would exceed that."""
MAX_EUR_PER_PUPIL = 1e6
"""Upper bound of an amount per pupil in euros."""


class _Frozen(BaseModel):
    # No inf or nan anywhere: TOML allows both, and neither is a meaningful parameter. Strict:
    # a quoted number ("150") or a fraction for a count (2.5) is a mistake, not a value to coerce.
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, strict=True)


class ParticipationConfig(_Frozen):
    """Which vestigingen take part (rule 6: participation is voluntary, others may join)."""

    include_tl_only: bool = Field(
        False, description="Add vmbo-tl (mavo) locations with no beroepsgerichte pupils."
    )
    include_pro: bool = Field(False, description="Add praktijkonderwijs (pro) locations.")
    include_vso: bool = Field(False, description="Add voortgezet speciaal onderwijs (vso).")
    schools: tuple[str, ...] = Field(
        (),
        description="These vestigingen (codes) take part as well, whatever the settings above: "
        "a tl, pro or vso school a region welcomes. `regionopt whatif --join` adds the "
        "school it joins for that what-if.",
    )

    @field_validator("schools", mode="before")
    @classmethod
    def _vestiging_codes(cls, value: Any) -> Any:
        """A TOML list of vestiging codes (``["01JO02"]``), as a tuple."""
        if not isinstance(value, list | tuple):
            return value  # strict validation says what is wrong
        bad = [v for v in value if not (isinstance(v, str) and CODE_RE.fullmatch(v))]
        if bad:
            raise ValueError(f"not vestiging codes (4 characters and 2 digits, 01JO02): {bad}")
        return tuple(value)

    vakmanschapsroute_is_technical: bool = Field(
        False,
        description=(
            "Count 'Vakmanschapsroute Techniek' pupils as technical-profile pupils. Off by "
            "default: the subsidy rule [001] names only the five profiles BWI, PIE, M&T, MaT, MVI."
        ),
    )


class CommuteConfig(_Frozen):
    """Distance-decay (Huff) model of where pupils go to school."""

    decay_km: float = Field(
        6.0,
        gt=0,
        le=100,
        description=(
            "Scale of the exponential distance decay exp(-d/decay_km). 6 km puts the modelled "
            "mean home-to-vmbo distance near the 5-10 km that Dutch vmbo pupils cycle or bus."
        ),
    )
    cutoff_km: float = Field(
        30.0,
        gt=0,
        le=MAX_KM,
        description="Schools farther than this from a home origin get no pupils.",
    )
    min_edge_pupils: float = Field(
        1.0,
        ge=0,
        le=MAX_PUPILS,
        description="Edges whose shared modelled pupils fall below this are dropped (sparsity).",
    )
    neighbours: int = Field(
        3,
        ge=1,
        le=50,
        description="Each school also links to this many nearest schools, so the graph has no "
        "holes where the commuting model is thin.",
    )


class RulesConfig(_Frozen):
    """Hard rules of a valid partition (DESIGN.md section 2)."""

    min_vmbo: int = Field(
        2, ge=1, le=1000, description="At least this many vmbo vestigingen [004]."
    )
    min_technical_pupils: int = Field(
        200,
        ge=0,
        le=MAX_PUPILS,
        description="Minimum technical-profile pupils leerjaar 3-4 per region (rule 5: big enough "
        "to make good choices; a small region inside a larger logical area joins it [001]). "
        "Default 200, two thirds of the national mean per region (about 300), chosen among "
        "100-250 against the documented regions (bench/calibrate.py, docs/calibration.md).",
    )
    max_technical_pupils: int | None = Field(
        600,
        gt=0,
        le=MAX_PUPILS,
        description="Maximum technical-profile pupils leerjaar 3-4 per region (at least "
        "min_technical_pupils; above the national total, e.g. 1000000, for none): a region far "
        "bigger than the rest cannot work "
        "together. Default 600, twice the national mean per region.",
    )
    mbo_reach_km: float = Field(
        25.0,
        gt=0,
        le=MAX_KM,
        description="An mbo location within this distance of a member school counts.",
    )
    together_km: float = Field(
        0.5,
        ge=0,
        le=MAX_TOGETHER_KM,
        description="Schools closer than this belong to the same region (rule 4).",
    )
    together_hard: bool = Field(
        True, description="True: splitting close schools breaks the plan; False: a warning."
    )
    contiguous: bool = Field(True, description="Each region is connected in the school graph.")

    @model_validator(mode="before")
    @classmethod
    def _max_at_least_min(cls, data: Any) -> Any:
        # Checks the raw input only: ``RegionRules.from_config`` stays the one place that reads
        # the thresholds for use. Values of the wrong type are left to the field checks.
        if not isinstance(data, dict):
            return data
        low = data.get("min_technical_pupils", cls.model_fields["min_technical_pupils"].default)
        high = data.get("max_technical_pupils", cls.model_fields["max_technical_pupils"].default)
        if (
            isinstance(low, int | float)
            and isinstance(high, int | float)
            and not isinstance(low, bool)
            and not isinstance(high, bool)
            and 0 < high < low
        ):
            given = "" if "max_technical_pupils" in data else ", the default"
            raise ValueError(
                f"max_technical_pupils ({high}{given}) is below min_technical_pupils ({low})"
            )
        return data


class WeightsConfig(_Frozen):
    """Weights of the optimizer's objective; each component is reported separately."""

    cut_pupils: float = Field(
        1.0,
        ge=0,
        le=MAX_WEIGHT,
        description="Per modelled commuting pupil whose choice crosses a border.",
    )
    compactness_km: float = Field(
        0.05, ge=0, le=MAX_WEIGHT, description="Per km from a school to its region's centre school."
    )
    gemeente_split: float = Field(
        20.0,
        ge=0,
        le=MAX_WEIGHT,
        description="Per extra region a gemeente's schools are split over.",
    )
    reference_move: float = Field(
        50.0,
        ge=0,
        le=MAX_WEIGHT,
        description="Per school moved away from the reference plan (if given).",
    )
    labour_market_split: float = Field(
        500.0,
        ge=0,
        le=MAX_WEIGHT,
        allow_inf_nan=False,
        description="Per extra region a labour-market region (RPA-gebied, the DUO location "
        "file) is split over; regions then keep within labour-market regions, where the "
        "companies they work with are [001, 003]. Default 500, chosen by cross-validation "
        "against the documented regions among 300, 500 and 1000 (docs/calibration.md).",
    )
    bestuur_split: float = Field(
        0.0,
        ge=0,
        le=MAX_WEIGHT,
        allow_inf_nan=False,
        description="Per extra region a bestuur's schools are split over: a board runs its "
        "locations together and makes the region's agreements for them [000].",
    )
    mbo_split: float = Field(
        0.0,
        ge=0,
        le=MAX_WEIGHT,
        allow_inf_nan=False,
        description="Per extra region the schools served by one mbo institution are split "
        "over: vmbo works with the mbo institution its pupils go on to [001, 004]. A school's "
        "serving institution has the most locations within rules.mbo_reach_km of it. "
        "Default 0: it did not help (docs/calibration.md).",
    )
    size_balance: float = Field(
        0.0,
        ge=0,
        le=MAX_WEIGHT,
        allow_inf_nan=False,
        description="Per region, times the relative deviation of its technical pupils from the "
        "national mean per region, |T - mean| / mean: a region far bigger than the rest cannot "
        "work together, one far smaller is rarely big enough to make good choices [001].",
    )


class BudgetConfig(_Frozen):
    """Money (DESIGN.md "Money"); every amount in euros a year. Used by ``regionopt.budget``.

    Sources: [000], [001], [004] are ``../shared/seeds``; amounts are rounded to euro cents with
    a largest-remainder rule so that every total adds up exactly.
    """

    transition_eur_per_pupil: float = Field(
        3078.0,
        ge=0,
        le=MAX_EUR_PER_PUPIL,
        description="Transition phase: euros per technical-profile pupil leerjaar 3-4 (bb+kb+gl) "
        "[001: 'aantal ingeschreven leerlingen in een technisch profiel in leerjaar 3 en 4 x "
        "bedrag per leerling']. Default: EUR 3,078, the 2019 amount per bb/kb pupil under the "
        "Subsidieregeling sterk techniekonderwijs 2020-2023 after the price adjustment (gl pupils "
        "got half, EUR 1,539; the pupil counts here are not split by leerweg per profile, so "
        "one amount applies to all).",
    )
    structural_national_eur: float = Field(
        100_000_000.0,
        ge=0,
        le=MAX_EUR,
        description="Structural phase: the national total a year, split exactly over the schools "
        "of the plan [004: 'structureel 100 miljoen per jaar'].",
    )
    structural_base_share: float = Field(
        0.4,
        ge=0,
        le=1,
        description="Structural phase: share of the national total paid as an equal fixed base "
        "per participating school with a technical profile; the rest is paid per technical "
        "pupil [004: 'op basis van het aantal deelnemende scholen met een technisch profiel, "
        "met daar boven op een bedrag per leerling']. 004 gives no ratio; 0.4 is an assumption "
        "(on the 2019 data about EUR 145,000 base per technical school and EUR 2,600 per "
        "technical pupil, close to the transition amount per pupil).",
    )
    regional_goals_share: float = Field(
        0.2,
        ge=0,
        le=1,
        description="Share of a region's amount for regional goals; the rest goes to its schools "
        "pro rata by technical pupils [000: 'ca. 20% ... regionale doelen', 'ca. 80% ... eigen "
        "locatie'; 001 gives 25/75 as an example].",
    )
    cofunding_share: float = Field(
        0.1,
        ge=0,
        le=1,
        description="Company co-funding a region must bring, as a share of its amount "
        "[000: 'Cofinanciering bedrijfsleven = 10%'; 004: '10% van het bedrag dat jaarlijks "
        "voor een regio beschikbaar is'].",
    )
    cofunding_basis: Literal["structural", "transition"] = Field(
        "structural",
        description="Which amount the co-funding share applies to in ``cofunding_eur`` (both are "
        "reported): 'structural' (the phase from 2024, [004]) or 'transition' [000].",
    )


class SearchConfig(_Frozen):
    """How the optimizer searches (not what it optimises); every phase's budget and knob."""

    cp_sat_s: float = Field(
        0.0,
        ge=0,
        allow_inf_nan=False,
        description="Seconds of the national CP-SAT model after the warm start (0: none). "
        "Column generation does the rest from any start.",
    )
    area_start_s: float = Field(
        240.0,
        ge=0,
        allow_inf_nan=False,
        description="At most this many seconds for a start plan made area by area: each "
        "labour-market region planned on its own, the regions shared out by a knapsack (only "
        "when weights.labour_market_split > 0; 0: none).",
    )
    area_solve_s: float = Field(
        3.0,
        gt=0,
        allow_inf_nan=False,
        description="Seconds of column generation per area and number of regions in that start.",
    )
    bound_s: float = Field(
        90.0,
        ge=0,
        allow_inf_nan=False,
        description="At most this many seconds of column generation (0: CP-SAT's own bound). "
        "It stops as soon as its plan is proven within relative_gap.",
    )
    improve_s: float = Field(
        60.0,
        ge=0,
        allow_inf_nan=False,
        description="At most this many seconds of re-solving windows of neighbouring regions, "
        "only while the gap is open.",
    )
    branch_s: float = Field(
        0.0,
        ge=0,
        allow_inf_nan=False,
        description="At most this many seconds of branch-and-price after the windows, while "
        "the gap is open: column generation in every node of a tree that splits on a pair of "
        "schools (together or apart) until the plan is proven within relative_gap (0: none; "
        "each node gets at most bound_s).",
    )
    cut_rounds: int = Field(
        20,
        ge=0,
        le=100,
        description="Times column generation, once its master LP has converged, adds the "
        "subset-row cuts that LP breaks (three schools: at most one region holds two of them) "
        "and goes on pricing: a tighter bound where fractional regions overlap (0: never).",
    )
    all_regions_s: float = Field(
        0.0,
        ge=0,
        allow_inf_nan=False,
        description="After the run, at most this many seconds pricing every possible "
        "penvoerder over every connected region at column generation's final duals: a bound "
        "that holds for all connected regions that meet the rules, not only within radius_km "
        "and contiguity (0: none; the national instance needs about 700).",
    )
    deterministic: bool = Field(
        True,
        description="Budgets count the solvers' work (CP-SAT's deterministic time, LP "
        "iterations, IP nodes) in work seconds, about a wall second of one process on a 2-core "
        "machine (column generation's pricing in two processes takes longer), instead of "
        "wall-clock seconds, so the same data, settings and seed give the same plan on any "
        "machine and load. false: wall-clock seconds (uses a busy or fast machine's time "
        "better).",
    )
    relative_gap: float = Field(
        0.001, ge=0, le=1, allow_inf_nan=False, description="Stop once proven within this gap."
    )
    workers: int = Field(2, ge=1, le=64, description="CP-SAT threads and pricing processes.")
    seed: int = Field(
        0, ge=0, le=2**31 - 1, description="Random seed of the warm start and CP-SAT (32 bits)."
    )
    radius_km: float | None = Field(
        50.0,
        gt=0,
        allow_inf_nan=False,
        description="Restriction a user may ask for: a school joins a penvoerder at most this "
        "far along the school graph (no value: any distance).",
    )
    min_roots: int = Field(
        3, ge=1, description="Restriction: each school may always join its nearest roots."
    )
    contiguity: Literal["connected", "hess"] = Field(
        "connected",
        description="'connected': any connected region; 'hess' (a restriction): a school joins "
        "its penvoerder through schools closer to it.",
    )
    objective_scale: int = Field(
        100, ge=1, le=10_000, description="Objective units are scaled by this for integers."
    )
    exact_pricing_s: float = Field(
        1.0, gt=0, allow_inf_nan=False, description="CP-SAT seconds per exact pricing call."
    )
    round_budget_s: float = Field(
        10.0, gt=0, allow_inf_nan=False, description="Seconds of exact pricing per round at most."
    )
    smoothing: float = Field(
        0.5,
        ge=0,
        lt=1,
        allow_inf_nan=False,
        description="Wentges smoothing of the duals towards the best ones (0: none).",
    )
    box_width: float = Field(
        20.0,
        gt=0,
        allow_inf_nan=False,
        description="Box-step stabilisation: duals stay this many objective units from the centre.",
    )
    ip_every_s: float = Field(
        10.0,
        gt=0,
        allow_inf_nan=False,
        description="The set-partitioning IP over the columns this often (sooner near the end).",
    )
    ip_time_s: float = Field(10.0, gt=0, allow_inf_nan=False, description="Seconds per such IP.")
    window_regions: int = Field(6, ge=2, description="A window holds at most this many regions.")
    window_schools: int = Field(60, ge=2, description="... and at most this many schools.")
    window_s: float = Field(
        4.0, gt=0, allow_inf_nan=False, description="Column generation seconds per window."
    )
    national_every: int = Field(
        5, ge=1, description="After this many windows, the national IP over every region met."
    )


class Config(_Frozen):
    """All parameters. ``Config()`` gives the documented defaults."""

    participation: ParticipationConfig = ParticipationConfig()
    commute: CommuteConfig = CommuteConfig()
    rules: RulesConfig = RulesConfig()
    weights: WeightsConfig = WeightsConfig()
    budget: BudgetConfig = BudgetConfig()
    search: SearchConfig = SearchConfig()


def load_config(path: Path | None) -> Config:
    """Read a TOML config; missing keys keep their defaults.

    Parameters
    ----------
    path : Path or None
        A TOML file with any of the sections ``participation``, ``commute``, ``rules``,
        ``weights``, ``budget``, ``search``. ``None`` gives the defaults.

    Returns
    -------
    Config
        The validated configuration.

    Raises
    ------
    InputError
        When the file is missing, not TOML, or has unknown keys or bad values (all reported).
    """
    if path is None:
        return Config()
    path = Path(path)
    if not path.is_file():
        raise InputError([Problem(str(path), "", "config file not found", "check the path")])
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problem = Problem(str(path), "", f"not valid TOML: {exc}", "fix the syntax")
        raise InputError([problem]) from None
    except OSError as exc:
        problem = Problem(str(path), "", f"cannot read: {exc.strerror or exc}", "check the file")
        raise InputError([problem]) from None
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        problems = [
            Problem(
                str(path),
                ".".join(str(p) for p in err["loc"]),
                str(err["msg"]).removeprefix("Value error, "),
                fix_for(err),
            )
            for err in exc.errors()
        ]
        raise InputError(problems, title="Invalid config") from None


def fix_for(err: Mapping[str, Any], model: type[BaseModel] | None = None) -> str:
    """What to do about one pydantic validation error: the allowed range and the default.

    Parameters
    ----------
    err : mapping
        One entry of ``ValidationError.errors()``.
    model : pydantic model class, optional
        The model that was validated (default ``Config``; e.g. ``SearchConfig`` for options).
    """
    loc = tuple(str(p) for p in err["loc"])
    model = model or Config
    if err["type"] == "extra_forbidden":
        return _fix_for_unknown_key(loc, model)
    info: FieldInfo | None = None
    for part in loc:
        info = model.model_fields.get(part) if isinstance(model, type) else None
        if info is None:
            break
        if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel):
            model, info = info.annotation, None
    if loc == ("rules",):
        default = RulesConfig.model_fields["max_technical_pupils"].default
        return (
            f"set max_technical_pupils to at least min_technical_pupils (its default is {default})"
        )
    if info is None:
        return "see `regionopt config` for the keys and their defaults"
    bounds = []
    for meta in info.metadata:
        for attr, word in (("gt", ">"), ("ge", ">="), ("lt", "<"), ("le", "<=")):
            value = getattr(meta, attr, None)
            if value is not None:
                bounds.append(f"{word} {_number(value)}")
    if info.annotation is bool:  # TOML writes them in lower case
        return f"use true or false (default {str(info.default).lower()})"
    kind = "a whole number" if info.annotation in (int, int | None) else "a finite number"
    allowed = f"{kind} {' and '.join(bounds)}" if bounds else "a valid value"
    default = "unset" if info.default is None else repr(info.default)
    return f"use {allowed} (default {default}; `regionopt config` explains the key)"


def _fix_for_unknown_key(loc: tuple[str, ...], model: type[BaseModel]) -> str:
    """Remove or respell a key that is not there: the closest known key of its section."""
    for part in loc[:-1]:
        info = model.model_fields.get(part)
        annotation = info.annotation if info is not None else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            break
        model = annotation
    close = difflib.get_close_matches(loc[-1], list(model.model_fields), n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"{hint}remove the key or correct its spelling; `regionopt config` lists every key"


def _number(value: float) -> str:
    """A bound as people write it: ``1,000,000`` or ``0.5``."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"
