"""Experiments that train models: linear regression and the two-moons MLP, and the
memory their optimizers carry.

Hyperparameters. Linear regression has standard normal features, so the Hessian
of its loss, X^T X / n with a column of ones for the bias, has eigenvalues near 1
and SGD is stable up to a learning rate near 2. At 0.1 it converges in a few
hundred steps without overshoot. Momentum with beta 0.9 takes 0.05, an effective rate of
0.5. RMSProp, Adam and AdamW move each coordinate by about their learning rate per
step, so theirs are the size of the last distance to cover. AdamW's weight decay
pulls its fixed point toward zero, so it stops a small, stated distance from the
least-squares solution: that gap is what decoupled decay does.

The two-moons MLP uses tanh hidden layers and the same start for every optimizer.
SGD at 0.5 and Momentum at 0.05 (effective 0.5) take the same size of step; the
adaptive optimizers use 0.01, RMSProp 0.003 since it has no first-moment averaging
to damp its steps.
"""

from __future__ import annotations

import json

import numpy as np
import scipy.linalg
from sklearn.datasets import make_moons

from ..memory import BYTES_PER_VALUE, count_state, state_per_parameter, training_bytes
from ..models import MLP, LinearRegression, unflatten
from ..rules import OPTIMIZERS, make_optimizer
from ..trajectory import record
from .registry import Arrays, experiment

OPTIMIZER_NAMES = list(OPTIMIZERS)

#: Below this, an excess loss is shown at the floor of a log axis.
LOSS_FLOOR = 1e-12

LINEAR_RUNS = {
    "SGD": ["SGD", {"lr": 0.1}],
    "Momentum": ["Momentum", {"lr": 0.05, "beta": 0.9}],
    "RMSProp": ["RMSProp", {"lr": 0.01}],
    "Adam": ["Adam", {"lr": 0.05}],
    "AdamW": ["AdamW", {"lr": 0.05, "weight_decay": 0.01}],
}

MOONS_RUNS = {
    "SGD": ["SGD", {"lr": 0.5}],
    "Momentum": ["Momentum", {"lr": 0.05, "beta": 0.9}],
    "RMSProp": ["RMSProp", {"lr": 0.003}],
    "Adam": ["Adam", {"lr": 0.01}],
    "AdamW": ["AdamW", {"lr": 0.01, "weight_decay": 0.01}],
}


def least_squares(data: LinearRegression) -> np.ndarray:
    """Solve for the least-squares ``[w, b]`` of ``data`` with scipy, as one vector."""
    design = np.column_stack([data.X, np.ones(data.n_samples)])
    solution, *_ = scipy.linalg.lstsq(design, data.y)
    return solution


@experiment(
    "linear_regression",
    "Five optimizers fit y = Xw + b + noise; scipy's least squares is the reference",
    n_samples=200,
    n_features=5,
    noise=0.1,
    bias=0.5,
    seed=0,
    steps=300,
    runs=LINEAR_RUNS,
)
def build_linear_regression(config: dict) -> Arrays:
    data = LinearRegression(
        config["n_samples"],
        config["n_features"],
        config["noise"],
        config["bias"],
        config["seed"],
    )
    solution = least_squares(data)
    best = data.loss(unflatten(solution, data.shapes))
    arrays: Arrays = {
        "lstsq/solution": solution,
        "lstsq/loss": np.array(best),
        "n_params": np.array(data.n_params),
    }
    for label, (name, hyperparameters) in config["runs"].items():
        optimizer = make_optimizer(name, **hyperparameters)
        run = record(optimizer, data, data.init_params(), config["steps"], label)
        arrays.update(run.to_arrays(label))
        arrays[f"{label}/excess_loss"] = np.maximum(run.losses - best, LOSS_FLOOR)
        arrays[f"{label}/distance"] = np.linalg.norm(run.positions - solution, axis=1)
        arrays[f"{label}/state_values"] = np.array(
            sum(values.shape[1] for values in run.state.values())
        )
    return arrays


def moons_data(config: dict) -> tuple[np.ndarray, np.ndarray]:
    X, y = make_moons(
        config["n_samples"], noise=config["noise"], random_state=config["seed"]
    )
    return X, y.astype(np.float64)


@experiment(
    "two_moons",
    "The 2-32-32-1 MLP on two moons, trained by five optimizers from one start",
    n_samples=200,
    noise=0.2,
    seed=0,
    sizes=[2, 32, 32, 1],
    steps=400,
    snapshots=[0, 10, 25, 50, 75, 100, 150, 200, 300, 400],
    x_range=[-1.6, 2.6],
    y_range=[-1.2, 1.7],
    resolution=48,
    band_levels=[0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0],
    boundary_level=0.5,
    accuracy_target=0.95,
    runs=MOONS_RUNS,
)
def build_two_moons(config: dict) -> Arrays:
    X, y = moons_data(config)
    model = MLP(X, y, config["sizes"])
    start = model.init_params(config["seed"])
    snapshots = np.array(config["snapshots"], dtype=np.int64)
    if snapshots.min() < 0 or snapshots.max() > config["steps"]:
        raise ValueError(
            f"snapshots {config['snapshots']} must lie within 0..{config['steps']}"
        )
    arrays: Arrays = {
        "X": X,
        "y": y,
        "n_params": np.array(model.n_params),
        "layer_counts": np.array(model.layer_counts()),
        "snapshots": snapshots,
    }
    for label, (name, hyperparameters) in config["runs"].items():
        optimizer = make_optimizer(name, **hyperparameters)
        run = record(
            optimizer,
            model,
            [p.copy() for p in start],
            config["steps"],
            label,
            on_step=lambda t, params: {"accuracy": np.array(model.accuracy(params))},
        )
        if run.diverged:
            raise ValueError(f"{label} diverged on two moons at step {run.diverged_at}")
        # Store what the clip shows, not the 1185 values of every step.
        accuracy = np.concatenate([[model.accuracy(start)], run.derived["accuracy"]])
        arrays[f"{label}/losses"] = run.losses
        arrays[f"{label}/accuracy"] = accuracy
        reached = np.flatnonzero(accuracy >= config["accuracy_target"])
        # -1: the run never reached the target accuracy
        arrays[f"{label}/first_at_target"] = np.array(
            int(reached[0]) if reached.size else -1
        )
        arrays[f"{label}/grids"] = np.stack(
            [
                model.grid_proba(
                    unflatten(run.positions[k], model.shapes),
                    tuple(config["x_range"]),
                    tuple(config["y_range"]),
                    config["resolution"],
                )
                for k in snapshots
            ]
        )
        arrays[f"{label}/state_values"] = np.array(
            sum(values.shape[1] for values in run.state.values())
        )
    return arrays


@experiment(
    "memory_cost",
    "Optimizer state counted from state() on the MLP's parameters, then in bytes",
    sizes=[2, 32, 32, 1],
    seed=0,
    model_sizes={"MLP": 1185, "125M": 125e6, "7B": 7e9, "70B": 70e9},
    formats=["FP32", "BF16", "8-bit"],
    chart_size="7B",
)
def build_memory_cost(config: dict) -> Arrays:
    # A real parameter list and its real gradient: the MLP on the two-moons data.
    X, y = make_moons(200, noise=0.2, random_state=config["seed"])
    model = MLP(X, y, config["sizes"])
    params = model.init_params(config["seed"])
    grads = model.gradient(params)
    n = model.n_params
    names = np.array(OPTIMIZER_NAMES)
    counts = [count_state(name, params, grads) for name in OPTIMIZER_NAMES]
    per_param = np.array([state_per_parameter(c, n) for c in counts])
    sizes = np.array(list(config["model_sizes"].values()), dtype=np.float64)
    if sizes[0] != n:
        raise ValueError(
            f"the first model size {sizes[0]:g} should be the MLP's {n} parameters"
        )
    arrays: Arrays = {
        "optimizers": names,
        "n_params": np.array(n),
        "state_values": np.array([sum(c.values()) for c in counts]),
        "state_names": np.array([json.dumps(list(c)) for c in counts]),
        "remembers": np.array([OPTIMIZERS[name].remembers for name in names]),
        "state_per_param": per_param,
        "size_names": np.array(list(config["model_sizes"])),
        "sizes": sizes,
        "formats": np.array(config["formats"]),
        "bytes_per_value": np.array([BYTES_PER_VALUE[f] for f in config["formats"]]),
    }
    for part in ("parameters", "gradients"):
        arrays[f"bytes/{part}"] = np.array(
            [training_bytes(size, 0.0)[part] for size in sizes]
        )
    for fmt in config["formats"]:
        # rows: optimizers, columns: model sizes
        arrays[f"bytes/state/{fmt}"] = np.array(
            [[training_bytes(s, k, fmt)["state"] for s in sizes] for k in per_param]
        )
    return arrays
