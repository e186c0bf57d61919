"""Tests for statusrapport.stats: hand-computed values, statsmodels directly, and edge cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats as sps

from statusrapport import stats as st

Z95 = 1.959963984540054
Z998 = 3.090232306167813


# --- Funnel plots -------------------------------------------------------------------------------


@pytest.fixture
def four_units() -> pd.DataFrame:
    return pd.DataFrame(
        {"enhed": ["A", "B", "C", "D"], "k": [10, 30, 5, 55], "n": [100, 200, 100, 400]}
    )


def test_overdispersion_on_the_arcsine_scale_by_hand(four_units: pd.DataFrame) -> None:
    od = st.overdispersion(four_units["k"], four_units["n"], kind="proportion")
    theta = 0.125  # (10 + 30 + 5 + 55) / 800
    assert od.target == pytest.approx(theta)
    t = math.asin(math.sqrt(theta))
    rates, sizes = [0.10, 0.15, 0.05, 0.1375], [100, 200, 100, 400]
    z = [
        (math.asin(math.sqrt(p)) - t) * 2 * math.sqrt(n) for p, n in zip(rates, sizes, strict=True)
    ]
    assert od.z == pytest.approx(z)
    # Winsorise at 10 %/90 % (R type 7): sorted positions 0.3 and 2.7.
    zs = sorted(z)
    lo = zs[0] + 0.3 * (zs[1] - zs[0])
    hi = zs[2] + 0.7 * (zs[3] - zs[2])
    zw = [min(max(x, lo), hi) for x in z]
    phi = sum(x * x for x in zw) / 4
    assert od.phi == pytest.approx(phi)
    w = [4 * n for n in sizes]
    expected = max(0.0, (4 * phi - 3) / (sum(w) - sum(x * x for x in w) / sum(w)))
    assert od.tau2 == pytest.approx(expected)
    # FunnelPlotR widens the limits only when φ > 1 (and τ² > 0, i.e. nφ > n − 1).
    assert od.adjusted == (phi > 1 and 4 * phi > 3)


def test_tau2_is_added_when_phi_exceeds_1_without_a_significance_test() -> None:
    # z = ±1.1 on the arcsine scale: nφ = 10·1.21 = 12.1 > n − 1 = 9, while a χ² test
    # (p ≈ 0.28) would not have adjusted the limits.

    den = np.full(10, 2000.0)
    t = math.asin(math.sqrt(0.06))
    z = np.tile([1.1, -1.1], 5)
    num = np.sin(t + z / (2 * np.sqrt(den))) ** 2 * den
    od = st.overdispersion(num, den, kind="proportion", target=0.06)
    assert od.z == pytest.approx(z)
    assert 10 * od.phi == pytest.approx(12.1)
    assert sps.chi2.sf(12.1, 10) > 0.05
    w = 4 * den
    assert od.tau2 == pytest.approx((12.1 - 9) / (w.sum() - (w**2).sum() / w.sum()))
    assert od.adjusted


def _exact_by_hand(pmf, p: float, n: float) -> float:
    """Spiegelhalter's interpolated quantile from a pmf, summed with plain Python."""
    cdf, r = 0.0, 0
    while True:
        below = cdf
        cdf += pmf(r)
        if cdf >= p:
            alpha = (cdf - p) / (cdf - below)
            return max(r - alpha, 0.0) / n
        r += 1


@pytest.mark.parametrize(("size", "theta"), [(23, 0.21), (8, 0.3), (150, 0.18)])
def test_exact_poisson_limits_match_hand_summed_quantiles(size: float, theta: float) -> None:
    mu = size * theta
    pmf = lambda r: math.exp(-mu) * mu**r / math.factorial(r)  # noqa: E731
    lim = st.funnel_limits(theta, [size], kind="rate")
    for column, p in (
        ("upper_998", 0.999),
        ("lower_998", 0.001),
        ("upper_95", 0.975),
        ("lower_95", 0.025),
    ):
        assert lim[column].iloc[0] == pytest.approx(_exact_by_hand(pmf, p, size), abs=1e-9)
    # The normal approximation is far too narrow at 23 staff (issue 10: 50,5 % vs exact).
    if size == 23:
        normal = theta + Z998 * math.sqrt(theta / size)
        assert lim["upper_998"].iloc[0] > normal + 0.02


@pytest.mark.parametrize(("size", "theta"), [(40, 0.06), (500, 0.062), (12, 0.5)])
def test_exact_binomial_limits_match_hand_summed_quantiles(size: int, theta: float) -> None:
    pmf = lambda r: math.comb(size, r) * theta**r * (1 - theta) ** (size - r)  # noqa: E731
    lim = st.funnel_limits(theta, [size], kind="proportion")
    assert lim["upper_998"].iloc[0] == pytest.approx(_exact_by_hand(pmf, 0.999, size), abs=1e-9)
    assert lim["lower_95"].iloc[0] == pytest.approx(_exact_by_hand(pmf, 0.025, size), abs=1e-9)


def test_additive_limits_on_the_transformed_scale_by_hand() -> None:
    tau2 = 0.002
    prop = st.funnel_limits(0.06, [1000], kind="proportion", tau2=tau2)
    sd = math.sqrt(1 / 4000 + tau2)
    t = math.asin(math.sqrt(0.06))
    assert prop["upper_95"].iloc[0] == pytest.approx(math.sin(t + Z95 * sd) ** 2)
    assert prop["lower_998"].iloc[0] == pytest.approx(math.sin(max(t - Z998 * sd, 0)) ** 2)
    rate = st.funnel_limits(0.2, [30], kind="rate", tau2=0.02)
    sd = math.sqrt(1 / 120 + 0.02)
    assert rate["upper_998"].iloc[0] == pytest.approx((math.sqrt(0.2) + Z998 * sd) ** 2)
    assert rate["lower_998"].iloc[0] == 0.0  # sqrt(0.2) − 3.09·sd < 0: no lower limit


def test_overdispersed_funnel_is_widened_and_counts_units_outside() -> None:
    den = np.array([2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000, 12000], float)
    rates = np.array([0.03, 0.08, 0.05, 0.07, 0.04, 0.06, 0.09, 0.045, 0.065, 0.055])
    df = pd.DataFrame({"tilbud": [f"T{i}" for i in range(10)], "dage": rates * den, "mulige": den})
    result = st.funnel_table(df, "dage", "mulige", label="tilbud", kind="proportion")
    assert result.adjusted and result.tau2 > 0
    table = result.table
    exact = st.funnel_limits(result.target, den, kind="proportion")
    assert (table["upper_998"] > exact["upper_998"]).all()
    # Unadjusted, half the units would be outside 99.8 %; adjusted, none are.
    assert (np.abs(table["z_unadjusted"]) > Z998).sum() == 5
    assert result.counts()["over_998"] == 0 and result.counts()["under_998"] == 0
    counts = result.counts()
    assert counts["over_95"] == int((table["rate"] > table["upper_95"]).sum())


def test_phi_at_most_1_keeps_the_exact_limits_although_n_phi_exceeds_n_minus_1() -> None:
    # z = ±0.97: φ = 0.9409 ≤ 1 but nφ = 9.409 > n − 1 = 9, so tau_func gives τ² > 0;
    # FunnelPlotR's funnel_plot then sets draw_adjusted = FALSE (R/funnel_plot.R, phi <= 1).
    den = np.full(10, 2000.0)
    t = math.asin(math.sqrt(0.06))
    z = np.tile([0.97, -0.97], 5)
    num = np.sin(t + z / (2 * np.sqrt(den))) ** 2 * den
    df = pd.DataFrame({"u": [f"U{i}" for i in range(10)], "k": num, "n": den})
    result = st.funnel_table(df, "k", "n", label="u", kind="proportion", target=0.06)
    od = result.overdispersion
    assert od.phi == pytest.approx(0.9409) and od.tau2 > 0
    assert not od.adjusted and not result.adjusted and result.tau2 == 0.0
    exact = st.funnel_limits(0.06, den, kind="proportion")
    assert result.table["lower_95"].to_numpy() == pytest.approx(exact["lower_95"].to_numpy())
    assert result.table["z"].to_numpy() == pytest.approx(z)


def test_adjusted_limits_are_never_narrower_than_the_exact_limits() -> None:
    # Issue 21: turnover 18 %, 10 staff: the exact 95 % lower limit is 0 (no leavers is 17 %
    # likely), the additive one 0.013 at a tiny τ² and still 0.003 at τ² = 0.01.
    exact = st.funnel_limits(0.18, [10], kind="rate")
    assert exact["lower_95"].iloc[0] == 0.0
    assert math.exp(-1.8) == pytest.approx(0.165, abs=1e-3)
    for tau2 in (1e-6, 0.01):
        sd = math.sqrt(1 / 40 + tau2)
        additive = (math.sqrt(0.18) - Z95 * sd) ** 2
        assert additive > 0.002  # the normal approximation alone would call 0 leavers low
        lim = st.funnel_limits(0.18, [10], kind="rate", tau2=tau2)
        assert lim["lower_95"].iloc[0] == 0.0
    # At 23 staff no leavers (1.6 % likely) is inside the exact 99.8 % limits: it stays inside.
    lim23 = st.funnel_limits(0.18, [23], kind="rate", tau2=1e-4)
    assert lim23["lower_998"].iloc[0] == 0.0
    # Everywhere: lower ≤ exact lower, upper ≥ exact upper, and = additive where that is wider.
    sizes = np.array([3, 5, 8, 10, 15, 23, 40, 80, 150, 400, 2000, 20000], float)
    for kind, target in (("rate", 0.18), ("proportion", 0.06), ("proportion", 0.5)):
        ex = st.funnel_limits(target, sizes, kind=kind)  # type: ignore[arg-type]
        for tau2 in (1e-5, 1e-3, 0.01, 0.1):
            adj = st.funnel_limits(target, sizes, kind=kind, tau2=tau2)  # type: ignore[arg-type]
            for col in ("lower_95", "lower_998"):
                assert (adj[col] <= ex[col] + 1e-15).all()
            for col in ("upper_95", "upper_998"):
                assert (adj[col] >= ex[col] - 1e-15).all()
    big = st.funnel_limits(0.06, [20000], kind="proportion", tau2=0.01)
    sd = math.sqrt(1 / 80000 + 0.01)
    t = math.asin(math.sqrt(0.06))
    assert big["upper_95"].iloc[0] == pytest.approx(math.sin(t + Z95 * sd) ** 2)


def test_a_facility_with_no_leavers_is_not_placed_below_by_the_adjustment() -> None:
    # 11 facilities of 10–12 staff with mild overdispersion; one has no leavers.
    staff = np.array([10.0, 12, 11, 10, 12, 11, 10, 12, 11, 10, 12])
    leavers = np.array([0.0, 6, 1, 4, 2, 5, 1, 3, 2, 4, 1])
    df = pd.DataFrame({"u": [f"U{i}" for i in range(11)], "k": leavers, "n": staff})
    result = st.funnel_table(df, "k", "n", label="u", kind="rate")
    assert result.adjusted
    assert result.table["placering"].iloc[0] == "inden for grænserne"


def test_n_outside_exact_counts_with_the_exact_limits_not_a_normal_cut_off() -> None:
    # Small counts: the normal z on the root scale and the exact Poisson limits disagree.
    staff = np.array([6.0, 8, 10, 12, 15, 20, 25, 30, 40, 60])
    leavers = np.array([5.0, 0, 8, 1, 0, 9, 2, 12, 3, 20])
    df = pd.DataFrame({"u": [f"U{i}" for i in range(10)], "k": leavers, "n": staff})
    result = st.funnel_table(df, "k", "n", label="u", kind="rate")
    exact = st.funnel_limits(result.target, staff, kind="rate")
    rate = leavers / staff
    by_hand = int(((rate > exact["upper_998"]) | (rate < exact["lower_998"])).sum())
    assert result.n_outside_exact(0.998) == by_hand
    normal = int((np.abs(result.overdispersion.z) > Z998).sum())
    assert normal != by_hand  # the old count would have been wrong here


def test_funnel_not_overdispersed_uses_exact_limits(four_units: pd.DataFrame) -> None:
    result = st.funnel_table(four_units, "k", "n", label="enhed", kind="proportion")
    if not result.adjusted:
        exact = st.funnel_limits(result.target, four_units["n"], kind="proportion")
        assert result.table["upper_95"].to_numpy() == pytest.approx(exact["upper_95"].to_numpy())
    assert list(result.table.columns[:3]) == ["enhed", "k", "n"]


def test_placering_matches_drawn_limits() -> None:
    df = pd.DataFrame({"u": list("ABCDE"), "k": [0, 2, 9, 20, 40], "n": [10, 50, 60, 80, 100]})
    table = st.funnel_table(df, "k", "n", label="u", kind="proportion").table
    for _, row in table.iterrows():
        if row["rate"] > row["upper_998"]:
            assert row["placering"] == "over 99,8 %-grænsen"
        elif row["rate"] > row["upper_95"]:
            assert row["placering"] == "over 95 %-grænsen"
        elif row["rate"] < row["lower_998"]:
            assert row["placering"] == "under 99,8 %-grænsen"
        elif row["rate"] < row["lower_95"]:
            assert row["placering"] == "under 95 %-grænsen"
        else:
            assert row["placering"] == "inden for grænserne"


def test_zero_denominator_is_rejected_naming_the_unit() -> None:
    df = pd.DataFrame({"u": ["Solsikken", "Lærken"], "k": [3, 1], "n": [40, 0]})
    with pytest.raises(ValueError, match="Lærken"):
        st.funnel_table(df, "k", "n", label="u", kind="proportion")
    with pytest.raises(ValueError, match="større end nævneren"):
        st.overdispersion([5], [4], kind="proportion", labels=["X"])


def test_all_values_equal_and_too_few_units() -> None:
    od = st.overdispersion([5, 10, 20, 40], [50, 100, 200, 400], kind="rate")
    assert od.target == pytest.approx(0.1)
    assert od.z == pytest.approx([0, 0, 0, 0])
    assert od.phi == 0.0 and od.tau2 == 0.0
    two = st.overdispersion([1, 90], [100, 100], kind="proportion")
    assert two.tau2 == 0.0 and not two.adjusted


def test_funnel_curve_grid() -> None:
    curve = st.funnel_curve(0.06, 10000, kind="proportion", tau2=1e-3, n_points=50)
    assert len(curve) == 50
    assert curve["size"].iloc[-1] == pytest.approx(10000)
    assert curve["size"].is_monotonic_increasing
    assert curve["upper_95"].is_monotonic_decreasing
    # Never narrower than the τ² floor on the arcsine scale.
    t = math.asin(math.sqrt(0.06))
    assert curve["upper_95"].iloc[-1] > math.sin(t + Z95 * math.sqrt(1e-3)) ** 2


# --- Anhøj's rules ------------------------------------------------------------------------------


def _qbinom_05(trials: int) -> int:
    """qbinom(0.05, trials, 0.5) by summing the binomial pmf, independent of scipy."""
    cum = 0.0
    for k in range(trials + 1):
        cum += math.comb(trials, k) / 2**trials
        if cum >= 0.05:
            return k
    return trials


@pytest.mark.parametrize(
    ("n", "run_max", "cross_min"),
    [(10, 6, 2), (12, 7, 3), (20, 7, 6), (24, 8, 8), (30, 8, 10)],
)
def test_anhoej_limits_published_table(n: int, run_max: int, cross_min: int) -> None:
    # Anhøj & Olesen (2014) table 1; note n = 10 gives 2 crossings (qbinom(0.05, 9, 0.5)).
    assert _qbinom_05(n - 1) == cross_min
    values = np.tile([1.0, 2.0], n // 2)  # alternating around the median: no signal
    res = st.anhoej_rules(values)
    assert res.n_useful == n
    assert res.longest_run_max == run_max
    assert res.n_crossings_min == cross_min
    assert res.n_crossings == n - 1
    assert res.longest_run == 1
    assert not res.signal


def test_anhoej_hand_counted_trend() -> None:
    res = st.anhoej_rules([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    # median 5.5: − − − − − + + + + +: longest run 5 ≤ 6, 1 crossing < 2.
    assert res.centre == 5.5
    assert (res.longest_run, res.n_crossings) == (5, 1)
    assert not res.runs_signal
    assert res.crossings_signal
    assert res.signal


def test_anhoej_long_run_with_given_centre() -> None:
    values = [6, 7, 8, 9, 6, 7, 8, 9, 6, 1, 2, 3]
    res = st.anhoej_rules(values, centre=5)
    # 9 above then 3 below: longest 9 > round(log2 12) + 3 = 7; 1 crossing < 3.
    assert (res.n_useful, res.longest_run, res.longest_run_max) == (12, 9, 7)
    assert res.runs_signal and res.crossings_signal


def test_anhoej_points_on_centre_and_nans_are_dropped() -> None:
    res = st.anhoej_rules([1, 3, np.nan, 2, 3, 5, 3, 4], centre=3)
    # Without NaN and the 3s: 1 2 5 4 → − − + +
    assert res.n_obs == 7
    assert res.n_useful == 4
    assert (res.longest_run, res.n_crossings) == (2, 1)
    # Median of the non-missing values is used when no centre is given.
    assert st.anhoej_rules([1, np.nan, 3, 2]).centre == 2.0


def test_anhoej_all_equal_has_no_signal() -> None:
    res = st.anhoej_rules([4.0, 4.0, 4.0, 4.0])
    assert res.n_useful == 0
    assert res.longest_run is None
    assert not res.signal


# --- Control charts -----------------------------------------------------------------------------


def test_p_chart_by_hand() -> None:
    result = st.p_chart([5, 10, 20, 30], [100, 100, 200, 100])
    chart = result.table
    pbar = 65 / 500  # 0.13
    s100 = math.sqrt(pbar * (1 - pbar) / 100)
    s200 = math.sqrt(pbar * (1 - pbar) / 200)
    assert chart["centre"].iloc[0] == pytest.approx(0.13)
    assert chart["ucl"].tolist() == pytest.approx(
        [pbar + 3 * s100, pbar + 3 * s100, pbar + 3 * s200, pbar + 3 * s100]
    )
    assert chart["lcl"].iloc[0] == pytest.approx(max(0.0, pbar - 3 * s100))
    # 0.30 > 0.13 + 3·0.03363 = 0.2309: signal; 0.05 > lcl 0.0291: no signal.
    assert chart["signal"].tolist() == [False, False, False, True]
    assert isinstance(result.anhoej, st.AnhoejResult)
    assert result.sigma_z == 1.0 and not result.laney


def test_p_chart_laney_by_hand() -> None:
    result = st.p_chart([5, 10, 20, 30], [100, 100, 200, 100], laney=True)
    chart = result.table
    pbar = 0.13
    s = [math.sqrt(pbar * (1 - pbar) / n) for n in (100, 100, 200, 100)]
    z = [(p - pbar) / si for p, si in zip([0.05, 0.10, 0.10, 0.30], s, strict=True)]
    mr = [abs(z[1] - z[0]), abs(z[2] - z[1]), abs(z[3] - z[2])]
    sigma_z = sum(mr) / 3 / 1.128
    assert result.sigma_z == pytest.approx(sigma_z)
    assert chart["ucl"].iloc[2] == pytest.approx(pbar + 3 * s[2] * sigma_z)
    # Wider limits: the 0.30 month is no longer a signal.
    assert sigma_z > 1
    assert not chart["signal"].any()


def test_p_chart_laney_moving_ranges_do_not_bridge_a_missing_month() -> None:
    num = np.array([10.0, 30, 12, np.nan, 25, 11, 28])
    den = np.full(7, 100.0)
    chart = st.p_chart(num, den, laney=True)
    ok = ~np.isnan(num)
    pbar = num[ok].sum() / den[ok].sum()
    z = (num / den - pbar) / math.sqrt(pbar * (1 - pbar) / 100)
    # Ranges (1,2), (2,3), (5,6), (6,7): the two next to the gap are dropped, none spans it.
    mr = [abs(z[1] - z[0]), abs(z[2] - z[1]), abs(z[5] - z[4]), abs(z[6] - z[5])]
    assert chart.sigma_z == pytest.approx(sum(mr) / 4 / 1.128)
    assert np.isnan(chart.table["ucl"].iloc[3]) or not chart.table["signal"].iloc[3]


def test_control_chart_rejects_zero_denominator() -> None:
    with pytest.raises(ValueError, match="2024-02"):
        st.p_chart(
            pd.Series([1, 2], index=["2024-01", "2024-02"]),
            pd.Series([10, 0], index=["2024-01", "2024-02"]),
        )


# --- Turnover GEE -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def turnover() -> pd.DataFrame:
    rng = np.random.default_rng(20250601)
    groups = ["socialpsykiatri", "autisme", "hjerneskade", "synshandicap"]
    rows = []
    for i in range(36):
        grp = groups[i % 4]
        staff = rng.uniform(25, 120)
        facility = rng.gamma(6, 1 / 6)  # a facility's own level, shared by its years
        for year in range(2019, 2025):
            mu = staff * 0.22 * {"socialpsykiatri": 1.0, "autisme": 1.3}.get(grp, 0.9)
            mu *= 0.92 ** (year - 2019)  # true rate ratio per year: 0.92
            mu *= facility * rng.gamma(8, 1 / 8)  # clustering and overdispersion
            rows.append(
                {
                    "tilbud_id": f"T{i:02d}",
                    "maalgruppe": grp,
                    "aar": year,
                    "gns_ansatte": staff,
                    "fratraadte": rng.poisson(mu),
                }
            )
    return pd.DataFrame(rows)


def test_turnover_gee_matches_statsmodels_gee_for_each_group(turnover: pd.DataFrame) -> None:
    model = st.turnover_gee(turnover)
    assert model.converged
    assert [g.group for g in model.groups] == sorted(turnover["maalgruppe"].unique())
    data = turnover.assign(aar_c=turnover["aar"] - 2019)
    raw_p = []
    for g in model.groups:
        data["er_gruppe"] = (data["maalgruppe"] == g.group).astype(float)
        direct = smf.gee(
            "fratraadte ~ er_gruppe + aar_c",
            groups="tilbud_id",
            data=data,
            family=sm.families.Poisson(),
            cov_struct=sm.cov_struct.Exchangeable(),
            offset=np.log(data["gns_ansatte"]),
        ).fit()
        ci = direct.conf_int().loc["er_gruppe"]
        assert g.ratio == pytest.approx(math.exp(direct.params["er_gruppe"]), rel=1e-6)
        assert (g.ci_low, g.ci_high) == pytest.approx((math.exp(ci[0]), math.exp(ci[1])), rel=1e-6)
        assert g.n_facilities == 9
        raw_p.append(direct.pvalues["er_gruppe"])
    # Holm by hand: sort, multiply by (m − rank), running maximum, cap at 1.
    order = np.argsort(raw_p)
    holm = np.empty(4)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (4 - rank) * raw_p[i]))
        holm[i] = running
    assert [g.p_holm for g in model.groups] == pytest.approx(list(holm))
    assert 0.85 < model.year_ratio < 0.99  # true ratio 0.92 per year
    assert model.dispersion > 1.5  # simulated extra-Poisson spread is detected
    assert 0 < model.icc < 1


def test_clustered_interval_is_wider_than_the_naive_glm(turnover: pd.DataFrame) -> None:
    model = st.turnover_gee(turnover)
    data = turnover.assign(aar_c=turnover["aar"] - 2019, er=lambda f: f["maalgruppe"] == "autisme")
    naive = smf.glm(
        "fratraadte ~ er + aar_c",
        data=data.assign(er=data["er"].astype(float)),
        family=sm.families.Poisson(),
        offset=np.log(data["gns_ansatte"]),
    ).fit()
    low, high = np.exp(naive.conf_int().loc["er"])
    autisme = next(g for g in model.groups if g.group == "autisme")
    assert autisme.ci_high / autisme.ci_low > high / low


def test_turnover_gee_rejects_missing_columns(turnover: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="gns_ansatte"):
        st.turnover_gee(turnover.drop(columns="gns_ansatte"))


# --- Score trend --------------------------------------------------------------------------------


def _scores(facility_sd: float, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    effect = {"A": 0.0, "B": 0.2, "C": -0.1}
    rows = []
    for f in range(20):
        u = rng.normal(0, facility_sd)
        for year in range(2019, 2025):
            for tema, eff in effect.items():
                rows.append(
                    {
                        "tilbud_id": f"T{f}",
                        "aar": year,
                        "tema": tema,
                        "score": 3.8 + u + eff + 0.05 * (year - 2019) + rng.normal(0, 0.3),
                    }
                )
    return pd.DataFrame(rows)


def test_score_trend_matches_mixedlm_and_recovers_slope() -> None:
    df = _scores(0.3)
    res = st.score_trend(df)
    direct = smf.mixedlm(
        "score ~ aar_c + C(tema)", df.assign(aar_c=df["aar"] - 2019), groups=df["tilbud_id"]
    ).fit(reml=True)
    assert res.converged and res.model == "mixedlm" and res.fallback_reason is None
    assert res.theme_adjusted and not res.inspection_level
    assert res.slope == pytest.approx(direct.params["aar_c"])
    assert res.ci_low < 0.05 < res.ci_high
    assert (res.n_groups, res.n_obs) == (20, 360)


def test_score_trend_with_an_inspection_variance_component_matches_statsmodels() -> None:
    # One inspection per facility and year whose shared inspector effect moves all its themes.
    df = _scores(0.3)
    rng = np.random.default_rng(3)
    shock = {
        (f, y): rng.normal(0, 0.25) for f in df["tilbud_id"].unique() for y in range(2019, 2025)
    }
    df["score"] += [shock[(f, y)] for f, y in zip(df["tilbud_id"], df["aar"], strict=True)]
    df["tilsyn"] = df["tilbud_id"] + "/" + df["aar"].astype(str)
    res = st.score_trend(df, inspection="tilsyn")
    data = df.assign(aar_c=df["aar"] - 2019)
    direct = smf.mixedlm(
        "score ~ aar_c + C(tema)",
        data,
        groups=data["tilbud_id"],
        re_formula="1",
        vc_formula={"tilsyn": "0 + C(tilsyn)"},
    ).fit(reml=True)
    assert res.converged and res.inspection_level
    assert res.slope == pytest.approx(direct.params["aar_c"], rel=1e-6)
    ci = direct.conf_int().loc["aar_c"]
    assert (res.ci_low, res.ci_high) == pytest.approx((ci[0], ci[1]), rel=1e-6)
    # Ignoring the inspection level gives a falsely narrow interval.
    naive = st.score_trend(df)
    assert res.ci_high - res.ci_low > naive.ci_high - naive.ci_low


def test_score_trend_falls_back_to_cluster_ols_when_singular() -> None:
    # Every facility has the same scores: between-facility variance is exactly 0.
    pattern = [0.1, -0.1, 0.05, -0.05, 0.0, 0.0]
    rows = [
        {"tilbud_id": f"T{f}", "aar": 2019 + j, "tema": "A", "score": 3.5 + 0.1 * j + e}
        for f in range(8)
        for j, e in enumerate(pattern)
    ]
    df = pd.DataFrame(rows)
    res = st.score_trend(df)
    assert not res.converged
    assert res.model == "cluster_ols"
    assert res.fallback_reason in ("boundary", "zero_facility_variance")  # statsmodels warns first
    assert not res.theme_adjusted  # one theme only
    direct = smf.ols("score ~ aar_c", df.assign(aar_c=df["aar"] - 2019)).fit()
    assert res.slope == pytest.approx(direct.params["aar_c"])


# --- Seasonal profile ---------------------------------------------------------------------------


def _monthly(n: int) -> pd.Series:
    t = np.arange(n)
    values = 5 + 0.02 * t + 2 * np.sin(2 * np.pi * (t + 1) / 12)
    return pd.Series(values, index=pd.date_range("2021-01-01", periods=n, freq="MS"))


def test_seasonal_profile_recovers_amplitude() -> None:
    monthly = _monthly(48)
    prof = st.seasonal_profile(monthly)
    assert list(prof.columns) == ["observed", "trend", "seasonal", "resid"]
    total = prof["trend"] + prof["seasonal"] + prof["resid"]
    assert total.to_numpy() == pytest.approx(prof["observed"].to_numpy())
    # Season 2·sin: peak in March (+2), trough in September (−2), amplitude 4.
    by_month = st.seasonal_by_month(prof)
    assert by_month.idxmax() == 3 and by_month.idxmin() == 9
    assert st.seasonal_amplitude(prof) == pytest.approx(4.0, abs=0.3)
    # A PeriodIndex works the same.
    as_period = monthly.copy()
    as_period.index = as_period.index.to_period("M")
    assert st.seasonal_amplitude(as_period) == pytest.approx(st.seasonal_amplitude(monthly))


def test_seasonal_profile_needs_24_months_without_gaps() -> None:
    with pytest.raises(ValueError, match="mindst 24 måneder"):
        st.seasonal_profile(_monthly(23))
    gappy = _monthly(30).drop(pd.Timestamp("2022-03-01"))
    with pytest.raises(ValueError, match="2022-03"):
        st.seasonal_profile(gappy)


# --- Association --------------------------------------------------------------------------------


def test_association_by_hand() -> None:
    res = st.association([1, 2, 3, 4, 5, np.nan], [2, 4, 5, 4, 5, 7])
    # x̄ = 3, ȳ = 4, Sxy = 6, Sxx = 10, Syy = 6
    assert res.n == 5
    assert res.slope == pytest.approx(0.6)
    assert res.intercept == pytest.approx(2.2)
    assert res.r == pytest.approx(6 / math.sqrt(60))
    assert res.r2 == pytest.approx(0.6)
    # SSE = Syy − b·Sxy = 2.4; s² = 0.8; se(b) = sqrt(0.8/10); t(0.975, 3) = 3.182446
    half = 3.182446305 * math.sqrt(0.08)
    assert (res.ci_low, res.ci_high) == pytest.approx((0.6 - half, 0.6 + half))
    band = res.prediction([3.0, 5.0])
    assert band["mean"].tolist() == pytest.approx([4.0, 5.2])
    # At x̄ the band's half-width is t·sqrt(s²/n) = 3.182446·0.4
    assert band.loc[0, "ci_high"] - 4.0 == pytest.approx(3.182446305 * 0.4)


def test_association_rejects_too_few_pairs_or_constant_x() -> None:
    with pytest.raises(ValueError, match="mindst 3"):
        st.association([1, 2, np.nan], [1, np.nan, 3])
    with pytest.raises(ValueError, match="samme værdi"):
        st.association([2, 2, 2, 2], [1, 2, 3, 4])


# --- Small helpers ------------------------------------------------------------------------------


# --- Year-over-year change: cluster-robust CR2 interval with t(G − 1) ------------------------


CHANGE_EXAMPLE = (
    np.array([10.0, 20, 5, 40, 12, 8]),
    np.array([100.0, 300, 90, 500, 150, 100]),
    np.array([12.0, 18, 9, 35, 15, 6]),
    np.array([110.0, 280, 100, 520, 140, 90]),
)


def test_pooled_change_cr0_equals_statsmodels_cluster_sandwich() -> None:
    # WLS of the rate on one indicator per year, weights = denominators, clustered by facility:
    # the coefficients are the pooled rates and the uncorrected sandwich is CR0.
    nb, db, na, da = CHANGE_EXAMPLE
    rate = np.concatenate([nb / db, na / da])
    design = np.column_stack([np.r_[np.ones(6), np.zeros(6)], np.r_[np.zeros(6), np.ones(6)]])
    groups = np.tile(np.arange(6), 2)
    fit = sm.WLS(rate, design, weights=np.concatenate([db, da])).fit(
        cov_type="cluster", cov_kwds={"groups": groups, "use_correction": False}
    )
    contrast = np.array([-1.0, 1.0])
    assert fit.params @ contrast == pytest.approx(na.sum() / da.sum() - nb.sum() / db.sum())
    v_sm = float(contrast @ fit.cov_params() @ contrast)
    assert st.cluster_variance(nb, db, na, da, kind="CR0") == pytest.approx(v_sm, rel=1e-10)


def test_cr2_matches_the_general_bell_mccaffrey_matrix_formula() -> None:
    # CR2 for WLS (Bell & McCaffrey 2002; Pustejovsky & Tipton 2018): for cluster i,
    # A_i = (I − H_ii)^(−1/2), H_ii = X_i (X'WX)^(−1) X_i' W_i,
    # V = B Σ X_i'W_i A_i u_i u_i'A_i'W_i X_i B with B = (X'WX)^(−1).
    from scipy.linalg import sqrtm

    nb, db, na, da = CHANGE_EXAMPLE
    g = len(nb)
    x = np.column_stack([np.r_[np.ones(g), np.zeros(g)], np.r_[np.zeros(g), np.ones(g)]])
    w = np.concatenate([db, da])
    y = np.concatenate([nb / db, na / da])
    bread = np.linalg.inv(x.T @ (w[:, None] * x))
    beta = bread @ x.T @ (w * y)
    u = y - x @ beta
    meat = np.zeros((2, 2))
    for i in range(g):
        rows = [i, g + i]
        xi, wi, ui = x[rows], np.diag(w[rows]), u[rows]
        hii = xi @ bread @ xi.T @ wi
        ai = np.real(np.linalg.inv(sqrtm(np.eye(2) - hii)))
        score = xi.T @ wi @ ai @ ui
        meat += np.outer(score, score)
    v = bread @ meat @ bread
    contrast = np.array([-1.0, 1.0])
    expected = float(contrast @ v @ contrast)
    assert st.cluster_variance(nb, db, na, da) == pytest.approx(expected, rel=1e-10)


def test_pooled_change_interval_by_hand() -> None:
    nb, db, na, da = CHANGE_EXAMPLE
    r0, r1 = sum(nb) / sum(db), sum(na) / sum(da)
    n0, n1 = sum(db), sum(da)
    v = 0.0
    for y0, m0, y1, m1 in zip(nb, db, na, da, strict=True):
        e0 = (y0 - m0 * r0) / n0 / math.sqrt(1 - m0 / n0)
        e1 = (y1 - m1 * r1) / n1 / math.sqrt(1 - m1 / n1)
        v += (e1 - e0) ** 2
    t5 = 2.570581835636314  # qt(0.975, 5)
    ch = st.pooled_change(nb, db, na, da)
    assert ch.change_pp == pytest.approx((r1 - r0) * 100)
    assert ch.ci_low_pp == pytest.approx((r1 - r0 - t5 * math.sqrt(v)) * 100)
    assert ch.ci_high_pp == pytest.approx((r1 - r0 + t5 * math.sqrt(v)) * 100)
    assert (ch.n_clusters, ch.df, ch.method) == (6, 5, "cluster_robust")


def test_pooled_change_is_deterministic_order_free_and_refuses_too_few_clusters() -> None:
    nb, db, na, da = CHANGE_EXAMPLE
    ch = st.pooled_change(nb, db, na, da)
    order = [3, 0, 5, 1, 4, 2]
    again = st.pooled_change(nb[order], db[order], na[order], da[order])
    assert again.ci_low_pp == pytest.approx(ch.ci_low_pp) and again == st.pooled_change(
        *CHANGE_EXAMPLE
    )
    few = st.pooled_change([1.0, 2, 3, 4], [10.0] * 4, [3.0, 2, 1, 1], [10.0] * 4)
    assert few.ci_low_pp is None and not few.has_ci and not few.excludes_zero
    assert few.n_clusters == 4
    # A facility with no denominator in either year is not a cluster.
    padded = st.pooled_change([*nb, 0.0], [*db, 0.0], [*na, 0.0], [*da, 0.0])
    assert padded.n_clusters == 6 and padded.ci_low_pp == pytest.approx(ch.ci_low_pp)
    with pytest.raises(ValueError, match="samme længde"):
        st.pooled_change([1.0], [1.0, 2.0], [1.0], [1.0])


def test_pooled_change_pairs_the_years_within_a_facility() -> None:
    """A uniform rise in every facility is certain even when facilities differ hugely."""
    rng = np.random.default_rng(0)
    den = rng.uniform(1000, 5000, 30)
    level = rng.uniform(0.02, 0.12, 30)  # big between-facility spread
    ch = st.pooled_change(level * den, den, (level + 0.005) * den, den)
    assert ch.change_pp == pytest.approx(0.5)
    assert ch.excludes_zero
    assert ch.ci_low_pp == pytest.approx(0.5) and ch.ci_high_pp == pytest.approx(0.5)


def _coverage(g: int, rng: np.random.Generator, *, runs: int, small: bool) -> tuple[float, float]:
    """Share of 95 % intervals (CR2 with t(G−1), and the plain CR1 with z) covering the truth.

    No true change: facility levels λ_i log-normal (sd 0.6 on the log scale), counts Poisson
    with the same λ_i both years; sizes log-normal and a little different between the years.
    The truth is Σ n_i1 λ_i / N₁ − Σ n_i0 λ_i / N₀ (the pooled rates' expectations).
    """
    if small:  # turnover: 5–120 staff, 18 %
        n0 = np.clip(np.round(np.exp(rng.normal(np.log(25), 0.6, (runs, g)))), 5, 120)
        base = 0.18
    else:  # absence: thousands of working days, 6 %
        n0 = np.round(np.exp(rng.normal(np.log(4000), 0.6, (runs, g))))
        base = 0.06
    n1 = np.maximum(np.round(n0 * np.exp(rng.normal(0.0, 0.1, (runs, g)))), 1.0)
    lam = base * np.exp(rng.normal(-0.18, 0.6, (runs, g)))
    y0, y1 = rng.poisson(n0 * lam), rng.poisson(n1 * lam)
    big0, big1 = n0.sum(1, keepdims=True), n1.sum(1, keepdims=True)
    truth = (n1 * lam).sum(1) / big1[:, 0] - (n0 * lam).sum(1) / big0[:, 0]
    r0, r1 = y0.sum(1, keepdims=True) / big0, y1.sum(1, keepdims=True) / big1
    e0, e1 = (y0 - n0 * r0) / big0, (y1 - n1 * r1) / big1
    v_cr2 = ((e1 / np.sqrt(1 - n1 / big1) - e0 / np.sqrt(1 - n0 / big0)) ** 2).sum(1)
    v_cr1 = ((e1 - e0) ** 2).sum(1) * g / (g - 1)
    diff = (r1 - r0)[:, 0]
    # The simulation's own arithmetic must be the function's: check a few runs against it.
    t = float(sps.t.ppf(0.975, g - 1))
    for k in range(3):
        ch = st.pooled_change(y0[k], n0[k], y1[k], n1[k])
        assert ch.ci_low_pp is not None and ch.ci_high_pp is not None
        width = 2 * t * float(np.sqrt(v_cr2[k])) * 100
        assert ch.ci_high_pp - ch.ci_low_pp == pytest.approx(width)
    cover = float(np.mean(np.abs(diff - truth) <= t * np.sqrt(v_cr2)))
    naive = float(np.mean(np.abs(diff - truth) <= Z95 * np.sqrt(v_cr1)))
    return cover, naive


@pytest.mark.parametrize("small", [True, False], ids=["turnover", "absence"])
@pytest.mark.parametrize("g", [5, 8, 12, 20])
def test_pooled_change_coverage_simulation(g: int, small: bool) -> None:
    # Seeded (a fixed result, never flaky); 4,000 runs: Monte Carlo SE ≈ 0.35 points.
    rng = np.random.default_rng(2100 + g + (1000 if small else 0))
    cover, naive = _coverage(g, rng, runs=4000, small=small)
    assert cover >= 0.93
    assert cover <= 0.995  # not bought with absurdly wide intervals
    if g <= 8:
        assert naive < 0.93  # the plain sandwich with a normal quantile falls short here


# --- One facility's change: quasi-Poisson interval --------------------------------------------


def test_change_dispersion_by_hand_when_the_independence_fit_is_closed_form() -> None:
    """Exposures n_it = n_i·c_t make the facility + year Poisson fit μ_it = y_i+·y_+t / y_++."""
    from statusrapport.stats.change import change_dispersion

    y = np.array([[30.0, 42], [12, 9], [55, 61], [8, 15], [20, 18], [40, 30]])
    size = np.array([300.0, 100, 500, 90, 200, 350])
    exposure = np.column_stack([size * 1.0, size * 1.1])
    mu = np.outer(y.sum(1), y.sum(0)) / y.sum()
    phi = float(((y - mu) ** 2 / mu).sum()) / (len(y) - 1)
    res = change_dispersion(y[:, 0], exposure[:, 0], y[:, 1], exposure[:, 1])
    assert res is not None
    assert res.raw == pytest.approx(phi, rel=1e-6)
    assert res.phi == pytest.approx(max(phi, 1.0), rel=1e-6)
    assert res.df == 5 and res.n_facilities == 6


def test_change_dispersion_matches_statsmodels_pearson_chi2_and_floors_at_one() -> None:
    from statusrapport.stats.change import change_dispersion

    rng = np.random.default_rng(7)
    den0, den1 = rng.uniform(500, 5000, 12), rng.uniform(500, 5000, 12)
    level = rng.uniform(0.03, 0.1, 12)
    y0 = rng.negative_binomial(3, 3 / (3 + level * den0)).astype(float)
    y1 = rng.negative_binomial(3, 3 / (3 + level * den1 * 1.1)).astype(float)
    frame = pd.DataFrame(
        {
            "y": np.r_[y0, y1],
            "n": np.r_[den0, den1],
            "f": np.r_[np.arange(12), np.arange(12)].astype(str),
            "t": np.r_[np.zeros(12), np.ones(12)],
        }
    )
    fit = smf.glm(
        "y ~ C(f) + t", frame, family=sm.families.Poisson(), offset=np.log(frame["n"])
    ).fit()
    res = change_dispersion(y0, den0, y1, den1)
    assert res is not None
    assert res.raw == pytest.approx(fit.pearson_chi2 / fit.df_resid, rel=1e-6)
    assert res.raw > 1
    # Identical rates in both years (less spread than Poisson): φ is floored at 1.
    flat = change_dispersion([10.0] * 6, [100.0] * 6, [10.0] * 6, [100.0] * 6)
    assert flat is not None and flat.raw == pytest.approx(0.0, abs=1e-9) and flat.phi == 1.0
    # Too few facilities with data in both years (no events in both, or missing a year).
    assert change_dispersion([1.0, 0, 2, 3, 0], [10.0] * 5, [2.0, 0, 1, 3, 4], [10.0] * 5) is None


@pytest.mark.parametrize(
    ("y0", "n0", "y1", "n1"), [(40.0, 900.0, 63.0, 1000.0), (7.0, 30.0, 2.0, 28.0)]
)
def test_facility_change_matches_a_quasi_poisson_identity_glm(
    y0: float, n0: float, y1: float, n1: float
) -> None:
    """The interval is the Wald interval of a Poisson GLM (identity link) with scale fixed at φ."""
    import warnings

    from statusrapport.stats.change import Dispersion, facility_change

    phi = 3.7
    exog = np.array([[n0, 0.0], [n1, n1]])  # mean_t = n_t·(λ₀ + d·t)
    with warnings.catch_warnings():  # identity link, saturated two-row fit: expected notes
        warnings.simplefilter("ignore")
        glm = sm.GLM(
            np.array([y0, y1]), exog, family=sm.families.Poisson(link=sm.families.links.Identity())
        ).fit(scale=phi)
    low, high = glm.conf_int(alpha=0.05)[1]
    ch = facility_change(y0, n0, y1, n1, Dispersion(phi, phi, 20, 21))
    assert ch.change_pp == pytest.approx(glm.params[1] * 100)
    assert ch.ci_low_pp == pytest.approx(low * 100, rel=1e-6)
    assert ch.ci_high_pp == pytest.approx(high * 100, rel=1e-6)
    assert ch.method == "quasi_poisson" and ch.n_clusters == 21
    # By hand as well: d ± z·√(φ(r₀/n₀ + r₁/n₁)).
    se = math.sqrt(phi * (y0 / n0**2 + y1 / n1**2)) * 100
    assert ch.ci_high_pp - ch.change_pp == pytest.approx(Z95 * se)


def test_facility_change_zero_counts_and_missing_dispersion() -> None:
    from statusrapport.stats.change import Dispersion, facility_change

    phi = Dispersion(2.0, 2.0, 10, 11)
    one_zero = facility_change(0.0, 20.0, 6.0, 25.0, phi)
    se = math.sqrt(2.0 * (0.5 / 20.0**2 + 6.0 / 25.0**2)) * 100  # ½ for the zero count
    assert one_zero.change_pp == pytest.approx(24.0)
    assert one_zero.ci_low_pp == pytest.approx(24.0 - Z95 * se)
    both_zero = facility_change(0.0, 20.0, 0.0, 25.0, phi)
    assert both_zero.change_pp == 0 and not both_zero.has_ci and not both_zero.excludes_zero
    alone = facility_change(3.0, 20.0, 9.0, 25.0, None)
    assert not alone.has_ci and alone.n_clusters == 0
    with pytest.raises(ValueError, match="begge år"):
        facility_change(3.0, 0.0, 9.0, 25.0, phi)
