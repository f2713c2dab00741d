"""Walk-wide false discovery rate over many simulated walks (seeded Monte Carlo).

Each simulated sweep is a 6 x 6 grid of configurations (two parameters), each run with 10 seeds
(normal scores, sd 1). Most configurations share the same mean; two, placed at random, are truly
better (mean + 1.5 sd). A simulated user starts at a random configuration and visits 10 targets:
at each, every adjacent neighbour is compared with the target (Welch t-test, as
``compare(test="welch")``), then the user moves to the unvisited neighbour whose mean looks best,
significant or not (what a person browsing the grid does). A pair tested before (seen from the
other side) is not a new test, as in the ledger. The stream of tests is decided under

- per-target correction: Benjamini-Hochberg within each target's family (``correction="fdr_bh"``);
- walk-wide control: LOND (the ledger's default) and LORD++ over the whole walk.

A false discovery is a significant test between two configurations with equal true means. A
walk's FDP is false / max(significant, 1); the FDR is its mean over the walks. Everything is
batched over the walks (numpy/scipy); the batched decisions are checked against
:class:`~sweepwalk.analysis.ledger.Ledger` walk by walk.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from sweepwalk.analysis.ledger import Ledger
from sweepwalk.stats._online_fdr import gamma_sequence

ALPHA = 0.05
SIDE, N_SEEDS, N_BETTER, DELTA, N_TARGETS = 6, 10, 2, 1.5, 10
N_WALKS = 2000


def grid_neighbors(side: int) -> np.ndarray:
    """(side*side, 4) adjacent neighbours on a grid (config id = a*side + b), -1 padded."""
    ids = np.arange(side * side)
    a, b = np.divmod(ids, side)
    out = np.full((ids.size, 4), -1)
    for k, (da, db) in enumerate(((-1, 0), (1, 0), (0, -1), (0, 1))):
        na, nb = a + da, b + db
        ok = (na >= 0) & (na < side) & (nb >= 0) & (nb < side)
        out[ok, k] = na[ok] * side + nb[ok]
    return out


def bh_rows(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values per row, NaN entries left out of the family."""
    out = np.full_like(p, np.nan)
    for m in range(1, p.shape[1] + 1):
        rows = np.isfinite(p).sum(axis=1) == m
        if not rows.any():
            continue
        q = p[rows]
        order = np.argsort(np.where(np.isfinite(q), q, np.inf), axis=1)[:, :m]
        sorted_p = np.take_along_axis(q, order, axis=1)
        adj = sorted_p * m / np.arange(1, m + 1)
        adj = np.minimum.accumulate(adj[:, ::-1], axis=1)[:, ::-1].clip(max=1.0)
        res = np.full_like(q, np.nan)
        np.put_along_axis(res, order, adj, axis=1)
        out[rows] = res
    return out


def simulate_walks(seed: int, n_walks: int) -> dict[str, np.ndarray]:
    """Simulate sweeps and walks; return every test made, in order, for all walks at once.

    The user's moves depend on the observed means only, not on decisions, so the same stream of
    tests is decided under each rule afterwards. Returns arrays of shape (G, S) with S = targets x
    4 slots: ``target``, ``row`` (-1 = no test), ``pvalue``, ``pvalue_adj`` (BH within the
    target's family), ``effect`` (A12 of row vs target), ``null`` (equal true means), ``new``
    (the pair's first test in this walk; a revisited pair is not a new test).
    """
    rng = np.random.default_rng(seed)
    nbr = grid_neighbors(SIDE)
    n_cfg = SIDE * SIDE
    means = np.zeros((n_walks, n_cfg))
    better = np.argsort(rng.random((n_walks, n_cfg)), axis=1)[:, :N_BETTER]
    np.put_along_axis(means, better, DELTA, axis=1)
    scores = means[:, :, None] + rng.standard_normal((n_walks, n_cfg, N_SEEDS))
    observed = scores.mean(axis=2)
    walks = np.arange(n_walks)[:, None]

    visited = np.zeros((n_walks, n_cfg), dtype=bool)
    seen = np.zeros((n_walks, n_cfg * n_cfg), dtype=bool)
    target = rng.integers(0, n_cfg, n_walks)
    active = np.ones(n_walks, dtype=bool)
    keys = ("target", "row", "pvalue", "pvalue_adj", "effect", "null", "new")
    steps: dict[str, list[np.ndarray]] = {k: [] for k in keys}
    for _ in range(N_TARGETS):
        visited[walks[:, 0], target] = True
        rows = np.where(active[:, None], nbr[target], -1)  # (G, 4)
        has = rows >= 0
        safe = np.where(has, rows, 0)
        x = scores[walks, safe]  # (G, 4, n)
        y = scores[walks[:, 0], target][:, None, :]  # (G, 1, n)
        p = np.where(has, stats.ttest_ind(x, y, axis=2, equal_var=False).pvalue, np.nan)
        diff = x[..., :, None] - y[..., None, :]
        effect = (diff > 0).mean(axis=(-1, -2)) + 0.5 * (diff == 0).mean(axis=(-1, -2))
        pair = np.minimum(safe, target[:, None]) * n_cfg + np.maximum(safe, target[:, None])
        new = has & ~seen[walks, pair]
        seen[np.broadcast_to(walks, pair.shape)[has], pair[has]] = True
        steps["target"].append(np.broadcast_to(target[:, None], rows.shape))
        steps["row"].append(rows)
        steps["pvalue"].append(p)
        steps["pvalue_adj"].append(bh_rows(p))
        steps["effect"].append(effect)
        steps["null"].append(means[walks, safe] == means[walks[:, 0], target][:, None])
        steps["new"].append(new)
        # move to the unvisited neighbour whose mean looks best, significant or not
        cand = np.where(has & ~visited[walks, safe], observed[walks, safe], -np.inf)
        best = np.argmax(cand, axis=1)
        active &= np.isfinite(cand[walks[:, 0], best])
        target = np.where(active, safe[walks[:, 0], best], target)
    return {k: np.concatenate(v, axis=1) for k, v in steps.items()}


def decide_per_target(sim: dict[str, np.ndarray]) -> np.ndarray:
    """Each new test decided by its family's BH correction (as compare(correction="fdr_bh"))."""
    return sim["new"] & (sim["pvalue_adj"] < ALPHA)


def decide_lond(sim: dict[str, np.ndarray]) -> np.ndarray:
    """LOND, alpha_t = alpha gamma_t max(D(t-1), 1), on each walk's new tests; walks batched."""
    new, p = sim["new"], sim["pvalue"]
    n_walks, n_slots = p.shape
    t = np.zeros(n_walks, dtype=np.int64)  # tests made so far
    d = np.zeros(n_walks, dtype=np.int64)  # discoveries so far
    reject = np.zeros_like(new)
    for s in range(n_slots):
        t = t + new[:, s]
        level = ALPHA * gamma_sequence(int(t.max()) + 1)[np.maximum(t, 1) - 1] * np.maximum(d, 1)
        reject[:, s] = new[:, s] & (p[:, s] <= level)
        d = d + reject[:, s]
    return reject


def decide_lordpp(sim: dict[str, np.ndarray]) -> np.ndarray:
    """LORD++ with W0 = alpha/2 over each walk's new tests, all walks at once."""
    new, p = sim["new"], sim["pvalue"]
    n_walks, n_slots = p.shape
    w0 = ALPHA / 2
    gam = np.concatenate([[0.0], gamma_sequence(n_slots)])  # gam[k] = gamma_k, gam[0] = 0
    times = np.zeros((n_walks, n_slots + 1), dtype=bool)  # times[g, tau] = rejection at tau
    first = np.zeros(n_walks, dtype=np.int64)  # tau_1, 0 = none yet
    t = np.zeros(n_walks, dtype=np.int64)
    reject = np.zeros_like(new)
    lags = np.arange(n_slots + 1)
    for s in range(n_slots):
        t = t + new[:, s]
        lag = t[:, None] - lags[None, :]  # t - tau for every possible tau
        spent = np.where(times & (lag > 0), gam[np.clip(lag, 0, n_slots)], 0.0).sum(axis=1)
        g_first = np.where(first > 0, gam[np.clip(t - first, 0, n_slots)], 0.0)
        level = gam[t] * w0 + (ALPHA - w0) * g_first + ALPHA * (spent - g_first)
        r = new[:, s] & (p[:, s] <= level)
        reject[:, s] = r
        times[np.flatnonzero(r), t[r]] = True
        first = np.where(r & (first == 0), t, first)
    return reject


def walk_fdp(sim: dict[str, np.ndarray], reject: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each walk's false discovery proportion and number of discoveries."""
    false = (reject & sim["null"]).sum(axis=1)
    disc = reject.sum(axis=1)
    return false / np.maximum(disc, 1), disc


@pytest.fixture(scope="module")
def simulated() -> dict[str, np.ndarray]:
    return simulate_walks(seed=20261126, n_walks=N_WALKS)


def _summary(fdp: np.ndarray) -> tuple[float, float]:
    return float(fdp.mean()), float(fdp.std(ddof=1) / np.sqrt(fdp.size))


def test_bh_rows_matches_statsmodels():
    rng = np.random.default_rng(1)
    p = rng.random((200, 4)) ** 3
    p[rng.random((200, 4)) < 0.3] = np.nan
    got = bh_rows(p)
    for i in range(p.shape[0]):
        ok = np.isfinite(p[i])
        if ok.any():
            want = multipletests(p[i, ok], method="fdr_bh")[1]
            np.testing.assert_allclose(got[i, ok], want, rtol=1e-12)
        assert np.all(np.isnan(got[i, ~ok]))


@pytest.mark.parametrize("method", ["lond", "lord++"])
def test_vectorised_decisions_equal_the_ledger(simulated, method):
    """The batched rules above are what Ledger.record_tests decides, walk by walk."""
    decide = {"lond": decide_lond, "lord++": decide_lordpp}[method]
    for control, reject in (
        ("per-target", decide_per_target(simulated)),
        ("walk", decide(simulated)),
    ):
        for g in range(60):
            ledger = Ledger(control, method=method, alpha=ALPHA)
            for start in range(0, simulated["row"].shape[1], 4):
                s = slice(start, start + 4)
                ok = simulated["row"][g, s] >= 0
                if ok.any():
                    ledger.record_tests(
                        int(simulated["target"][g, start]),
                        simulated["row"][g, s][ok],
                        simulated["pvalue"][g, s][ok],
                        simulated["effect"][g, s][ok],
                        test="welch",
                        pvalue_adj=simulated["pvalue_adj"][g, s][ok],
                        alpha=ALPHA,
                    )
            frame = ledger.to_frame()
            assert len(ledger) == simulated["new"][g].sum()
            np.testing.assert_array_equal(frame["row"], simulated["row"][g][simulated["new"][g]])
            np.testing.assert_array_equal(frame["decision"] != "ns", reject[g][simulated["new"][g]])


def test_walk_wide_control_keeps_fdr_below_alpha(simulated):
    for name, decide in (("LOND", decide_lond), ("LORD++", decide_lordpp)):
        fdp, disc = walk_fdp(simulated, decide(simulated))
        fdr, se = _summary(fdp)
        msg = (
            f"walk-wide {name}: FDR {fdr:.4f} +- {se:.4f} (MC s.e., {fdp.size} walks), "
            f"{disc.mean():.2f} discoveries per walk"
        )
        print(msg)
        assert fdr <= ALPHA, msg
        assert disc.mean() > 0.2, msg  # it does find some of the truly better configurations


def test_per_target_correction_alone_does_not(simulated):
    fdp, disc = walk_fdp(simulated, decide_per_target(simulated))
    fdr, se = _summary(fdp)
    msg = (
        f"per-target BH: FDR {fdr:.4f} +- {se:.4f} (MC s.e., {fdp.size} walks), "
        f"{disc.mean():.2f} discoveries per walk"
    )
    print(msg)
    assert fdr > ALPHA + 3 * se, msg
    # without any correction (compare's default) it is worse still
    fdp_none, _ = walk_fdp(simulated, simulated["new"] & (simulated["pvalue"] < ALPHA))
    fdr_none, se_none = _summary(fdp_none)
    print(f"no correction: FDR {fdr_none:.4f} +- {se_none:.4f}")
    assert fdr_none > fdr, (fdr_none, fdr)
