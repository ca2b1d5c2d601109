"""Every command's --help works, and reads as paragraphs (markdown: refilled to the width,
code spans without backticks)."""

from __future__ import annotations

import pytest

from tests.helpers import invoke

COMMANDS = [
    ["propose"], ["validate"], ["check"], ["find"], ["whatif"], ["serve"], ["map"],
    ["budget"], ["compare"], ["config"], ["data", "summary"],
]  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command: list[str]) -> None:
    res = invoke(*command, "--help")
    assert res.exit_code == 0, res.output
    assert f"Usage: regionopt {' '.join(command)}" in " ".join(res.output.split())


def test_help_is_rendered_as_markdown() -> None:
    text = " ".join(invoke("whatif", "--help").output.split())
    # Code spans are shown as code, not as backticks; paragraphs are joined and refilled.
    assert "keeps every rule, as regionopt check judges it, 1 when it breaks one" in text
    assert "`" not in text
