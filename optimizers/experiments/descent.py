"""Experiments of plain and momentum descent: the bowl and the ravine.

The learning rates are picked for visual clarity. On the ravine
0.5(x^2 + 50y^2), SGD is stable below 2/50 = 0.04; at 0.035 the steep coordinate
shrinks by |1 - 0.035*50| = 0.75 per step while flipping sign, and the shallow one
by only 1 - 0.035 = 0.965, so the zig-zag stays visible while progress is slow.

Momentum there uses beta = 0.5, not the common 0.9. On a quadratic, heavy-ball
momentum contracts each principal direction by the roots of
z^2 - (1 + beta - lr*lambda) z + beta = 0. With beta = 0.9 both directions get
complex roots of modulus sqrt(0.9) = 0.949: the run overshoots along the valley
(x reaches +1.8) and swings across it longer than SGD, the opposite of the damping
the clip is about. With beta = 0.5 the cross-valley modulus is sqrt(0.5) = 0.707,
below SGD's 0.75, and the along-valley roots are real (0.923 and 0.541), so there
is no overshoot; the loss passes 1e-3 at step 60 against SGD's 130. The beta = 0.9
run is kept as its own experiment, to show what too long a memory does.
"""

from __future__ import annotations

from .registry import experiment, record_surface_runs

RAVINE_START = [-4.5, 1.5]
RAVINE_LR = 0.035

experiment(
    "bowl_sgd",
    "SGD on the round bowl 0.5(x^2 + y^2)",
    surface="bowl",
    start=[-3.0, 2.25],
    steps=30,
    runs={"SGD": ["SGD", {"lr": 0.1}]},
)(record_surface_runs)

experiment(
    "ravine_sgd",
    "SGD zig-zagging across the ravine 0.5(x^2 + 50y^2)",
    surface="ravine",
    start=RAVINE_START,
    steps=60,
    runs={"SGD": ["SGD", {"lr": RAVINE_LR}]},
)(record_surface_runs)

experiment(
    "ravine_momentum",
    "SGD against Momentum on the ravine, same start and learning rate",
    surface="ravine",
    start=RAVINE_START,
    steps=150,
    runs={
        "SGD": ["SGD", {"lr": RAVINE_LR}],
        "Momentum": ["Momentum", {"lr": RAVINE_LR, "beta": 0.5}],
    },
)(record_surface_runs)

experiment(
    "ravine_momentum_long_memory",
    "Momentum with beta 0.9 on the ravine: it overshoots along the valley",
    surface="ravine",
    start=RAVINE_START,
    steps=150,
    runs={
        "SGD": ["SGD", {"lr": RAVINE_LR}],
        "Momentum": ["Momentum", {"lr": RAVINE_LR, "beta": 0.9}],
    },
)(record_surface_runs)
