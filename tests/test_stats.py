"""Tests for statusrapport.stats: hand-computed values, statsmodels directly, and edge cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

from statusrapport import stats as st

Z95 = 1.959963984540054
Z998 = 3.090232306167813


# --- Funnel plots -------------------------------------------------------------------------------


@pytest.fixture
def four_units() -> pd.DataFrame:
    return pd.DataFrame(
        {"enhed": ["A", "B", "C", "D"], "k": [10, 30, 5, 55], "n": [100, 200, 100, 400]}
    )


def test_overdispersion_four_units_by_hand(four_units: pd.DataFrame) -> None:
    od = st.overdispersion(four_units["k"], four_units["n"], kind="proportion")
    # θ = (10 + 30 + 5 + 55) / (100 + 200 + 100 + 400) = 100 / 800
    theta = 0.125
    assert od.target == pytest.approx(theta)
    v = theta * (1 - theta)  # 0.109375
    z = [
        (0.10 - theta) / math.sqrt(v / 100),  # A: -0.7559
        (0.15 - theta) / math.sqrt(v / 200),  # B: +1.0690
        (0.05 - theta) / math.sqrt(v / 100),  # C: -2.2678
        (0.1375 - theta) / math.sqrt(v / 400),  # D: +0.7559
    ]
    assert od.z == pytest.approx(z)
    assert z[0] == pytest.approx(-0.7559289, abs=1e-6)
    # Winsorise at 10 %/90 % (R type 7): sorted z = C, A, D, B; position 0.3 and 2.7.
    zs = sorted(z)
    lo = zs[0] + 0.3 * (zs[1] - zs[0])
    hi = zs[2] + 0.7 * (zs[3] - zs[2])
    zw = [z[0], hi, lo, z[3]]
    assert od.z_winsorised == pytest.approx(zw)
    phi = sum(x * x for x in zw) / 4
    assert od.phi == pytest.approx(phi)
    assert od.phi == pytest.approx(1.34628, abs=1e-4)
    # τ² = (nφ − (n−1)) / (Σw − Σw²/Σw), w = n_i / (θ(1−θ))
    w = [100 / v, 200 / v, 100 / v, 400 / v]
    tau2 = (4 * phi - 3) / (sum(w) - sum(x * x for x in w) / sum(w))
    assert od.tau2 == pytest.approx(tau2)
    # 4φ = 5.385 < χ²(0.95; 3) = 7.815: not overdispersed.
    assert od.df == 3
    assert od.overdispersed is False
    assert 0.10 < od.chi2_p < 0.20


def test_overdispersion_rate_kind_with_given_target() -> None:
    # Sick days per FTE-year: 3 units, target 12 given (so df = n = 3).
    od = st.overdispersion([130, 270, 90], [10, 20, 10], kind="rate", target=12.0)
    expected = [
        (13.0 - 12) / math.sqrt(12 / 10),
        (13.5 - 12) / math.sqrt(12 / 20),
        (9.0 - 12) / math.sqrt(12 / 10),
    ]
    assert od.z == pytest.approx(expected)
    assert od.target == 12.0
    assert od.df == 3


def test_overdispersion_detected_and_limits_widened_additively() -> None:
    den = np.array([2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000, 12000], float)
    rates = np.array([0.03, 0.08, 0.05, 0.07, 0.04, 0.06, 0.09, 0.045, 0.065, 0.055])
    df = pd.DataFrame({"tilbud": [f"T{i}" for i in range(10)], "dage": rates * den, "mulige": den})
    table = st.funnel_table(df, "dage", "mulige", label="tilbud", kind="proportion")
    od = table.attrs["overdispersion"]
    assert od.overdispersed
    assert od.tau2 > 0
    assert table.attrs["method"] == "additive"
    assert "udvidet" in table.attrs["forklaring"]
    theta = od.target
    # Limits at T0 by hand: θ ± z·sqrt(θ(1−θ)/n + τ²)
    sd0 = math.sqrt(theta * (1 - theta) / 2000 + od.tau2)
    assert table.loc[0, "upper_95"] == pytest.approx(theta + Z95 * sd0)
    assert table.loc[0, "lower_998"] == pytest.approx(max(0.0, theta - Z998 * sd0))
    assert table.loc[0, "z"] == pytest.approx((0.03 - theta) / sd0)
    # Unadjusted, half the units would be outside 99.8 %; adjusted, none are.
    assert (np.abs(table["z_unadjusted"]) > Z998).sum() == 5
    assert (np.abs(table["z"]) < np.abs(table["z_unadjusted"])).all()
    assert not table["placering"].str.contains("99,8").any()


def test_funnel_table_multiplicative_and_none() -> None:
    den = np.array([2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000, 12000], float)
    rates = np.array([0.03, 0.08, 0.05, 0.07, 0.04, 0.06, 0.09, 0.045, 0.065, 0.055])
    df = pd.DataFrame({"u": list("ABCDEFGHIJ"), "k": rates * den, "n": den})
    mult = st.funnel_table(df, "k", "n", label="u", kind="proportion", method="multiplicative")
    od = mult.attrs["overdispersion"]
    assert mult.attrs["method"] == "multiplicative"
    assert mult["z"].to_numpy() == pytest.approx(od.z / math.sqrt(od.phi))
    none = st.funnel_table(df, "k", "n", label="u", kind="proportion", method="none")
    assert none.attrs["method"] == "none"
    assert none["z"].to_numpy() == pytest.approx(od.z)
    assert "ikke justeret" in none.attrs["forklaring"]


def test_funnel_table_not_overdispersed_is_not_adjusted(four_units: pd.DataFrame) -> None:
    table = st.funnel_table(four_units, "k", "n", label="enhed", kind="proportion")
    assert table.attrs["method"] == "none"
    assert table.attrs["method_requested"] == "additive"
    assert "ikke justeret" in table.attrs["forklaring"]
    assert list(table.columns[:3]) == ["enhed", "k", "n"]
    # C: z = −2.268 is below −1.96 but above −3.09.
    assert table.set_index("enhed")["placering"].to_dict() == {
        "A": "inden for grænserne",
        "B": "inden for grænserne",
        "C": "under 95 %-grænsen",
        "D": "inden for grænserne",
    }


def test_placering_matches_drawn_limits() -> None:
    df = pd.DataFrame({"u": list("ABCDE"), "k": [0, 2, 9, 20, 40], "n": [10, 50, 60, 80, 100]})
    table = st.funnel_table(df, "k", "n", label="u", kind="proportion", method="none")
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
    assert set(table["placering"]) >= {"over 99,8 %-grænsen", "under 99,8 %-grænsen"}


def test_zero_denominator_is_rejected_naming_the_unit() -> None:
    df = pd.DataFrame({"u": ["Solsikken", "Lærken"], "k": [3, 1], "n": [40, 0]})
    with pytest.raises(ValueError, match="Lærken"):
        st.funnel_table(df, "k", "n", label="u", kind="proportion")
    with pytest.raises(ValueError, match="større end nævneren"):
        st.overdispersion([5], [4], kind="proportion", labels=["X"])


def test_all_values_equal() -> None:
    od = st.overdispersion([5, 10, 20, 40], [50, 100, 200, 400], kind="rate")
    assert od.target == pytest.approx(0.1)
    assert od.z == pytest.approx([0, 0, 0, 0])
    assert od.phi == 0.0
    assert od.tau2 == 0.0
    assert od.overdispersed is False
    assert od.chi2_p == pytest.approx(1.0)
    df = pd.DataFrame({"u": list("ABCD"), "k": [5, 10, 20, 40], "n": [50, 100, 200, 400]})
    table = st.funnel_table(df, "k", "n", label="u", kind="rate")
    assert (table["placering"] == "inden for grænserne").all()


def test_fewer_than_three_units_cannot_be_adjusted() -> None:
    od = st.overdispersion([1, 90], [100, 100], kind="proportion")
    assert od.overdispersed is False
    assert math.isnan(od.chi2_p)
    assert "færre end 3" in od.note
    df = pd.DataFrame({"u": ["A", "B"], "k": [1, 90], "n": [100, 100]})
    table = st.funnel_table(df, "k", "n", label="u", kind="proportion")
    assert table.attrs["method"] == "none"
    assert "færre end 3" in table.attrs["forklaring"]


def test_funnel_limits_by_hand_and_clipping() -> None:
    lim = st.funnel_limits(0.1, [100, 400], kind="proportion")
    assert list(lim.columns) == [
        "size",
        "lower_95",
        "upper_95",
        "lower_998",
        "upper_998",
        "target",
    ]
    # sqrt(0.1·0.9/100) = 0.03; sqrt(0.1·0.9/400) = 0.015
    assert lim["upper_95"].tolist() == pytest.approx([0.1 + Z95 * 0.03, 0.1 + Z95 * 0.015])
    assert lim["lower_998"].tolist() == pytest.approx([0.1 - Z998 * 0.03, 0.1 - Z998 * 0.015])
    # Small unit, low target: lower limit would be negative, clipped to 0.
    small = st.funnel_limits(0.02, [10], kind="proportion")
    assert small["lower_95"].iloc[0] == 0.0
    # High target: upper limit clipped to 1.
    high = st.funnel_limits(0.95, [5], kind="proportion")
    assert high["upper_998"].iloc[0] == 1.0
    # Rate with φ = 2 and τ² = 0.5: sd = sqrt(2·12/50 + 0.5) = sqrt(0.98)
    rate = st.funnel_limits(12.0, [50], kind="rate", phi=2.0, tau2=0.5, levels=(0.9, 0.99))
    assert rate["upper_90"].iloc[0] == pytest.approx(12 + 1.6448536 * math.sqrt(0.98))
    assert rate["lower_99"].iloc[0] == pytest.approx(12 - 2.5758293 * math.sqrt(0.98))


def test_funnel_curve_grid() -> None:
    curve = st.funnel_curve(0.06, 10000, kind="proportion", phi=1.0, tau2=1e-4, n_points=50)
    assert len(curve) == 50
    assert curve["size"].iloc[-1] == pytest.approx(10000)
    assert curve["size"].is_monotonic_increasing
    # Limits narrow with size but never below the τ² floor: θ ± z·sqrt(τ²).
    assert curve["upper_95"].is_monotonic_decreasing
    assert curve["upper_95"].iloc[-1] > 0.06 + Z95 * 0.01


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
    chart = st.p_chart([5, 10, 20, 30], [100, 100, 200, 100])
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
    assert isinstance(chart.attrs["anhoej"], st.AnhoejResult)


def test_p_chart_laney_by_hand() -> None:
    chart = st.p_chart([5, 10, 20, 30], [100, 100, 200, 100], laney=True)
    pbar = 0.13
    s = [math.sqrt(pbar * (1 - pbar) / n) for n in (100, 100, 200, 100)]
    z = [(p - pbar) / si for p, si in zip([0.05, 0.10, 0.10, 0.30], s, strict=True)]
    mr = [abs(z[1] - z[0]), abs(z[2] - z[1]), abs(z[3] - z[2])]
    sigma_z = sum(mr) / 3 / 1.128
    assert chart.attrs["sigma_z"] == pytest.approx(sigma_z)
    assert chart["ucl"].iloc[2] == pytest.approx(pbar + 3 * s[2] * sigma_z)
    # Wider limits: the 0.30 month is no longer a signal.
    assert sigma_z > 1
    assert not chart["signal"].any()


def test_control_chart_rejects_zero_denominator() -> None:
    with pytest.raises(ValueError, match="2024-02"):
        st.p_chart(
            pd.Series([1, 2], index=["2024-01", "2024-02"]),
            pd.Series([10, 0], index=["2024-01", "2024-02"]),
        )


# --- Turnover GLM -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def turnover() -> pd.DataFrame:
    rng = np.random.default_rng(20250601)
    groups = ["socialpsykiatri", "autisme", "hjerneskade", "synshandicap"]
    rows = []
    for i in range(36):
        grp = groups[i % 4]
        staff = rng.uniform(25, 120)
        for year in range(2019, 2025):
            mu = staff * 0.22 * {"socialpsykiatri": 1.0, "autisme": 1.3}.get(grp, 0.9)
            mu *= 0.92 ** (year - 2019)  # true rate ratio per year: 0.92
            mu *= rng.gamma(8, 1 / 8)  # overdispersion
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


def test_turnover_glm_matches_statsmodels(turnover: pd.DataFrame) -> None:
    res = st.turnover_glm(turnover)
    data = turnover.assign(aar_c=turnover["aar"] - 2019)
    direct = smf.glm(
        "fratraadte ~ C(maalgruppe) + aar_c",
        data=data,
        family=sm.families.Poisson(),
        offset=np.log(data["gns_ansatte"]),
    ).fit(scale="X2")
    assert res.result.params.to_numpy() == pytest.approx(direct.params.to_numpy())
    assert res.result.bse.to_numpy() == pytest.approx(direct.bse.to_numpy())
    assert res.dispersion == pytest.approx(direct.pearson_chi2 / direct.df_resid)
    assert res.dispersion > 1.2  # the simulated gamma noise is picked up
    row = res.table.set_index("term").loc["aar_c"]
    assert row["rate_ratio"] == pytest.approx(math.exp(direct.params["aar_c"]))
    assert row["ci_low"] < 0.92 < row["ci_high"]
    assert row["label"] == "Ændring pr. år"
    assert res.year_reference == 2019
    labels = res.table.set_index("term")["label"]
    assert labels["C(maalgruppe)[T.socialpsykiatri]"] == (
        "Målgruppe: socialpsykiatri (sammenlignet med autisme)"
    )


def test_turnover_glm_binomial_matches_two_column_fit(turnover: pd.DataFrame) -> None:
    res = st.turnover_glm(turnover, family="binomial")
    trials = np.round(turnover["gns_ansatte"].to_numpy())
    k = np.minimum(turnover["fratraadte"].to_numpy(), trials)
    exog = pd.get_dummies(turnover["maalgruppe"], drop_first=True, dtype=float)
    exog["aar_c"] = turnover["aar"] - 2019
    exog = sm.add_constant(exog)
    # Successes/failures form, unscaled (statsmodels' own scale="X2" is not the Pearson
    # dispersion for this form, so the quasi-binomial scale is applied by hand below).
    direct = sm.GLM(np.column_stack([k, trials - k]), exog, family=sm.families.Binomial()).fit()
    assert res.result.params.to_numpy() == pytest.approx(direct.params.to_numpy(), rel=1e-6)
    mu = direct.predict()
    x2 = np.sum((k - trials * mu) ** 2 / (trials * mu * (1 - mu))) / direct.df_resid
    assert res.dispersion == pytest.approx(x2, rel=1e-6)
    assert res.result.bse.to_numpy() == pytest.approx(direct.bse.to_numpy() * np.sqrt(x2), rel=1e-6)
    assert res.ratio_column == "odds_ratio"
    assert "odds_ratio" in res.table


def test_turnover_glm_rejects_zero_exposure(turnover: pd.DataFrame) -> None:
    bad = turnover.copy()
    bad.loc[5, "gns_ansatte"] = 0
    with pytest.raises(ValueError, match=bad.loc[5, "tilbud_id"]):
        st.turnover_glm(bad)


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
    assert res.converged
    assert res.method.startswith("MixedLM")
    assert res.slope == pytest.approx(direct.params["aar_c"])
    assert res.ci_low < 0.05 < res.ci_high
    assert (res.n_groups, res.n_obs) == (20, 360)


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
    assert res.method.startswith("OLS")
    assert "klyngerobuste" in res.forklaring
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


def test_turnover_glm_reference_label_matches_the_fitted_reference_for_categoricals():
    """A Categorical whose category order differs from the sorted order must not mislabel."""
    rng = np.random.default_rng(7)
    groups = ["socialpsykiatri", "autisme"]
    frame = pd.DataFrame(
        {
            "maalgruppe": pd.Categorical(
                np.repeat(groups, 40), categories=["socialpsykiatri", "autisme", "ubrugt"]
            ),
            "gns_ansatte": 50.0,
            "aar": np.tile(np.arange(2019, 2027), 10),
        }
    )
    rate = np.where(frame["maalgruppe"].astype(str) == "socialpsykiatri", 0.30, 0.15)
    frame["fratraadte"] = rng.poisson(rate * 50)
    result = st.turnover_glm(frame, formula_rhs="C(maalgruppe)")
    row = result.table.loc[result.table["term"].str.contains("socialpsykiatri")].iloc[0]
    assert "sammenlignet med autisme" in row["label"]
    assert 1.6 < row["rate_ratio"] < 2.5  # socialpsykiatri has twice autisme's rate


# --- Year-over-year change: paired cluster bootstrap ------------------------------------------


def test_bootstrap_change_point_estimate_and_independent_resampling_loop() -> None:
    from statusrapport.stats.change import bootstrap_change

    nb = np.array([10.0, 20, 5, 40, 12, 8])
    db = np.array([100.0, 300, 90, 500, 150, 100])
    na = np.array([12.0, 18, 9, 35, 15, 6])
    da = np.array([110.0, 280, 100, 520, 140, 90])
    ch = bootstrap_change(nb, db, na, da, n_resamples=500, seed=3)
    assert ch.change_pp == pytest.approx((na.sum() / da.sum() - nb.sum() / db.sum()) * 100)
    # Independent loop over the same draws, one resample at a time with pandas.
    rng = np.random.default_rng(3)
    idx = rng.integers(0, 6, size=(500, 6))
    frame = pd.DataFrame({"nb": nb, "db": db, "na": na, "da": da})
    diffs = []
    for row in idx:
        s = frame.iloc[row].sum()
        diffs.append((s["na"] / s["da"] - s["nb"] / s["db"]) * 100)
    assert ch.ci_low_pp == pytest.approx(np.quantile(diffs, 0.025))
    assert ch.ci_high_pp == pytest.approx(np.quantile(diffs, 0.975))


def test_bootstrap_change_matches_exact_bootstrap_distribution() -> None:
    """With 5 clusters all 5**5 resamples can be enumerated: the exact percentile interval."""
    import itertools

    from statusrapport.stats.change import bootstrap_change

    nb = np.array([3.0, 9, 4, 12, 7])
    db = np.array([50.0, 80, 40, 120, 60])
    na = np.array([6.0, 7, 8, 10, 9])
    da = np.array([55.0, 75, 45, 110, 70])
    exact = []
    for draw in itertools.product(range(5), repeat=5):
        d = list(draw)
        exact.append((na[d].sum() / da[d].sum() - nb[d].sum() / db[d].sum()) * 100)
    ch = bootstrap_change(nb, db, na, da, n_resamples=20000, seed=1)
    assert ch.ci_low_pp == pytest.approx(np.quantile(exact, 0.025), abs=0.15)
    assert ch.ci_high_pp == pytest.approx(np.quantile(exact, 0.975), abs=0.15)


def test_bootstrap_change_is_seeded_and_refuses_too_few_clusters() -> None:
    from statusrapport.stats.change import bootstrap_change

    args = ([1.0, 2, 3, 4, 5, 6], [10.0] * 6, [2.0, 2, 4, 4, 6, 6], [10.0] * 6)
    assert bootstrap_change(*args) == bootstrap_change(*args)
    few = bootstrap_change([1.0, 2, 3], [10.0] * 3, [3.0, 2, 1], [10.0] * 3)
    assert few.ci_low_pp is None and not few.has_ci and not few.excludes_zero
    with pytest.raises(ValueError, match="samme længde"):
        bootstrap_change([1.0], [1.0, 2.0], [1.0], [1.0])


def test_bootstrap_pairs_the_years_within_a_facility() -> None:
    """A uniform rise in every facility is certain even when facilities differ hugely."""
    from statusrapport.stats.change import bootstrap_change

    rng = np.random.default_rng(0)
    den = rng.uniform(1000, 5000, 30)
    level = rng.uniform(0.02, 0.12, 30)  # big between-facility spread
    ch = bootstrap_change(level * den, den, (level + 0.005) * den, den)
    assert ch.change_pp == pytest.approx(0.5)
    assert ch.excludes_zero
    assert ch.ci_low_pp == pytest.approx(0.5) and ch.ci_high_pp == pytest.approx(0.5)
