"""The workspace: data, model and graph loaded once, reused under other parameters."""

from __future__ import annotations

import pytest

from regionopt.config import ParticipationConfig, RulesConfig


@pytest.mark.realdata
def test_with_config_reuses_the_data_and_refuses_what_the_data_depends_on(workspace) -> None:
    rules = RulesConfig(min_technical_pupils=100, max_technical_pupils=None)
    other = workspace.with_config(workspace.config.model_copy(update={"rules": rules}))
    assert other.config.rules == rules and other.graph is workspace.graph
    everyone = ParticipationConfig(include_pro=True)
    with pytest.raises(ValueError, match="participation"):
        workspace.with_config(workspace.config.model_copy(update={"participation": everyone}))
