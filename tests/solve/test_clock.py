"""The run's clock: on a deterministic clock time is the work charged, nothing else."""

from __future__ import annotations

from regionopt.solve.clock import IP_NODE_S, Clock, ip_node_limit, wall_guard_s


def test_a_deterministic_clock_moves_only_with_charged_work() -> None:
    clock = Clock(deterministic=True)
    assert clock.now() == 0.0
    clock.charge("lp", 1.5)
    clock.charge("cp-sat", 2.0)
    clock.charge("lp", 0.5)
    assert clock.now() == 4.0
    assert clock.spent == {"lp": 2.0, "cp-sat": 2.0}


def test_a_wall_clock_counts_work_apart_from_its_time() -> None:
    clock = Clock()
    clock.charge("lp", 1000.0)
    assert clock.now() < 1000.0
    assert clock.spent == {"lp": 1000.0}


def test_an_ip_time_limit_buys_nodes_at_the_clock_rate() -> None:
    assert ip_node_limit(10 * IP_NODE_S) == 10
    assert ip_node_limit(0.0) == 1


def test_the_wall_guard_lies_far_beyond_the_work_budget() -> None:
    assert wall_guard_s(2.0) == 40.0
    assert wall_guard_s(2.0, slack_s=1.0) == 41.0
    # A floor for what the solver does outside the work it counts (presolve, the root LP).
    assert wall_guard_s(0.5, floor_s=60.0) == 60.0
    assert wall_guard_s(10.0, floor_s=60.0) == 200.0
