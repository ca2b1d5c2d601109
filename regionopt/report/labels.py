"""Dutch labels of the figures a report shows: the objective, the comparison, the parameters.

The raw keys stay in ``summary.json``; the report shows these labels. A key without a label
is shown as it is (a new setting is never hidden).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Component:
    """One part of the objective: where its value is, its label, and its weight's key."""

    path: tuple[str, ...]
    """Keys into ``ObjectiveComponents.to_dict()`` (``("splits", "rpa")``)."""
    label: str
    meaning: str
    weight: str
    """The key of its weight in ``[weights]``."""
    part: str
    """Its key in the components' ``contributions`` (what it adds to the objective)."""


COMPONENTS: tuple[Component, ...] = (
    Component(
        ("cut_pupils",),
        "Afgesneden pendelleerlingen",
        "leerlingen die volgens het pendelmodel tussen scholen in verschillende regio's kiezen",
        "cut_pupils",
        "cut_pupils",
    ),
    Component(
        ("compactness_km",),
        "Km tot penvoerder",
        "afstand van elke school tot de centrale school van haar regio, opgeteld",
        "compactness_km",
        "compactness_km",
    ),
    Component(
        ("gemeente_splits",),
        "Gesplitste gemeenten",
        "extra regio's waarover de scholen van een gemeente verdeeld zijn, opgeteld",
        "gemeente_split",
        "gemeente",
    ),
    Component(
        ("splits", "rpa"),
        "Gesplitste arbeidsmarktregio's",
        "extra regio's per arbeidsmarktregio (RPA-gebied), opgeteld",
        "labour_market_split",
        "rpa",
    ),
    Component(
        ("splits", "bestuur"),
        "Gesplitste besturen",
        "extra regio's waarover de scholen van een bestuur verdeeld zijn, opgeteld",
        "bestuur_split",
        "bestuur",
    ),
    Component(
        ("splits", "mbo"),
        "Gesplitste mbo-verzorgingsgebieden",
        "extra regio's over de scholen die dezelfde mbo-instelling bedient, opgeteld",
        "mbo_split",
        "mbo",
    ),
    Component(
        ("reference_moves",),
        "Verplaatst t.o.v. het referentieplan",
        "scholen niet in hun regio van het referentieplan",
        "reference_move",
        "reference_moves",
    ),
    Component(
        ("size_balance",),
        "Afwijking van de gemiddelde regiogrootte",
        "per regio |techniekleerlingen − gemiddelde| / gemiddelde, opgeteld",
        "size_balance",
        "size_balance",
    ),
)
"""The objective's parts, in the report's order (``splits.gemeente`` is ``gemeente_splits``)."""

STATUS_TEXT: Mapping[str, str] = {
    "OPTIMAL": "bewezen optimaal (binnen de gevraagde marge)",
    "FEASIBLE": "geldig plan, niet bewezen optimaal",
    "INTERRUPTED": "onderbroken: het beste plan tot dan",
    "INFEASIBLE": "geen geldig plan mogelijk",
    "UNKNOWN": "geen plan gevonden",
}
"""The solver's status -> what it means."""

PAIR_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("f1", "Overeenkomst (F1)", "percent"),
    ("precision", "Precisie", "percent"),
    ("recall", "Recall", "percent"),
    ("tp", "Paren terecht samen", "whole"),
    ("fp", "Paren onterecht samen", "whole"),
    ("fn", "Paren onterecht gescheiden", "whole"),
    ("whole_and_unmixed", "Regio's heel en ongemengd", "whole"),
)
"""``validate.PairScore`` (and friends) keys -> column label and format."""

GROUPS: Mapping[str, str] = {
    "rules": "Regels",
    "weights": "Gewichten in de doelfunctie",
    "commute": "Pendelmodel",
    "participation": "Welke scholen meedoen",
    "search": "Zoeken (rekentijd en technische instellingen)",
}
"""Parameter groups (nested mappings) -> heading."""

PARAMETERS: Mapping[str, str] = {
    # top level: propose, whatif, map
    "regions": "Aantal regio's",
    "locks": "Vastgezette scholen",
    "exclude": "Uitgesloten scholen",
    "reference": "Referentieplan",
    "max_moves": "Hoogstens verplaatsingen t.o.v. het referentieplan",
    "cp_sat_s": "Nationaal CP-SAT-model (s)",
    "plan": "Plan",
    "repair": "Reparatie gevraagd",
    "allow_dissolve": "Opheffen van een regio toegestaan",
    # rules
    "min_vmbo": "Minimum vmbo-scholen per regio",
    "min_technical_pupils": "Minimum techniekleerlingen lj 3-4 per regio",
    "max_technical_pupils": "Maximum techniekleerlingen lj 3-4 per regio",
    "mbo_reach_km": "Mbo-locatie binnen (km van een school)",
    "together_km": "Scholen dichter bij elkaar dan (km) in één regio",
    "together_hard": "Dat is een harde regel",
    "contiguous": "Regio's aaneengesloten",
    # weights
    "cut_pupils": "Per afgesneden pendelleerling",
    "compactness_km": "Per km tot penvoerder",
    "gemeente_split": "Per gesplitste gemeente",
    "reference_move": "Per verplaatsing t.o.v. het referentieplan",
    "labour_market_split": "Per gesplitste arbeidsmarktregio",
    "bestuur_split": "Per gesplitst bestuur",
    "mbo_split": "Per gesplitst mbo-verzorgingsgebied",
    "size_balance": "Per eenheid afwijking van de gemiddelde regiogrootte",
    # commute
    "decay_km": "Afstandsverval van de pendel (km)",
    "cutoff_km": "Maximale pendelafstand (km)",
    "min_edge_pupils": "Minimum leerlingen per verbinding",
    "neighbours": "Buren per school in het scholennetwerk",
    # participation
    "include_tl_only": "Scholen met alleen de theoretische leerweg",
    "include_pro": "Praktijkonderwijs",
    "include_vso": "Voortgezet speciaal onderwijs",
    "vakmanschapsroute_is_technical": "Vakmanschapsroute telt als techniek",
    # search
    "area_start_s": "Startplan per arbeidsmarktregio (s)",
    "area_solve_s": "Per deelgebied van het startplan (s)",
    "bound_s": "Kolomgeneratie voor de ondergrens (s)",
    "improve_s": "Verbeteren met vensters van regio's (s)",
    "branch_s": "Branch-and-price (s)",
    "cut_rounds": "Rondes met snedes",
    "all_regions_s": "Ondergrens over alle samenhangende regio's (s)",
    "deterministic": "Reproduceerbaar (tijd geteld in solverwerk)",
    "relative_gap": "Stoppen bij een marge van",
    "workers": "Rekenprocessen",
    "seed": "Startgetal van het toeval (seed)",
    "radius_km": "Straal rond de penvoerder (km, over het scholennetwerk)",
    "min_roots": "Minimum penvoerders per school",
    "contiguity": "Samenhang van een regio",
    "objective_scale": "Schaal van de doelfunctie",
    "exact_pricing_s": "Exacte prijsbepaling per penvoerder (s)",
    "round_budget_s": "Tijd per ronde kolomgeneratie (s)",
    "smoothing": "Demping van de duale prijzen",
    "box_width": "Breedte van het duale venster",
    "ip_every_s": "Geheeltallig plan zoeken elke (s)",
    "ip_time_s": "Tijd per geheeltallig plan (s)",
    "window_regions": "Regio's per venster",
    "window_schools": "Scholen per venster",
    "window_s": "Tijd per venster (s)",
    "national_every": "Landelijk plan na elke zoveel vensters",
    # map
    "eur_per_pupil": "Transitiegeld per leerling (€)",
    "config": "Instellingenbestand",
    "actual": "Huidige regio's uit",
    "status": "Status",
    "gap": "Marge tot de ondergrens",
    "shown_regions": "Getoonde regio's",
}
"""Parameter key -> Dutch label (keys are unique across the groups)."""

PERCENT_PARAMETERS = frozenset({"relative_gap", "gap"})
"""Parameters that are fractions, shown as percentages."""

VALUE_WORDS: Mapping[str, str] = {
    "connected": "samenhangend in het scholennetwerk",
    "hess": "via scholen dichter bij de penvoerder (Hess-volgorde)",
}
"""Setting values that are words -> Dutch."""
