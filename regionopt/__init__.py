"""regionopt: propose, check and map the regions of Sterk Techniekonderwijs.

Stages, one module each (see README "Architecture"):
``load`` (files -> validated frames) -> ``instance`` (frozen records) -> ``commute`` and
``graph`` (modelled commuting areas, school graph) -> ``solve`` (OR-Tools) -> ``check``
(the one rule checker) -> ``evaluate``/``budget``/``whatif``/``compare`` -> ``report`` and
``render`` (tables, maps). ``cli`` holds thin commands over these functions.
"""

__version__ = "0.1.0"
