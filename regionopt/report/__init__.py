"""Self-contained HTML reports a person reads: a proposal, or a what-if.

One HTML file, offline: no script, stylesheet, font or image is linked; the map is the same
self-contained folium page, embedded whole in an ``<iframe srcdoc>`` (sandboxed: its scripts
cannot touch the report). Every text that comes from data is HTML-escaped here. Region names
come from ``regionopt.names``; figures from ``regionopt.evaluate`` and money from
``regionopt.budget`` on the whole plan. The objective, its bound and the comparison with the
documented regions arrive as plain mappings from the caller (``propose``, ``validate``).
Everything is Dutch, like the maps: numbers in Dutch notation (``regionopt.dutch``) and
every figure under a Dutch label (``labels``); the raw keys stay in ``summary.json``.

Modules: ``labels`` (Dutch labels of the objective, comparison and parameters), ``page``
(style, escaping, tables, the file), ``proposal_report`` and ``whatif_report``.
"""

from regionopt.report.page import (
    CSS,
    esc,
    euro,
    map_iframe,
    page,
    parameters_section,
    value_html,
    value_text,
    whole,
)
from regionopt.report.proposal_report import (
    RegionLine,
    comparison_section,
    objective_section,
    region_lines,
    regions_section,
    write_proposal_report,
)
from regionopt.report.whatif_report import (
    changes_section,
    money_section,
    region_section,
    repair_section,
    write_whatif_report,
)

__all__ = [
    "CSS",
    "RegionLine",
    "changes_section",
    "comparison_section",
    "esc",
    "euro",
    "map_iframe",
    "money_section",
    "objective_section",
    "page",
    "parameters_section",
    "region_lines",
    "region_section",
    "regions_section",
    "repair_section",
    "value_html",
    "value_text",
    "whole",
    "write_proposal_report",
    "write_whatif_report",
]
