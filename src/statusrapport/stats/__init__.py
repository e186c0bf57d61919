"""The statistics behind the report pages, one module per method.

- :mod:`.funnel`: funnel plots with exact limits and overdispersion (Spiegelhalter 2005;
  FunnelPlotR's φ and τ², limits never narrower than the exact ones);
- :mod:`.spc`: run charts with Anhøj's rules and Laney P′ charts (as qicharts2);
- :mod:`.seasonal`: seasonal pattern and seasonal adjustment (STL);
- :mod:`.models`: turnover model with facility-clustered errors (GEE), inspection-score trend,
  straight-line association;
- :mod:`.change`: year-over-year change of a pooled rate with a cluster-robust interval (CR2,
  t with G − 1 degrees of freedom), and of one facility's rate with a quasi-Poisson interval
  (dispersion estimated across facilities).

Everything here is a pure computation returning dataclasses or DataFrames. Results carry
numbers, not reader prose: the sentences for the pages are written in ``analysis``.
"""

from statusrapport.stats.change import (
    Change,
    Dispersion,
    change_dispersion,
    cluster_variance,
    facility_change,
    pooled_change,
)
from statusrapport.stats.funnel import (
    PLACERINGER,
    FunnelResult,
    Overdispersion,
    funnel_curve,
    funnel_limits,
    funnel_table,
    overdispersion,
)
from statusrapport.stats.models import (
    AssociationResult,
    GroupRatio,
    TrendResult,
    TurnoverModel,
    association,
    score_trend,
    turnover_gee,
)
from statusrapport.stats.seasonal import seasonal_amplitude, seasonal_by_month, seasonal_profile
from statusrapport.stats.spc import (
    AnhoejResult,
    ControlChart,
    anhoej_rules,
    chance_signal_rate,
    p_chart,
)

__all__ = [
    "PLACERINGER",
    "AnhoejResult",
    "AssociationResult",
    "Change",
    "ControlChart",
    "Dispersion",
    "FunnelResult",
    "GroupRatio",
    "Overdispersion",
    "TrendResult",
    "TurnoverModel",
    "anhoej_rules",
    "association",
    "chance_signal_rate",
    "change_dispersion",
    "cluster_variance",
    "facility_change",
    "funnel_curve",
    "funnel_limits",
    "funnel_table",
    "overdispersion",
    "p_chart",
    "pooled_change",
    "score_trend",
    "seasonal_amplitude",
    "seasonal_by_month",
    "seasonal_profile",
    "turnover_gee",
]
