"""The re-run plan: which configurations are worth more seeds, and how many.

:func:`plan` compares a target (:func:`sweepwalk.analysis.compare.compare`) and ranks the
inconclusive rows by what it would take to decide them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from .._vocab import Against, Correction, Neighbors, Test
from ..validation import arguments as v
from ..validation import limits as _limits
from .compare import Comparison, compare
from .settings import DEFAULTS

if TYPE_CHECKING:
    from ..data.sweep_data import SweepData

__all__ = ["confirmation_seeds", "optuna_trials", "plan", "plan_runs", "wandb_sweep"]


def plan(
    sweep: SweepData,
    target: int | dict[str, Any],
    *,
    test: Test = DEFAULTS.test,
    correction: Correction = DEFAULTS.correction,
    alpha: float = DEFAULTS.alpha,
    against: Against = DEFAULTS.against,
    neighbors: Neighbors = DEFAULTS.neighbors,
    max_seeds: int | None = None,
    random_state: Any = None,
    effect_of_interest: float | None = None,
) -> pd.DataFrame:
    """Rank the configurations worth re-running with more seeds, and how many more each needs.

    The target is compared (see :func:`sweepwalk.analysis.compare.compare`); a compared
    configuration is worth re-running when its result is inconclusive:

    - status "ns" and underpowered (its ``mde`` exceeds ``effect_of_interest``: these seeds
      could not have detected a difference worth caring about), or
    - status "na" because a side has fewer than ``sweep.min_runs`` scores.

    The target itself comes first, with the fresh seeds that would confirm it: its mean was
    read on the seeds that made it look good (the winner's curse, after a walk especially), so
    the plan proposes enough *new* seeds to estimate it within ``±effect_of_interest``.

    Parameters
    ----------
    sweep : SweepData
        The sweep.
    target : int or dict
        Config id of the target, or a dict of parameter values.
    test, correction, alpha, against, neighbors : optional
        As in :func:`sweepwalk.analysis.compare.compare`.
    max_seeds : int, optional
        Leave out configurations that need more than this many seeds in total.
    random_state : optional
        Passed to the comparison (permutation tests).
    effect_of_interest : float, optional
        The difference in means worth detecting, metric units (default: half the median
        seed-to-seed standard deviation, see :func:`sweepwalk.analysis.compare.compare`).

    Returns
    -------
    pandas.DataFrame
        Indexed by config id: first the target (``reason`` "confirm"), then the rows worth
        re-running, best first. Columns: the parameters, ``n``, ``mean``, ``diff_mean``,
        ``effect``, ``status``, ``mde``, ``seeds_needed`` (seeds per configuration for 80%
        power to detect ``effect_of_interest`` at the row's level, with the chosen test),
        ``more_seeds`` (for this configuration: ``max(seeds_needed, min_runs) - n``, at least
        0; for the target: the fresh seeds of its confirmation), ``more_seeds_target`` (what
        the target needs for this row's question), ``promising`` (the observed mean beats the
        target's in the goal's direction) and ``reason`` ("confirm", "underpowered" or "too
        few runs"). ``attrs`` holds the settings and ``effect_of_interest``.

    Notes
    -----
    Ranking rule: promising rows first (they could turn out better than the target); then
    fewer ``more_seeds`` first (the cheapest to resolve; unknown last); then larger
    ``|effect - 0.5|`` first. ``seeds_needed`` answers the stated question (a difference of
    ``effect_of_interest``) at the level the correction left each row, not the observed
    difference (whose post-hoc power is noise). The confirmation needs ``k`` fresh seeds, the
    fewest with ``t(0.975, k - 1) * sd / sqrt(k) <= effect_of_interest`` (``sd`` the target's).

    References
    ----------
    .. [1] Cohen, J. (1988). Statistical Power Analysis for the Behavioral Sciences (2nd ed.).
           Lawrence Erlbaum.
    .. [2] Lakens, D. (2017). Equivalence tests: A practical primer for t tests, correlations,
           and meta-analyses. Social Psychological and Personality Science, 8(4), 355-362.
    """
    max_seeds = v.check_int(max_seeds, "max_seeds", minimum=1, allow_none=True)
    comp = compare(
        sweep,
        target,
        against=against,
        test=test,
        correction=correction,
        alpha=alpha,
        neighbors=neighbors,
        random_state=random_state,
        ci=None,
        effect_of_interest=effect_of_interest,
    )
    t = comp.target
    counts = sweep.counts
    frame = comp.to_frame().drop(index=t)
    keep = (frame["status"] == "na") | ((frame["status"] == "ns") & frame["underpowered"])
    frame = frame[keep]
    need = np.maximum(frame["seeds_needed"].to_numpy(), sweep.min_runs)
    n = frame["n"].to_numpy(dtype=np.float64)
    more = np.maximum(need - n, 0.0)
    more_target = np.maximum(need - float(counts[t]), 0.0)
    sign = 1.0 if sweep.goal == "max" else -1.0
    cols = [*sweep.params, "n", "mean", "diff_mean", "effect", "status", "mde", "seeds_needed"]
    out: pd.DataFrame = frame[cols].copy()
    out["more_seeds"] = more
    out["more_seeds_target"] = more_target
    out["promising"] = sign * out["diff_mean"].to_numpy() > 0
    out["reason"] = np.where(out["status"].to_numpy() == "na", "too few runs", "underpowered")
    if max_seeds is not None:
        out = out[~(out["seeds_needed"] > max_seeds)]
    strength = -(out["effect"] - 0.5).abs().fillna(0.0)
    order = np.lexsort(
        (
            strength.to_numpy(),
            out["more_seeds"].fillna(np.inf).to_numpy(),
            ~out["promising"].to_numpy(),
        )
    )
    out = pd.concat([_confirmation(sweep, comp, cols), out.iloc[order]])
    seed_values = sweep.runs_column(sweep.seed) if sweep.seed is not None else None
    out.attrs.update(
        params=tuple(sweep.params),
        metric=sweep.metric,
        goal=sweep.goal,
        seed=sweep.seed if sweep.seed is not None else "seed",
        next_seed=_next_seed(seed_values),
        binned=tuple(sweep.binned),
        target=t,
        test=comp.test,
        correction=comp.correction,
        alpha=comp.alpha,
        effect_of_interest=comp.effect_of_interest,
        notes=comp.notes,
    )
    return out


def confirmation_seeds(sd: float, half_width: float, level: float = 0.95) -> float:
    """Fewest fresh seeds whose t interval of a mean has half-width at most ``half_width``.

    The smallest ``k >= 2`` with ``t(1 - (1 - level) / 2, k - 1) * sd / sqrt(k) <=
    half_width``; NaN when ``sd`` or ``half_width`` is not a positive finite number.
    """
    if not (np.isfinite(sd) and np.isfinite(half_width) and sd > 0 and half_width > 0):
        return float("nan")
    q = 1 - (1 - level) / 2
    k = max(2, int(np.ceil((stats.norm.ppf(q) * sd / half_width) ** 2)))
    while stats.t.ppf(q, k - 1) * sd / np.sqrt(k) > half_width:
        k += 1
    return float(k)


def _confirmation(sweep: SweepData, comp: Comparison, cols: list[Any]) -> pd.DataFrame:
    """Return the target's row of the plan: fresh seeds to confirm its mean within ±effect."""
    t = comp.target
    row: pd.DataFrame = sweep.configs.loc[
        [t], [c for c in cols if c in sweep.configs.columns]
    ].copy()
    sd = float(sweep.configs["std"].iloc[t])
    fresh = confirmation_seeds(sd, comp.effect_of_interest)
    row["diff_mean"] = 0.0
    row["effect"] = np.nan
    row["status"] = "target"
    row["mde"] = np.nan
    row["seeds_needed"] = fresh
    row["more_seeds"] = fresh
    row["more_seeds_target"] = fresh
    row["promising"] = False
    row["reason"] = "confirm"
    return row


def _next_seed(values: pd.Series | None) -> int:
    """Return the first integer seed above every integer seed used (0 without seeds)."""
    if values is None:
        return 0
    numbers = pd.to_numeric(values, errors="coerce")
    whole = numbers[numbers.notna() & (numbers % 1 == 0)]
    return int(whole.max()) + 1 if len(whole) else 0


def _plain(x: Any) -> Any:
    """Return a Python scalar for Optuna/W&B: numpy scalars unwrapped, absent (NaN/None) as None."""
    if isinstance(x, np.generic):
        x = x.item()
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return None
    return x


def plan_runs(plan: pd.DataFrame, *, seeds: Any = None) -> pd.DataFrame:
    """List the runs a plan proposes, one row per (configuration, seed) to run.

    Every configuration of the plan gets ``more_seeds`` new runs; the target gets as many as its
    confirmation or any row's ``more_seeds_target`` asks, whichever is more. All draw their seeds
    from the same list, so the new runs stay paired by seed across configurations. Rows whose
    ``more_seeds`` is unknown (NaN) or 0 propose nothing.

    Parameters
    ----------
    plan : pandas.DataFrame
        The result of :func:`plan` (``sweep.plan(...)``).
    seeds : sequence, optional
        The seed values to use, in order (each configuration takes the first ones it needs);
        by default the integers after the largest integer seed of the sweep.

    Returns
    -------
    pandas.DataFrame
        Columns: the parameters (absent values NaN/None), the seed column (the sweep's name,
        ``"seed"`` without one), ``config`` (the config id it re-runs) and ``reason``.

    Raises
    ------
    sweepwalk.validation.limits.SweepWorkError
        The plan proposes more than :data:`~sweepwalk.validation.limits.MAX_PLAN_RUNS` runs
        (a tiny ``effect_of_interest`` can ask for 1e10 seeds): said with the size before any
        row is built.

    Examples
    --------
    >>> import sweepwalk
    >>> sweep = sweepwalk.Sweep.from_runs(sweepwalk.datasets.load_demo(),
    ...                                   **sweepwalk.datasets.DEMO)
    >>> runs = plan_runs(sweep.plan(0))
    >>> runs.columns[-2:].tolist()
    ['config', 'reason']
    """
    params = list(plan.attrs["params"])
    seed_name = plan.attrs["seed"]
    more = plan["more_seeds"].to_numpy(dtype=np.float64)
    more = np.where(np.isfinite(more), more, 0.0).astype(np.int64)
    is_target = (plan["reason"] == "confirm").to_numpy()
    if is_target.any():
        wanted = plan["more_seeds_target"].to_numpy(dtype=np.float64)[~is_target]
        finite = wanted[np.isfinite(wanted)]
        more[is_target] = max(int(more[is_target][0]), int(finite.max(initial=0)))
    need = int(more.max(initial=0))
    _limits.check_plan_runs(int(more.sum(dtype=np.float64)), need, "plan_runs")
    if seeds is None:
        seeds = list(range(plan.attrs["next_seed"], plan.attrs["next_seed"] + need))
    seeds = list(seeds)
    if len(seeds) < need:
        raise ValueError(
            f"`seeds`: the plan needs up to {need} new seeds per configuration; got {len(seeds)}."
        )
    rows = np.repeat(np.arange(len(plan)), more)
    out: pd.DataFrame = plan.iloc[rows][params].reset_index(drop=True)
    out[seed_name] = [seeds[k] for m in more for k in range(m)]
    out["config"] = plan.index.to_numpy()[rows]
    out["reason"] = plan["reason"].to_numpy()[rows]
    return out


def _check_exportable(plan: pd.DataFrame, where: str) -> None:
    binned = list(plan.attrs.get("binned", ()))
    if binned:
        raise ValueError(
            f"{where}: parameters {binned} are binned into intervals, which are not values to "
            "run; take values inside the intervals from plan_runs(...) yourself."
        )


def optuna_trials(plan: pd.DataFrame, *, seeds: Any = None) -> list[dict[str, Any]]:
    """Return the plan's runs as parameter dicts for Optuna's ``study.enqueue_trial``.

    One dict per run of :func:`plan_runs`: the parameters (absent ones left out: conditional
    parameters) and the seed, so that the objective's ``trial.suggest_*("seed", ...)`` returns the
    planned seed.

    Examples
    --------
    >>> for params in optuna_trials(sweep.plan(0)):  # doctest: +SKIP
    ...     study.enqueue_trial(params)
    >>> study.optimize(objective, n_trials=len(study.trials))  # doctest: +SKIP
    """
    _check_exportable(plan, "optuna_trials")
    runs = plan_runs(plan, seeds=seeds).drop(columns=["config", "reason"])
    return [
        {str(k): _plain(x) for k, x in row.items() if _plain(x) is not None}
        for row in runs.to_dict(orient="records")
    ]


def wandb_sweep(
    plan: pd.DataFrame, *, seeds: Any = None, program: str | None = None
) -> dict[str, Any]:
    """Build a W&B sweep configuration (``wandb.sweep(config)``) running the plan's runs.

    W&B's grid is a product of parameter values, and the proposed runs are not a product; so the
    grid runs over one parameter, ``sweepwalk_run``, whose values are the runs of :func:`plan_runs`
    as dicts (parameters and seed). In the training script read them with
    ``wandb.config["sweepwalk_run"]``.

    Returns
    -------
    dict
        ``{"method": "grid", "metric": {"name", "goal"}, "parameters": {"sweepwalk_run":
        {"values": [...]}}}``, plus ``program`` when given.
    """
    _check_exportable(plan, "wandb_sweep")
    runs = optuna_trials(plan, seeds=seeds)
    goal = "maximize" if plan.attrs["goal"] == "max" else "minimize"
    config: dict[str, Any] = {
        "method": "grid",
        "metric": {"name": str(plan.attrs["metric"]), "goal": goal},
        "parameters": {"sweepwalk_run": {"values": runs}},
    }
    if program is not None:
        config["program"] = program
    return config
