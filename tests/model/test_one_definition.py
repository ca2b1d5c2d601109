"""Each rule's threshold is read from the config in one place: ``RegionRules.from_config``."""

from __future__ import annotations

import ast
from pathlib import Path

from regionopt.config import RulesConfig

PACKAGE = Path(__file__).resolve().parents[2] / "regionopt"


def test_rule_thresholds_are_read_only_by_the_rules_module() -> None:
    thresholds = set(RulesConfig.model_fields)
    readers: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in thresholds:
                readers.setdefault(node.attr, set()).add(path.relative_to(PACKAGE).as_posix())
    # Every threshold is read, and by the rules module alone.
    assert set(readers) == thresholds
    assert all(paths == {"model/rules.py"} for paths in readers.values()), readers
