"""The blog post's claims about plain and momentum descent, checked on stored runs.

The runs come from ``optimizers.experiments.load`` with the cache in a temporary
folder. Starts and learning rates are read from each experiment's config, and the
figures in comments are those of the current configs: the bowl from (-3, 2.25) at
lr 0.1 for 30 steps, and the ravine from (-4.5, 1.5) at lr 0.035.
"""

from __future__ import annotations

import numpy as np
import pytest

from optimizers import experiments
from optimizers.rules import SGD, Adam, AdamW, Momentum, RMSProp, make_optimizer
from optimizers.surfaces import RAVINE
from optimizers.trajectory import DIVERGENCE_FACTOR, Trajectory, record

# f(x, y) = 0.5 * (a x^2 + b y^2) for each surface the experiments use.
CURVATURES = {"bowl": np.array([1.0, 1.0]), "ravine": np.array([1.0, 50.0])}
EXPERIMENT_NAMES = ["bowl_sgd", "ravine_sgd", "ravine_momentum"]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> dict[str, experiments.ExperimentData]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OPTMEM_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        return {name: experiments.load(name) for name in EXPERIMENT_NAMES}


def all_runs(loaded) -> list[tuple[str, str, Trajectory]]:
    return [
        (name, label, run)
        for name, data in loaded.items()
        for label, run in data.trajectories().items()
    ]


# --- Section 1: on a round bowl, SGD walks straight to the minimum ---------------


def test_bowl_path_collinear(loaded):
    # The sine of the angle between each position and the start, |s x p|/(|s||p|),
    # is at most 6e-16 over the 30 steps.
    positions = loaded["bowl_sgd"].trajectory("SGD").positions
    start = positions[0]
    cross = start[0] * positions[:, 1] - start[1] * positions[:, 0]
    sine = cross / (np.linalg.norm(start) * np.linalg.norm(positions, axis=1))
    assert np.abs(sine).max() < 1e-12


def test_bowl_path_no_overshoot(loaded):
    # Collinear and on the start's side of the origin: the path never passes 0.
    positions = loaded["bowl_sgd"].trajectory("SGD").positions
    assert np.all(positions @ positions[0] > 0)


def test_bowl_distance_decreasing(loaded):
    # Each step scales the position by 1 - lr = 0.9: the distance to the minimum goes
    # from 3.75 to 3.75 * 0.9^30 = 0.159.
    data = loaded["bowl_sgd"]
    distances = np.linalg.norm(data.trajectory("SGD").positions, axis=1)
    assert np.all(np.diff(distances) < 0)
    lr = data.config["runs"]["SGD"][1]["lr"]
    expected = np.linalg.norm(data.config["start"]) * (1 - lr) ** data.config["steps"]
    assert distances[-1] == pytest.approx(expected, rel=1e-12)


# --- Section 2: on the ravine, SGD zig-zags across and crawls along -------------


def test_ravine_y_flips_sign(loaded):
    # y is multiplied by 1 - 50 * 0.035 = -0.75 at every step of the 60.
    y = loaded["ravine_sgd"].trajectory("SGD").positions[:, 1]
    assert np.all(y[:-1] * y[1:] < 0)


def test_ravine_x_keeps_sign(loaded):
    x = loaded["ravine_sgd"].trajectory("SGD").positions[:, 0]
    assert np.all(np.sign(x) == np.sign(x[0]))


def test_ravine_x_monotone(loaded):
    x = loaded["ravine_sgd"].trajectory("SGD").positions[:, 0]
    assert np.all(np.diff(np.abs(x)) < 0)


def test_ravine_x_slow(loaded):
    # x is multiplied by 1 - 0.035 = 0.965 per step: after 60 steps it has gone from
    # -4.5 to -0.531, still 12% of the way out, while |y| fell from 1.5 to 4.8e-8.
    data = loaded["ravine_sgd"]
    final = data.trajectory("SGD").positions[-1]
    start = np.array(data.config["start"])
    assert abs(final[0]) / abs(start[0]) > 0.05
    assert abs(final[1]) / abs(start[1]) < 1e-6


def test_ravine_matches_closed_form(loaded):
    # SGD on a diagonal quadratic: w_t = w_0 * (1 - lr * curvature)^t per coordinate.
    data = loaded["ravine_sgd"]
    lr = data.config["runs"]["SGD"][1]["lr"]
    t = np.arange(data.config["steps"] + 1)[:, np.newaxis]
    expected = np.array(data.config["start"]) * (1 - lr * CURVATURES["ravine"]) ** t
    np.testing.assert_allclose(
        data.trajectory("SGD").positions, expected, rtol=1e-12, atol=1e-300
    )


# --- Section 3: Momentum gets down the ravine sooner at the same learning rate ---


def test_momentum_same_lr(loaded):
    runs = loaded["ravine_momentum"].trajectories()
    assert runs["Momentum"].hyperparameters["lr"] == runs["SGD"].hyperparameters["lr"]


def test_momentum_reaches_target_sooner(loaded):
    # Steps to reach loss 1e-3 at lr 0.035: 60 for Momentum (beta 0.5), 130 for SGD.
    runs = loaded["ravine_momentum"].trajectories()
    momentum = runs["Momentum"].first_step_below(1e-3)
    sgd = runs["SGD"].first_step_below(1e-3)
    assert momentum is not None
    assert sgd is not None
    assert momentum < sgd
    assert 40 <= momentum <= 80
    assert 100 <= sgd <= 150


def test_sgd_target_step_closed_form(loaded):
    # The first t with 0.5 * (x0^2 (1-lr)^2t + 50 y0^2 (1-50 lr)^2t) < 1e-3.
    data = loaded["ravine_momentum"]
    lr = data.config["runs"]["SGD"][1]["lr"]
    t = np.arange(data.config["steps"] + 1)[:, np.newaxis]
    positions = np.array(data.config["start"]) * (1 - lr * CURVATURES["ravine"]) ** t
    losses = 0.5 * (positions**2 @ CURVATURES["ravine"])
    expected = int(np.flatnonzero(losses < 1e-3)[0])
    assert data.trajectory("SGD").first_step_below(1e-3) == expected


# --- What the recorder stores ----------------------------------------------------


def test_grads_rows_are_gradients(loaded):
    # Row t of grads is the gradient at positions[t]: (a x, b y) in closed form.
    for name, label, run in all_runs(loaded):
        curvatures = CURVATURES[loaded[name].config["surface"]]
        np.testing.assert_allclose(
            run.grads,
            run.positions[:-1] * curvatures,
            rtol=1e-15,
            atol=0,
            err_msg=f"{name}/{label}",
        )


def test_losses_are_values(loaded):
    for name, label, run in all_runs(loaded):
        curvatures = CURVATURES[loaded[name].config["surface"]]
        np.testing.assert_allclose(
            run.losses,
            0.5 * (run.positions**2 @ curvatures),
            rtol=1e-15,
            atol=0,
            err_msg=f"{name}/{label}",
        )


def test_stored_shapes(loaded):
    for name, label, run in all_runs(loaded):
        steps = loaded[name].config["steps"]
        assert run.positions.shape == (steps + 1, 2), f"{name}/{label}"
        assert run.losses.shape == (steps + 1,), f"{name}/{label}"
        assert run.grads.shape == (steps, 2), f"{name}/{label}"


def test_stored_runs_finite(loaded):
    for name, label, run in all_runs(loaded):
        assert run.diverged_at is None, f"{name}/{label}"
        for key in ("positions", "losses", "grads"):
            assert np.all(np.isfinite(getattr(run, key))), f"{name}/{label}/{key}"


def test_velocity_rows_recurrence(loaded):
    # v_t = beta v_{t-1} + g_t and w_{t+1} = w_t - lr v_t, evaluated here from the
    # stored gradients.
    run = loaded["ravine_momentum"].trajectory("Momentum")
    lr, beta = run.hyperparameters["lr"], run.hyperparameters["beta"]
    velocity = np.zeros(2)
    for t in range(run.steps):
        velocity = beta * velocity + run.grads[t]
        np.testing.assert_allclose(
            run.state["velocity"][t], velocity, rtol=1e-15, atol=0, err_msg=f"step {t}"
        )
        np.testing.assert_allclose(
            run.positions[t + 1],
            run.positions[t] - lr * velocity,
            rtol=1e-15,
            atol=1e-300,
            err_msg=f"step {t}",
        )


def replay(run: Trajectory) -> tuple[list[np.ndarray], dict[str, list[np.ndarray]]]:
    """Feed the stored gradients to a fresh optimizer, returning positions and state."""
    optimizer = make_optimizer(run.optimizer, **run.hyperparameters)
    params = [run.positions[0].copy()]
    positions = []
    states: dict[str, list[np.ndarray]] = {}
    for t in range(run.steps):
        optimizer.step(params, [run.grads[t].copy()])
        positions.append(params[0].copy())
        for name, arrays in optimizer.state().items():
            states.setdefault(name, []).append(arrays[0])
    return positions, states


def test_loaded_state_replays(loaded):
    run = loaded["ravine_momentum"].trajectory("Momentum")
    positions, states = replay(run)
    assert set(run.state) == {"velocity"}
    np.testing.assert_array_equal(run.positions[1:], np.array(positions))
    np.testing.assert_array_equal(run.state["velocity"], np.array(states["velocity"]))


def test_sgd_run_has_no_state(loaded):
    assert loaded["ravine_sgd"].trajectory("SGD").state == {}


ADAPTIVE = {
    "RMSProp": lambda: RMSProp(lr=0.05, beta=0.9),
    "Adam": lambda: Adam(lr=0.1),
    "AdamW": lambda: AdamW(lr=0.1, weight_decay=0.05),
}


@pytest.mark.parametrize("name", list(ADAPTIVE))
def test_recorded_state_replays(name):
    run = record(ADAPTIVE[name](), RAVINE, [-4.5, 1.5], steps=80)
    positions, states = replay(run)
    np.testing.assert_array_equal(run.positions[1:], np.array(positions))
    assert set(run.state) == set(states)
    for state_name, rows in states.items():
        np.testing.assert_array_equal(
            run.state[state_name], np.array(rows), err_msg=state_name
        )


@pytest.mark.parametrize("name", ["Adam", "AdamW"])
def test_derived_adam_rows(name):
    # m_hat = m / (1 - beta1^t), v_hat = v / (1 - beta2^t) and
    # effective_lr = lr / (sqrt(v_hat) + eps), with t counted from 1.
    optimizer = ADAPTIVE[name]()
    run = record(optimizer, RAVINE, [-4.5, 1.5], steps=80)
    t = np.arange(1, run.steps + 1)[:, np.newaxis]
    m_hat = run.state["m"] / (1 - optimizer.beta1**t)
    v_hat = run.state["v"] / (1 - optimizer.beta2**t)
    effective_lr = optimizer.lr / (np.sqrt(v_hat) + optimizer.eps)
    np.testing.assert_allclose(run.derived["m_hat"], m_hat, rtol=1e-14)
    np.testing.assert_allclose(run.derived["v_hat"], v_hat, rtol=1e-14)
    np.testing.assert_allclose(run.derived["effective_lr"], effective_lr, rtol=1e-14)


def test_derived_rmsprop_rows():
    optimizer = ADAPTIVE["RMSProp"]()
    run = record(optimizer, RAVINE, [-4.5, 1.5], steps=80)
    rms = np.sqrt(run.state["sq_avg"])
    np.testing.assert_allclose(run.derived["rms"], rms, rtol=1e-15)
    np.testing.assert_allclose(
        run.derived["effective_lr"], optimizer.lr / (rms + optimizer.eps), rtol=1e-15
    )


# --- Divergence --------------------------------------------------------------------


def test_divergence_above_limit():
    # At lr 0.05 > 2/50, SGD multiplies y by 1 - 50 * 0.05 = -1.5 per step. The loss
    # passes 1e6 times its start at step 18, which is not stored.
    lr = 0.05
    assert lr > RAVINE.stability_limit
    run = record(SGD(lr=lr), RAVINE, [-4.5, 1.5], steps=200)
    assert run.diverged_at is not None
    assert run.steps == run.diverged_at - 1
    assert 10 <= run.diverged_at <= 30


def test_diverged_run_stores_finite():
    run = record(SGD(lr=0.05), RAVINE, [-4.5, 1.5], steps=200)
    for key in ("positions", "losses", "grads"):
        assert np.all(np.isfinite(getattr(run, key))), key
    assert run.losses.max() <= DIVERGENCE_FACTOR * run.losses[0]


def test_diverged_run_stored_arrays():
    # A diverged run survives the cache's array form with its divergence step.
    run = record(SGD(lr=0.05), RAVINE, [-4.5, 1.5], steps=200)
    restored = Trajectory.from_arrays(run.to_arrays("SGD"), "SGD")
    assert restored.diverged_at == run.diverged_at
    np.testing.assert_array_equal(restored.positions, run.positions)


def test_diverged_momentum_state_finite():
    # Heavy-ball momentum is stable on curvature h only for lr * h < 2 * (1 + beta).
    # Here 0.1 * 50 = 5 > 3.8, so the run diverges, and its stored velocity rows must
    # stay finite.
    run = record(Momentum(lr=0.1, beta=0.9), RAVINE, [-4.5, 1.5], steps=500)
    assert run.diverged
    assert set(run.state) == {"velocity"}
    for name, rows in {**run.state, **run.derived}.items():
        assert np.all(np.isfinite(rows)), name


class GradientBlowsUp:
    """0.5 * |w|^2 whose gradient is infinite from step ``bad_step`` on."""

    def __init__(self, bad_step: int) -> None:
        self.bad_step = bad_step

    def loss(self, params):
        return float(0.5 * params[0] @ params[0])

    def gradient(self, params, step):
        if step >= self.bad_step:
            return [np.full_like(params[0], np.inf)]
        return [params[0].copy()]


def test_infinite_gradient_stops_run():
    run = record(SGD(lr=0.1), GradientBlowsUp(bad_step=3), [1.0, 1.0], steps=10)
    assert run.diverged
    assert run.steps == 3
    assert np.all(np.isfinite(run.positions))


def test_diverged_at_unstored_step():
    run = record(SGD(lr=0.1), GradientBlowsUp(bad_step=3), [1.0, 1.0], steps=10)
    assert run.diverged_at == run.steps + 1
