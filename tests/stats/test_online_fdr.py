"""LOND and LORD++ against the published definitions, recomputed here by plain loops."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import gammaincc

from sweepwalk.stats._online_fdr import LOND, LORDPlusPlus, finite_horizon_gamma, gamma_sequence

pvalue_lists = st.lists(st.floats(0.0, 1.0), min_size=1, max_size=40)


def paper_gamma(j: int, c: float) -> float:
    """Javanmard & Montanari (2018), eq. 31, written out."""
    return c * math.log(max(j, 2)) / (j * math.exp(math.sqrt(math.log(j))))


def lond_by_hand(p, alpha, gamma, variant="independent"):
    levels, rejects, d = [], [], 0
    for t, pt in enumerate(p, start=1):
        beta = alpha * gamma(t)
        if variant == "independent":
            a = beta * (d + 1)
        elif variant == "positive":
            a = beta * max(d, 1)
        else:
            a = beta / sum(1 / i for i in range(1, t + 1)) * (d + 1)
        levels.append(a)
        rejects.append(pt <= a)
        d += pt <= a
    return np.array(levels), np.array(rejects)


def lordpp_by_hand(p, alpha, w0, gamma):
    def g(k):
        return gamma(k) if k >= 1 else 0.0

    levels, rejects, taus = [], [], []
    for t, pt in enumerate(p, start=1):
        a = g(t) * w0
        if taus:
            a += (alpha - w0) * g(t - taus[0])
            for tau in taus[1:]:
                a += alpha * g(t - tau)
        levels.append(a)
        rejects.append(pt <= a)
        if pt <= a:
            taus.append(t)
    return np.array(levels), np.array(rejects)


def default_gamma(j):
    return paper_gamma(j, 1.0) / 12.645107872871762


# ---------------------------------------------------------------- gamma


def test_gamma_matches_the_paper_formula():
    got = gamma_sequence(300)
    want = np.array([default_gamma(j) for j in range(1, 301)])
    np.testing.assert_allclose(got, want, rtol=1e-14)
    np.testing.assert_allclose(gamma_sequence(5, start=40), want[39:44], rtol=1e-14)


def test_gamma_sums_to_one():
    n = 10**6
    partial = gamma_sequence(n).sum()
    # tail: sum_{j>n} f(j) ~ int_{n+1/2}^inf f(x) dx = 12 Q(4, sqrt(log(n + 1/2))) for
    # f(x) = log x / (x exp(sqrt(log x))) (substitute u = log x, v = sqrt u).
    tail = 2 * math.gamma(4) * gammaincc(4, math.sqrt(math.log(n + 0.5)))
    c = gamma_sequence(1)[0] / math.log(2)
    total = partial + c * tail
    assert total == pytest.approx(1.0, abs=1e-9)
    # The paper's rounded constant 0.07720838 gives a smaller (still valid) sum.
    assert 0.07720838 / c == pytest.approx(0.9763, abs=1e-4)


def test_gamma_positive_and_non_increasing():
    g = gamma_sequence(10_000)
    assert np.all(g > 0)
    assert np.all(np.diff(g) <= 0)


# ---------------------------------------------------------------- worked examples


def test_lond_worked_example():
    # alpha = 0.1, gamma = (0.5, 0.3, 0.2): alpha_1 = 0.1*0.5*1 = 0.05 (p = 0.01 rejected),
    # alpha_2 = 0.1*0.3*2 = 0.06 (p = 0.5 kept), alpha_3 = 0.1*0.2*2 = 0.04 (p = 0.04 rejected).
    lond = LOND(0.1, gamma=[0.5, 0.3, 0.2])
    levels, rejects = lond.test_many([0.01, 0.5, 0.04])
    np.testing.assert_allclose(levels, [0.05, 0.06, 0.04], rtol=1e-12)
    assert rejects.tolist() == [True, False, True]
    # past the end of gamma the level is 0: nothing more can be rejected
    assert lond.test(0.0).level == 0.0
    assert lond.n_tests == 4 and lond.n_rejections == 3  # p = 0 <= 0 counts, as p <= alpha_t


def test_lordpp_worked_example():
    # alpha = 0.1, W0 = 0.05, gamma = (0.5, 0.3, 0.2):
    # alpha_1 = 0.5*0.05 = 0.025                      p = 0.01 rejected, tau_1 = 1
    # alpha_2 = 0.3*0.05 + 0.05*0.5 = 0.04            p = 0.03 rejected, tau_2 = 2
    # alpha_3 = 0.2*0.05 + 0.05*0.3 + 0.1*0.5 = 0.075
    lord = LORDPlusPlus(0.1, w0=0.05, gamma=[0.5, 0.3, 0.2])
    levels, rejects = lord.test_many([0.01, 0.03, 0.07])
    np.testing.assert_allclose(levels, [0.025, 0.04, 0.075], rtol=1e-12)
    assert rejects.tolist() == [True, True, True]


def test_lordpp_default_w0_is_half_alpha():
    lord = LORDPlusPlus(0.05)
    assert lord.w0 == 0.025
    assert lord.next_level() == pytest.approx(0.025 * default_gamma(1), rel=1e-14)


# ---------------------------------------------------------------- against the definitions


@settings(max_examples=60, deadline=None)
@given(p=pvalue_lists, alpha=st.sampled_from([0.05, 0.1, 0.2]))
def test_lond_equals_definition(p, alpha):
    for variant in ("independent", "positive", "arbitrary"):
        levels, rejects = LOND(alpha, dependence=variant).test_many(p)
        want_levels, want_rejects = lond_by_hand(p, alpha, default_gamma, variant)
        np.testing.assert_allclose(levels, want_levels, rtol=1e-12)
        np.testing.assert_array_equal(rejects, want_rejects)


@settings(max_examples=60, deadline=None)
@given(
    p=pvalue_lists,
    alpha=st.sampled_from([0.05, 0.1, 0.2]),
    w0_share=st.sampled_from([0.0, 0.1, 0.5, 1.0]),
)
def test_lordpp_equals_definition(p, alpha, w0_share):
    w0 = alpha * w0_share
    levels, rejects = LORDPlusPlus(alpha, w0=w0).test_many(p)
    want_levels, want_rejects = lordpp_by_hand(p, alpha, w0, default_gamma)
    np.testing.assert_allclose(levels, want_levels, rtol=1e-12)
    np.testing.assert_array_equal(rejects, want_rejects)


def test_small_pvalues_stream_rejects_often():
    # with many discoveries the levels grow; the dataset is seeded and the loop is the reference
    rng = np.random.default_rng(0)
    p = np.where(rng.random(200) < 0.5, rng.random(200) * 1e-4, rng.random(200))
    for proc, ref in (
        (LOND(0.05), lond_by_hand(p, 0.05, default_gamma)),
        (LORDPlusPlus(0.05), lordpp_by_hand(p, 0.05, 0.025, default_gamma)),
    ):
        levels, rejects = proc.test_many(p)
        np.testing.assert_allclose(levels, ref[0], rtol=1e-12)
        np.testing.assert_array_equal(rejects, ref[1])
        assert rejects.sum() > 50
        assert np.all(proc.levels == levels)
        assert np.all(proc.rejects == rejects)


# ---------------------------------------------------------------- properties


@settings(max_examples=60, deadline=None)
@given(p=pvalue_lists, shrink=st.lists(st.floats(0.0, 1.0), min_size=40, max_size=40))
def test_levels_positive_and_monotone_in_discoveries(p, shrink):
    """Smaller p-values -> at least the same discoveries -> levels at least as large."""
    smaller = [pi * s for pi, s in zip(p, shrink, strict=False)]
    for make in (lambda: LOND(0.05), lambda: LORDPlusPlus(0.05)):
        lv, rj = make().test_many(p)
        lv2, rj2 = make().test_many(smaller)
        assert np.all(lv > 0)
        assert np.all(rj2 >= rj)
        assert np.all(lv2 >= lv * (1 - 1e-12))


def test_one_more_discovery_raises_every_later_level():
    base = [0.9] * 10
    for t in range(10):
        with_discovery = list(base)
        with_discovery[t] = 0.0
        for make in (lambda: LOND(0.05), lambda: LORDPlusPlus(0.05)):
            lv, _ = make().test_many(base)
            lv2, rj2 = make().test_many(with_discovery)
            assert rj2[t]
            assert np.all(lv2[t + 1 :] > lv[t + 1 :])
            np.testing.assert_array_equal(lv2[: t + 1], lv[: t + 1])


def test_test_and_test_many_agree():
    p = [0.001, 0.2, 1e-5, 0.04, 0.6]
    one = LORDPlusPlus(0.1)
    levels = [one.test(x).level for x in p]
    np.testing.assert_array_equal(levels, LORDPlusPlus(0.1).test_many(p)[0])


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize("alpha", [0.0, 1.0, -0.1, float("nan")])
def test_bad_alpha(alpha):
    with pytest.raises(ValueError, match="`alpha`"):
        LOND(alpha)


def test_bad_inputs():
    with pytest.raises(ValueError, match="`dependence` must be one of"):
        LOND(0.05, dependence="none")
    with pytest.raises(ValueError, match="`w0`"):
        LORDPlusPlus(0.05, w0=0.06)
    with pytest.raises(ValueError, match="`gamma` must sum to at most 1"):
        LOND(0.05, gamma=[0.6, 0.6])
    with pytest.raises(ValueError, match="`gamma` must be"):
        LOND(0.05, gamma=[0.5, -0.1])
    with pytest.raises(ValueError, match="`pvalue`"):
        LOND(0.05).test(float("nan"))
    with pytest.raises(ValueError, match="`pvalue`"):
        LORDPlusPlus(0.05).test(1.5)


# ---------------------------------------------------------------- finite horizon


@pytest.mark.parametrize("horizon", [1, 2, 7, 30, 500])
@pytest.mark.parametrize("shape", ["decaying", "uniform"])
def test_finite_horizon_gamma_spends_the_whole_budget_on_the_horizon(horizon, shape):
    g = finite_horizon_gamma(horizon, shape)
    assert g.shape == (horizon,)
    assert math.fsum(g.tolist()) == pytest.approx(1.0, abs=1e-12)
    assert np.all(g > 0) and np.all(np.diff(g) <= 0)
    if shape == "decaying":  # the endless sequence, rescaled
        np.testing.assert_allclose(g / g[0], gamma_sequence(horizon) / gamma_sequence(1)[0])


@given(p=pvalue_lists, alpha=st.sampled_from([0.05, 0.2]))
@settings(max_examples=40, deadline=None)
def test_procedures_with_a_finite_horizon_equal_the_definitions(p, alpha):
    g = finite_horizon_gamma(25)

    def gamma(j):
        return float(g[j - 1]) if j <= len(g) else 0.0

    lv, rj = LOND(alpha, gamma=g).test_many(p)
    want_lv, want_rj = lond_by_hand(p, alpha, gamma)
    np.testing.assert_allclose(lv, want_lv, rtol=1e-12, atol=0)
    np.testing.assert_array_equal(rj, want_rj)
    lv, rj = LORDPlusPlus(alpha, gamma=g).test_many(p)
    want_lv, want_rj = lordpp_by_hand(p, alpha, alpha / 2, gamma)
    np.testing.assert_allclose(lv, want_lv, rtol=1e-12, atol=1e-300)
    np.testing.assert_array_equal(rj, want_rj)


@pytest.mark.parametrize("procedure", [LOND, LORDPlusPlus])
def test_finite_horizon_gives_more_power_and_keeps_the_fdr(procedure):
    # 1000 seeded streams of 30 one-sided z-tests, 30% non-null (mean 3): the bounded
    # sequence rejects more true effects, and its FDR stays <= 0.05 (3 Monte Carlo s.e.)
    rng = np.random.default_rng(30)
    reps, horizon, alpha = 1000, 30, 0.05
    null = rng.random((reps, horizon)) >= 0.3
    z = rng.normal(size=(reps, horizon)) + np.where(null, 0.0, 3.0)
    p = norm_sf(z)
    power, fdp = {}, {}
    for name, g in (("endless", None), ("bounded", finite_horizon_gamma(horizon))):
        found, false = np.zeros(reps), np.zeros(reps)
        for r in range(reps):
            _, rejects = procedure(alpha, gamma=g).test_many(p[r])
            found[r] = (rejects & ~null[r]).sum() / max(1, (~null[r]).sum())
            false[r] = (rejects & null[r]).sum() / max(1, rejects.sum())
        power[name], fdp[name] = found.mean(), false
    assert power["bounded"] > power["endless"] + 0.05
    fdr = fdp["bounded"].mean()
    assert fdr <= alpha + 3 * fdp["bounded"].std() / math.sqrt(reps)


def norm_sf(z):
    from scipy.stats import norm

    return norm.sf(z)


def test_finite_horizon_gamma_validation():
    with pytest.raises(ValueError, match="`horizon`"):
        finite_horizon_gamma(0)
    with pytest.raises(ValueError, match="`shape` must be one of"):
        finite_horizon_gamma(5, "steep")
