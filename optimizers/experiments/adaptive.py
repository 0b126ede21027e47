"""Experiments of adaptive optimizers: RMSProp, Adam, bias correction and AdamW.

Choices made for visual clarity:

- Scale memory runs on the scaled bowl 0.5(0.1x^2 + 50y^2) from (-4.5, 1.5), the
  ravine's start. SGD is stable there only below 2/50 = 0.04, so it keeps the
  ravine's 0.035, and x then shrinks by just 1 - 0.0035 per step: after 60 steps it
  is still at -3.6. RMSProp with lr 0.1 divides each coordinate by its own root mean
  square, so both coordinates move about 0.1 per step and x reaches -0.05 in the same
  60 steps. Its effective step lr/(sqrt(s)+eps) starts near 0.7 along x and 0.004
  across y, either side of SGD's single 0.035.
- Noisy gradients add N(0, 1) to both coordinates on the same surface. sigma = 1 is
  more than twice the shallow gradient at the start (0.45), so the raw arrow along x
  jitters visibly while the first moment does not. Momentum keeps the ravine's beta
  0.5: with 0.9 its run overshoots to x = +8.6, out of the map. Over the last 40 of
  100 steps the mean losses rank SGD, Momentum, RMSProp, Adam from worst to best.
  Two other noise sequences tried gave the same order, with RMSProp and Adam tied in
  one of them.
- Bias correction uses Adam's default betas 0.9 and 0.999 on a constant gradient 1,
  the textbook case. Adam with and without correction then runs on the round bowl
  with lr 0.1, so the early steps' lengths can be compared on one map.
- Weight decay uses lr 0.1 and weight_decay 0.1, 1% of each weight per step for
  AdamW, on the scaled bowl, whose gradient scales differ 500 times. On a diagonal
  quadratic, L2 only multiplies each coordinate's gradient by a constant,
  (c_i + lambda) instead of c_i, and Adam's m/sqrt(v) cancels such a constant: Adam
  with L2 there follows plain Adam's path, the starkest form of its decay being
  absorbed by the denominator.
"""

from __future__ import annotations

import numpy as np

from ..analysis import bias_correction_factor, decay_rate, decay_split
from ..rules import Adam, make_optimizer
from ..trajectory import record
from .registry import Arrays, experiment, record_surface_runs, surface_from_config

SCALED_START = [-4.5, 1.5]

experiment(
    "scaled_bowl_rmsprop",
    "SGD against RMSProp on the scaled bowl 0.5(0.1x^2 + 50y^2)",
    surface="scaled_bowl",
    start=SCALED_START,
    steps=60,
    runs={
        "SGD": ["SGD", {"lr": 0.035}],
        "RMSProp": ["RMSProp", {"lr": 0.1, "beta": 0.9, "eps": 1e-8}],
    },
)(record_surface_runs)

experiment(
    "noisy_adam",
    "SGD, Momentum, RMSProp and Adam on the scaled bowl with the same gradient noise",
    surface="scaled_bowl",
    start=SCALED_START,
    steps=100,
    noise_sigma=1.0,
    seed=0,
    # The mean loss over this many last steps is the clip's verdict.
    tail_steps=40,
    # Steps before the first moment's variance is compared with the gradient's.
    warmup_steps=20,
    # Display only: the moment arrows are drawn this many times their length.
    arrow_scale=4.0,
    runs={
        "SGD": ["SGD", {"lr": 0.035}],
        "Momentum": ["Momentum", {"lr": 0.035, "beta": 0.5}],
        "RMSProp": ["RMSProp", {"lr": 0.1, "beta": 0.9, "eps": 1e-8}],
        "Adam": ["Adam", {"lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}],
    },
)(record_surface_runs)


class ConstantGradient:
    """The linear loss sum(w), whose gradient is ``value`` everywhere."""

    def __init__(self, value: float) -> None:
        self.value = float(value)

    def loss(self, params) -> float:
        return float(self.value * np.sum(params[0]))

    def gradient(self, params, step: int) -> list[np.ndarray]:
        return [np.full_like(params[0], self.value)]


@experiment(
    "bias_correction",
    "Moving averages of a constant gradient 1 from zero, then Adam with and without "
    "bias correction on the bowl",
    gradient=1.0,
    constant_steps=30,
    beta1=0.9,
    beta2=0.999,
    surface="bowl",
    start=[-3.0, 2.25],
    steps=25,
    runs={
        "Adam": ["Adam", {"lr": 0.1}],
        "Adam, uncorrected": ["Adam", {"lr": 0.1, "bias_correction": False}],
    },
)
def build_bias_correction(config: dict) -> Arrays:
    """Record the moments of a constant gradient, then the two Adam runs.

    The constant-gradient run is stored as the trajectory ``constant`` (Adam with
    lr 1e-3 on the loss sum(w), whose moments do not depend on w), with the two
    correction factors 1/(1-beta^t) as ``constant/factor1`` and ``constant/factor2``.
    """
    arrays = record_surface_runs(config)
    optimizer = Adam(lr=1e-3, beta1=config["beta1"], beta2=config["beta2"])
    objective = ConstantGradient(config["gradient"])
    run = record(optimizer, objective, [0.0], config["constant_steps"], "constant")
    arrays.update(run.to_arrays("constant"))
    steps = config["constant_steps"]
    arrays["constant/factor1"] = bias_correction_factor(config["beta1"], steps)
    arrays["constant/factor2"] = bias_correction_factor(config["beta2"], steps)
    return arrays


@experiment(
    "adamw_decay",
    "Adam with L2 against AdamW, one weight_decay, on the scaled bowl",
    surface="scaled_bowl",
    start=SCALED_START,
    steps=80,
    # Display only: the arrows of the two parts are drawn this many times longer.
    arrow_scale=4.0,
    runs={
        "Adam+L2": ["Adam", {"lr": 0.1, "weight_decay": 0.1}],
        "AdamW": ["AdamW", {"lr": 0.1, "weight_decay": 0.1}],
    },
)
def build_adamw_decay(config: dict) -> Arrays:
    """Record both runs and split every update into its decay and gradient parts.

    Per run ``label``: ``label/decay`` and ``label/gradient_part`` (rows per step,
    summing to the update), ``label/decay_rate`` (the share of each weight the
    decay pulls off per step, ``optimizers.analysis.decay_rate``) and
    ``label/norm`` (the weight norm at every step). The split of
    Adam with L2 follows the penalty's own share of the first moment through the
    shared denominator; see ``optimizers.analysis.decay_split``.
    """
    surface = surface_from_config(config)
    arrays: Arrays = {}
    for label, (name, hyperparameters) in config["runs"].items():
        optimizer = make_optimizer(name, **hyperparameters)
        run = record(optimizer, surface, config["start"], config["steps"], label)
        arrays.update(run.to_arrays(label))
        decay, gradient = decay_split(
            run.positions,
            run.derived["v_hat"],
            optimizer.hyperparameters(),
            decoupled=name == "AdamW",
        )
        arrays[f"{label}/decay"] = decay
        arrays[f"{label}/gradient_part"] = gradient
        arrays[f"{label}/decay_rate"] = decay_rate(
            run.derived["v_hat"], optimizer.hyperparameters(), name == "AdamW"
        )
        arrays[f"{label}/norm"] = np.linalg.norm(run.positions, axis=1)
    return arrays
