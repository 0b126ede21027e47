"""Invalid hyperparameters and arrays, each with the whole message it must raise."""

from __future__ import annotations

import re

import numpy as np
import pytest

from optimizers.rules import (
    OPTIMIZERS,
    SGD,
    Adam,
    AdamW,
    Momentum,
    RMSProp,
    make_optimizer,
)

LR_HINT = "(expected a positive finite number, such as 0.1)"
BETA_HINT = "(expected a number in [0, 1), such as 0.9)"
EPS_HINT = "(expected a positive finite number, such as 1e-8)"
DECAY_HINT = "(expected a finite number >= 0)"
NEGATIVE_DECAY_HINT = "(expected a finite number >= 0, such as 0.01)"

# (id, constructor call, whole expected message)
INVALID_HYPERPARAMETERS = [
    ("lr negative", lambda: SGD(lr=-1), f"Invalid learning rate: -1 {LR_HINT}"),
    ("lr zero", lambda: SGD(lr=0), f"Invalid learning rate: 0 {LR_HINT}"),
    ("lr nan", lambda: SGD(lr=float("nan")), f"Invalid learning rate: nan {LR_HINT}"),
    ("lr inf", lambda: Adam(lr=float("inf")), f"Invalid learning rate: inf {LR_HINT}"),
    ("lr string", lambda: SGD(lr="0.1"), f"Invalid learning rate: '0.1' {LR_HINT}"),
    ("lr bool", lambda: Momentum(lr=True), f"Invalid learning rate: True {LR_HINT}"),
    (
        "lr numpy bool",
        lambda: SGD(lr=np.True_),
        f"Invalid learning rate: {np.True_!r} {LR_HINT}",
    ),
    ("lr None", lambda: RMSProp(lr=None), f"Invalid learning rate: None {LR_HINT}"),
    (
        "beta negative",
        lambda: Momentum(lr=0.1, beta=-0.1),
        f"Invalid beta: -0.1 {BETA_HINT}",
    ),
    ("beta one", lambda: Momentum(lr=0.1, beta=1.0), f"Invalid beta: 1.0 {BETA_HINT}"),
    (
        "beta nan",
        lambda: RMSProp(lr=0.1, beta=float("nan")),
        f"Invalid beta: nan {BETA_HINT}",
    ),
    (
        "rmsprop beta one",
        lambda: RMSProp(lr=0.1, beta=1),
        f"Invalid beta: 1 {BETA_HINT}",
    ),
    ("beta1 one", lambda: Adam(lr=0.1, beta1=1.0), f"Invalid beta1: 1.0 {BETA_HINT}"),
    (
        "beta1 negative",
        lambda: Adam(lr=0.1, beta1=-0.5),
        f"Invalid beta1: -0.5 {BETA_HINT}",
    ),
    ("beta2 one", lambda: AdamW(lr=0.1, beta2=1.0), f"Invalid beta2: 1.0 {BETA_HINT}"),
    (
        "beta2 negative",
        lambda: Adam(lr=0.1, beta2=-0.5),
        f"Invalid beta2: -0.5 {BETA_HINT}",
    ),
    ("eps zero", lambda: Adam(lr=0.1, eps=0), f"Invalid eps: 0 {EPS_HINT}"),
    (
        "eps negative",
        lambda: RMSProp(lr=0.1, eps=-1e-8),
        f"Invalid eps: -1e-08 {EPS_HINT}",
    ),
    ("eps nan", lambda: Adam(lr=0.1, eps=float("nan")), f"Invalid eps: nan {EPS_HINT}"),
    (
        "decay negative",
        lambda: Adam(lr=0.1, weight_decay=-0.01),
        f"Invalid weight_decay: -0.01 {NEGATIVE_DECAY_HINT}",
    ),
    (
        "decay inf",
        lambda: AdamW(lr=0.1, weight_decay=float("inf")),
        f"Invalid weight_decay: inf {DECAY_HINT}",
    ),
    (
        "decay nan",
        lambda: Adam(lr=0.1, weight_decay=float("nan")),
        f"Invalid weight_decay: nan {DECAY_HINT}",
    ),
    ("lr minus inf", lambda: SGD(lr=-np.inf), f"Invalid learning rate: -inf {LR_HINT}"),
    (
        "beta1 inf",
        lambda: AdamW(lr=0.1, beta1=float("inf")),
        f"Invalid beta1: inf {BETA_HINT}",
    ),
    (
        "beta2 nan",
        lambda: Adam(lr=0.1, beta2=float("nan")),
        f"Invalid beta2: nan {BETA_HINT}",
    ),
    ("eps inf", lambda: RMSProp(lr=0.1, eps=np.inf), f"Invalid eps: inf {EPS_HINT}"),
    (
        "momentum beta None",
        lambda: Momentum(lr=0.1, beta=None),
        f"Invalid beta: None {BETA_HINT}",
    ),
    (
        "bias_correction string",
        lambda: Adam(lr=0.1, bias_correction="yes"),
        "Invalid bias_correction: 'yes' (expected True or False)",
    ),
]


def whole(message: str) -> str:
    return f"^{re.escape(message)}$"


@pytest.mark.parametrize(
    ("build", "message"),
    [
        pytest.param(build, message, id=case_id)
        for case_id, build, message in INVALID_HYPERPARAMETERS
    ],
)
def test_invalid_hyperparameter_message(build, message):
    with pytest.raises(ValueError, match=whole(message)):
        build()


def test_step_count_mismatch():
    message = (
        "step got 2 parameter arrays but 1 gradient arrays; pass one gradient per "
        "parameter, in the same order"
    )
    params = [np.zeros(3), np.zeros(2)]
    with pytest.raises(ValueError, match=whole(message)):
        SGD(lr=0.1).step(params, [np.zeros(3)])


def test_step_shape_mismatch():
    message = (
        "gradient 1 has shape (3,) but parameter 1 has shape (2,); the shapes must "
        "match"
    )
    params = [np.zeros(3), np.zeros(2)]
    with pytest.raises(ValueError, match=whole(message)):
        Adam(lr=0.1).step(params, [np.zeros(3), np.zeros(3)])


def test_step_reused_new_shapes():
    message = (
        "step got parameters of shapes [(4,)], but this optimizer's state was made "
        "for shapes [(3,)]; use a new optimizer for new parameters"
    )
    optimizer = Momentum(lr=0.1)
    optimizer.step([np.zeros(3)], [np.ones(3)])
    with pytest.raises(ValueError, match=whole(message)):
        optimizer.step([np.zeros(4)], [np.ones(4)])


def test_rejected_step_keeps_params():
    # The checks run before any update, so a bad call changes nothing.
    params = [np.ones(3), np.ones(2)]
    with pytest.raises(ValueError):
        SGD(lr=0.1).step(params, [np.ones(3), np.ones(3)])
    np.testing.assert_array_equal(params[0], np.ones(3))


def test_step_int_params():
    message = (
        "parameter 0 must be a floating-point NumPy array so it can be updated in "
        "place, got ndarray of dtype int64"
    )
    with pytest.raises(TypeError, match=whole(message)):
        SGD(lr=0.1).step([np.zeros(3, dtype=np.int64)], [np.ones(3)])


def test_step_list_params():
    message = (
        "parameter 0 must be a floating-point NumPy array so it can be updated in "
        "place, got list"
    )
    with pytest.raises(TypeError, match=whole(message)):
        SGD(lr=0.1).step([[0.0, 0.0]], [np.ones(2)])


def test_make_optimizer_unknown_name():
    message = "Unknown optimizer 'Adagrad'; expected one of " + ", ".join(OPTIMIZERS)
    with pytest.raises(ValueError, match=whole(message)):
        make_optimizer("Adagrad", lr=0.1)


def test_make_optimizer_lists_names():
    # The message above names exactly these five classes.
    assert list(OPTIMIZERS) == ["SGD", "Momentum", "RMSProp", "Adam", "AdamW"]


def test_make_optimizer_checks_values():
    with pytest.raises(ValueError, match=whole(f"Invalid learning rate: 0 {LR_HINT}")):
        make_optimizer("Adam", lr=0)


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda: SGD(lr=np.float32(0.5)), {"lr": 0.5}),
        (lambda: Momentum(lr=1, beta=0), {"lr": 1.0, "beta": 0.0}),
        (lambda: Adam(lr=np.int64(2)), {"lr": 2.0}),
    ],
)
def test_valid_edge_values(build, expected):
    # Integers, NumPy scalars and beta = 0 are valid and stored as Python floats.
    hyperparameters = build().hyperparameters()
    for name, value in expected.items():
        assert type(hyperparameters[name]) is float
        assert hyperparameters[name] == value
