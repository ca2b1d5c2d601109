"""Validation against the documented regions: pair counts and Jaccard by hand, real data, CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from regionopt.cli import app
from regionopt.errors import InputError
from regionopt.load import FILES, LoadedData, load_all
from regionopt.official import OFFICIAL_PARTITIONS, read_official_partitions
from regionopt.plan import AmbiguousMember, Plan
from regionopt.validate import documented_members, pair_score, validate

from .conftest import make_instance

# Ten schools 00AA00..09AA00 with technical pupils 10, 20, ..., 100.
TECH = [10 * (i + 1) for i in range(10)]
INSTANCE = make_instance([(float(i), 0.0) for i in range(10)], technical=TECH)


def _code(i: int) -> str:
    return f"{i:02d}AA00"


def _plan(groups: dict[str, list[int]], **kwargs: object) -> Plan:
    return Plan.from_mapping({_code(i): r for r, ids in groups.items() for i in ids}, **kwargs)


# Documented: A = {0, 1, 2} complete (plus 99ZZ00, not a participant), B = {3, 4} partial
# (plus one ambiguous and one unmatched member), C = {5, 6, 7} complete. 8 and 9 are
# undocumented. Located: 8 schools -> C(8, 2) = 28 pairs; positive 3 + 1 + 3 = 7.
ACTUAL = Plan(
    rows=(*_plan({"A": [0, 1, 2], "B": [3, 4], "C": [5, 6, 7]}).rows, ("99ZZ00", "A")),
    name="actual",
    region_names={"A": "Regio A", "B": "Regio B", "C": "Regio C"},
    partial_regions=frozenset({"B"}),
    ambiguous=(AmbiguousMember("B", (_code(8), _code(9)), "Een van twee"),),
    unmatched=(("B", "Onbekende school"),),
    complete=False,
)
DOCUMENTED = documented_members(INSTANCE, ACTUAL)


def test_documented_members_keep_only_located_certain_members() -> None:
    assert DOCUMENTED.regions == {
        "A": (_code(0), _code(1), _code(2)),
        "B": (_code(3), _code(4)),
        "C": (_code(5), _code(6), _code(7)),
    }
    assert DOCUMENTED.complete == {"A", "C"}
    assert DOCUMENTED.excluded == {
        "A": {"not_participating": 1},
        "B": {"ambiguous": 1, "unmatched": 1},
    }
    summary = DOCUMENTED.as_dict()
    assert summary["pairs"] == 28 and summary["positive_pairs"] == 7


def test_the_documented_regions_score_exactly_one() -> None:
    result = validate(INSTANCE, ACTUAL, ACTUAL)
    score = result.plan.score
    assert (score.tp, score.fp, score.fn, score.pairs) == (7, 0, 0, 28)
    assert score.precision == score.recall == score.f1 == 1.0
    assert all(r.whole_and_unmixed and r.jaccard == 1.0 for r in result.plan.regions)
    assert result.plan.whole_and_unmixed == len(result.plan.headline_regions) == 3


def test_one_moved_school_loses_exactly_its_pairs() -> None:
    # School 2 moves from A to C. Lost: 0-2 and 1-2 (FN = 2, TP = 7 - 2 = 5).
    # Wrongly together: 2-5, 2-6, 2-7 (FP = 3). P = 5/8, R = 5/7, F1 = 2*5 / (8 + 7) = 2/3.
    plan = _plan({"P1": [0, 1], "P2": [3, 4], "P3": [2, 5, 6, 7]})
    score = pair_score(DOCUMENTED, plan)
    assert (score.tp, score.fp, score.fn) == (5, 3, 2)
    assert score.precision == pytest.approx(5 / 8)
    assert score.recall == pytest.approx(5 / 7)
    assert score.f1 == pytest.approx(2 / 3)


def test_merging_two_regions_keeps_recall_and_adds_the_cross_pairs() -> None:
    # A and C in one region: every positive pair together (recall 1); the 3 x 3 = 9 pairs
    # between A and C are false positives. P = 7 / (7 + 9).
    plan = _plan({"AC": [0, 1, 2, 5, 6, 7], "B": [3, 4]})
    result = validate(INSTANCE, ACTUAL, plan)
    score = result.plan.score
    assert (score.tp, score.fp, score.fn) == (7, 9, 0)
    assert score.recall == 1.0
    assert score.precision == pytest.approx(7 / 16)
    by_id = {r.region_id: r for r in result.plan.regions}
    assert by_id["A"].kept_whole and by_id["A"].mixed_with == ("C",)
    assert not by_id["A"].whole_and_unmixed and by_id["B"].whole_and_unmixed


def test_a_school_missing_from_the_plan_is_apart_from_everything() -> None:
    # School 0 unassigned: pairs 0-1 and 0-2 are lost (FN = 2), nothing wrongly together.
    plan = _plan({"A": [1, 2], "B": [3, 4], "C": [5, 6, 7]})
    result = validate(INSTANCE, ACTUAL, plan)
    score = result.plan.score
    assert (score.tp, score.fp, score.fn, score.unassigned) == (5, 0, 2, 1)
    assert score.precision == 1.0 and score.recall == pytest.approx(5 / 7)
    region_a = next(r for r in result.plan.regions if r.region_id == "A")
    assert not region_a.kept_whole and region_a.best_region == "A"
    # D = {0, 1, 2}, P = {1, 2}: 2 shared of 3.
    assert region_a.jaccard == pytest.approx(2 / 3)


def test_jaccard_of_a_complete_and_a_partial_region_by_hand() -> None:
    plan = _plan({"X": [0, 1, 8], "Y": [2, 3, 9], "Z": [4, 5, 6, 7]})
    by_id = {r.region_id: r for r in validate(INSTANCE, ACTUAL, plan).plan.regions}
    # A complete: best X = {0, 1, 8}; shared {0, 1}; union {0, 1, 2, 8} -> 2/4.
    assert by_id["A"].best_region == "X" and by_id["A"].jaccard == pytest.approx(0.5)
    assert by_id["A"].mixed_with == ("B",)  # school 3 (B) shares Y with school 2
    # B partial: Y and Z hold one each, the tie goes to the lower id Y = {2, 3, 9}. School 9 is
    # undocumented (unknown, ignored): counted {2, 3}; shared {3}; union {2, 3, 4} -> 1/3.
    assert by_id["B"].best_region == "Y" and by_id["B"].jaccard == pytest.approx(1 / 3)
    # C complete: Z = {4, 5, 6, 7}; shared 3 of union 4, kept whole but mixed with B.
    assert by_id["C"].jaccard == pytest.approx(0.75)
    assert by_id["C"].kept_whole and by_id["C"].mixed_with == ("B",)
    assert (by_id["A"].excluded, by_id["B"].excluded, by_id["C"].excluded) == (1, 2, 0)


def test_zero_over_zero_cases() -> None:
    nothing = pair_score(DOCUMENTED, Plan(rows=()))
    # An empty plan puts no pair together: precision 0/0 := 1, recall 0/7 = 0, F1 0.
    assert (nothing.tp, nothing.fp, nothing.fn, nothing.unassigned) == (0, 0, 7, 8)
    assert nothing.precision == 1.0 and nothing.recall == 0.0 and nothing.f1 == 0.0
    # No positive pair at all: recall 0/0 := 1; the one pair put together is an FP.
    singletons = documented_members(INSTANCE, _plan({"A": [0], "B": [1]}))
    empty = pair_score(singletons, _plan({"P": [0, 1]}))
    assert (empty.tp, empty.fp, empty.fn) == (0, 1, 0)
    assert empty.recall == 1.0 and empty.precision == 0.0 and empty.f1 == 0.0


def test_size_spread_of_plan_and_documented_complete_regions() -> None:
    result = validate(INSTANCE, ACTUAL, _plan({"P": [0, 1, 2, 3], "Q": [4, 5, 6, 7, 8, 9]}))
    # P: 4 schools, 10+20+30+40 = 100 pupils; Q: 6 schools, 50+...+100 = 450.
    sizes = result.plan_sizes
    assert sizes.regions == 2
    assert (sizes.schools.smallest, sizes.schools.median, sizes.schools.largest) == (4, 5, 6)
    assert sizes.technical_pupils.median == 275
    # Complete documented A = {0, 1, 2} (60 pupils) and C = {5, 6, 7} (210); B is partial.
    doc = result.documented_sizes
    assert doc.regions == 2 and doc.schools.median == 3
    assert (doc.technical_pupils.smallest, doc.technical_pupils.largest) == (60, 210)


def test_baselines_are_scored_on_the_same_pairs_and_sorted_by_f1() -> None:
    good = _plan({"G": [0, 1, 2], "H": [3, 4, 5, 6, 7]}, name="good")
    bad = _plan({"E": list(range(10))}, name="one region")
    result = validate(INSTANCE, ACTUAL, ACTUAL, [bad, good])
    assert [b.name for b in result.baselines] == ["good", "one region"]
    assert {b.score.pairs for b in result.baselines} == {28}
    # Everyone together: all 28 pairs together, 7 of them positive.
    assert (result.baselines[1].score.tp, result.baselines[1].score.fp) == (7, 21)
    json.dumps(result.as_dict())


def test_official_partitions_need_their_columns(tiny_data: Path) -> None:
    path = tiny_data / FILES["locations"]
    with pytest.raises(InputError) as err:
        read_official_partitions(path)
    assert str(path) in str(err.value) and "RPA-GEBIED CODE" in str(err.value)
    (gemeente,) = read_official_partitions(path, OFFICIAL_PARTITIONS[-1:])
    assert gemeente.assignment["33CC00"] == "0002" and gemeente.region_name("0002") == "Oost"
    with pytest.raises(InputError, match="file not found"):
        read_official_partitions(tiny_data / "nope.csv")


# --------------------------------------------------------------------------------------------
# real data


@pytest.fixture(scope="module")
def loaded(real_data: Path) -> LoadedData:
    return load_all(real_data)


@pytest.mark.realdata
def test_actual_scores_one_on_real_data(loaded: LoadedData) -> None:
    result = validate(loaded.instance, loaded.actual, loaded.actual)
    assert result.plan.score.f1 == 1.0 and result.plan.score.fp == 0
    assert result.plan.score.tp > 0
    assert result.plan.whole_and_unmixed == len(result.plan.headline_regions) > 0


@pytest.mark.realdata
def test_official_baselines_on_real_data(loaded: LoadedData) -> None:
    path = Path(loaded.report.data_dir) / FILES["locations"]
    baselines = read_official_partitions(path)
    assert [b.name for b in baselines] == [p.name for p in OFFICIAL_PARTITIONS]
    result = validate(loaded.instance, loaded.actual, loaded.actual, baselines)
    pairs = result.plan.score.pairs
    assert all(b.score.pairs == pairs for b in result.baselines)
    rpa_score = next(b for b in result.baselines if b.name == "RPA-gebied").score
    assert rpa_score.recall > rpa_score.precision
    # The RPA plan is the file's RPA column: every code once, in its own RPA area.
    raw = pd.read_csv(path, sep=";", encoding="latin-1", dtype=str, keep_default_na=False)
    raw = raw.apply(lambda s: s.str.strip())
    rpa = next(b for b in baselines if b.name == "RPA-gebied")
    expected = dict(zip(raw["VESTIGINGSNUMMER"], raw["RPA-GEBIED CODE"], strict=True))
    assert rpa.assignment == {c: r for c, r in expected.items() if r}
    assert not rpa.duplicates and set(rpa.region_names) == set(rpa.regions)


# --------------------------------------------------------------------------------------------
# CLI


@pytest.mark.realdata
def test_cli_json_lists_the_baselines(real_data: Path) -> None:
    res = CliRunner().invoke(app, ["validate", "actual", "--json", "--data", str(real_data)])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["plan"]["f1"] == 1.0 and out["plan"]["regions"]
    assert {b["name"] for b in out["baselines"]} == {p.name for p in OFFICIAL_PARTITIONS}
    assert out["sizes"]["documented_complete"]["regions"] >= 1


def test_cli_missing_plan_file_exits_2_without_traceback(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["validate", str(tmp_path / "missing.csv")])
    assert res.exit_code == 2
    assert "plan file not found" in res.output and "Traceback" not in res.output


def test_cli_location_file_without_divisions_exits_2(tiny_data: Path, tmp_path: Path) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_text("vestiging_code,region_id\n11AA00,R1\n22BB00,R1\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["validate", str(plan), "--data", str(tiny_data)])
    assert res.exit_code == 2, res.output
    assert "COROPGEBIED CODE" in res.output and "Traceback" not in res.output


@pytest.mark.realdata
def test_cli_regions_table_prints_names_literally(loaded: LoadedData, tmp_path: Path) -> None:
    plan = tmp_path / "plan.csv"
    rows = "".join(f"{c},R1,[red]Z[/red]\n" for c in loaded.actual.assignment)
    plan.write_text("vestiging_code,region_id,region_name\n" + rows, encoding="utf-8")
    data = loaded.report.data_dir
    res = CliRunner().invoke(app, ["validate", str(plan), "--regions", "--data", data])
    assert res.exit_code == 0, res.output
    assert "[red]Z[/red]" in res.output and "RPA-gebied" in res.output
    # Which documented regions count for "whole & unmixed" is said beside the table.
    text = " ".join(res.output.split())
    assert re.search(r"documented regions \(\d+ with two or more: those count for whole", text)
