"""Update rules on one-parameter problems whose results can be worked out by hand.

Defaults throughout: Adam and AdamW use beta1 0.9, beta2 0.999 and eps 1e-8.
"""

from __future__ import annotations

from decimal import Decimal, getcontext

import numpy as np
import pytest

from optimizers.rules import SGD, Adam, AdamW, Momentum, RMSProp


def scalar(x: float, dtype=np.float64) -> list[np.ndarray]:
    return [np.array([x], dtype=dtype)]


def adam_on_half_square_exact(steps: int) -> list[Decimal]:
    """Evaluate Adam's equations on f(x) = 0.5 x^2 from x = 1, lr 0.1, in 50 digits."""
    getcontext().prec = 50
    lr, beta1, beta2 = Decimal("0.1"), Decimal("0.9"), Decimal("0.999")
    eps = Decimal("1e-8")
    x, m, v = Decimal(1), Decimal(0), Decimal(0)
    xs = []
    for t in range(1, steps + 1):
        g = x
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        x = x - lr * m_hat / (v_hat.sqrt() + eps)
        xs.append(x)
    return xs


def test_adam_half_square_figures():
    # Step 1: m_hat = g and v_hat = g^2, so x1 = 1 - 0.1 / (1 + 1e-8) = 0.900000001
    # to 16 digits. Step 2 gives x2 = 0.8004122297123382.
    params = scalar(1.0)
    optimizer = Adam(lr=0.1)
    xs = []
    for _ in range(2):
        optimizer.step(params, [params[0].copy()])
        xs.append(float(params[0][0]))
    assert xs[0] == pytest.approx(0.900000001, rel=0, abs=1e-15)
    assert xs[1] == pytest.approx(0.8004122297123382, rel=0, abs=1e-15)


def test_adam_figures_match_decimal():
    # The two figures above, against the equations evaluated to 50 digits:
    # x1 = 0.90000000099999999..., x2 = 0.80041222971233739... The float64 x2 is
    # off by 8e-16 (about 7 ulp), the rounding of two steps of float arithmetic.
    exact = adam_on_half_square_exact(2)
    assert abs(Decimal(0.900000001) - exact[0]) < Decimal("1e-15")
    assert abs(Decimal(0.8004122297123382) - exact[1]) < Decimal("1e-15")


def test_adam_constant_gradient_steps():
    # With a constant gradient, m_hat = 1 and v_hat = 1 at every step, so each step
    # moves by lr / (1 + eps) = 0.1 / (1 + 1e-8). The positions are -0.1, -0.2, -0.3,
    # each short by 1e-9 per step taken.
    params = scalar(0.0)
    optimizer = Adam(lr=0.1)
    step = 0.1 / (1 + 1e-8)
    for t in range(1, 4):
        optimizer.step(params, [np.ones(1)])
        assert params[0][0] == pytest.approx(-t * step, rel=1e-14)
        assert params[0][0] == pytest.approx(-0.1 * t, rel=0, abs=1e-8)


def test_adam_state_not_bias_corrected():
    # After step 1, m = (1 - 0.9) * 1 = 0.1 and v = (1 - 0.999) * 1 = 0.001. The
    # bias-corrected moments (both 1) must not be written back.
    params = scalar(0.0)
    optimizer = Adam(lr=0.1)
    optimizer.step(params, [np.ones(1)])
    state = optimizer.state()
    assert state["m"][0][0] == pytest.approx(0.1, rel=1e-15)
    assert state["v"][0][0] == pytest.approx(0.001, rel=1e-15)


def test_adam_step_counter():
    params = scalar(0.0)
    optimizer = Adam(lr=0.1)
    for _ in range(3):
        optimizer.step(params, [np.ones(1)])
    assert optimizer.t == 3


def test_momentum_constant_gradient():
    # v = 1, 1.9, 2.71, so x = -0.1 * (1 + 1.9 + 2.71) = -0.561 after three steps.
    params = scalar(0.0)
    optimizer = Momentum(lr=0.1, beta=0.9)
    for _ in range(3):
        optimizer.step(params, [np.ones(1)])
    assert params[0][0] == pytest.approx(-0.561, rel=1e-15)
    assert optimizer.state()["velocity"][0][0] == pytest.approx(2.71, rel=1e-15)


def test_sgd_constant_gradient():
    params = scalar(1.0)
    optimizer = SGD(lr=0.25)
    for _ in range(4):
        optimizer.step(params, [np.ones(1)])
    assert params[0][0] == 0.0


def test_rmsprop_first_step():
    # s1 = (1 - 0.9) * 4 = 0.4, so x1 = -0.1 * 2 / (sqrt(0.4) + 1e-8) = -0.3162277...
    params = scalar(0.0)
    optimizer = RMSProp(lr=0.1, beta=0.9, eps=1e-8)
    optimizer.step(params, [np.full(1, 2.0)])
    assert params[0][0] == pytest.approx(-0.2 / (np.sqrt(0.4) + 1e-8), rel=1e-15)


def test_adam_l2_zero_gradient():
    # The penalty gradient is 0.1 * x = 0.1 at x = 1 and, as at any first step,
    # m_hat / sqrt(v_hat) = 1, so x1 = 1 - 0.1 * 0.1 / (0.1 + 1e-8) = 0.900000009999999.
    params = scalar(1.0)
    optimizer = Adam(lr=0.1, weight_decay=0.1)
    optimizer.step(params, [np.zeros(1)])
    assert params[0][0] == pytest.approx(0.900000009999999, rel=0, abs=1e-15)


def test_adamw_zero_gradient_decay():
    # Each step multiplies by 1 - lr * weight_decay = 0.99, and a zero gradient adds
    # nothing: 0.99, then 0.9801. The factor 1 - 0.1 * 0.1 is rounded in binary, so
    # agreement with the decimal figures is checked to 1e-15 relative, not bitwise.
    params = scalar(1.0)
    optimizer = AdamW(lr=0.1, weight_decay=0.1)
    optimizer.step(params, [np.zeros(1)])
    assert params[0][0] == pytest.approx(0.99, rel=1e-15)
    optimizer.step(params, [np.zeros(1)])
    assert params[0][0] == pytest.approx(0.9801, rel=1e-15)


def test_adamw_decay_bypasses_moments():
    # Decoupled decay never reaches m and v, so with zero gradients they stay 0.
    params = scalar(1.0)
    optimizer = AdamW(lr=0.1, weight_decay=0.1)
    for _ in range(2):
        optimizer.step(params, [np.zeros(1)])
    state = optimizer.state()
    assert state["m"][0][0] == 0.0
    assert state["v"][0][0] == 0.0


ZERO_GRADIENT_RULES = {
    "SGD": lambda: SGD(lr=0.1),
    "Momentum": lambda: Momentum(lr=0.1, beta=0.9),
    "RMSProp": lambda: RMSProp(lr=0.1, beta=0.9, eps=1e-8),
    "Adam": lambda: Adam(lr=0.1),
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", list(ZERO_GRADIENT_RULES))
def test_zero_gradient_no_move(name, dtype):
    start = np.array([[1.5, -2.0, 0.25], [0.0, 3.0, -1e-3]], dtype=dtype)
    params = [start.copy()]
    optimizer = ZERO_GRADIENT_RULES[name]()
    for _ in range(5):
        optimizer.step(params, [np.zeros_like(start)])
    np.testing.assert_array_equal(params[0], start, strict=True)


@pytest.mark.parametrize("name", list(ZERO_GRADIENT_RULES) + ["AdamW"])
def test_float32_params_stay_float32(name):
    # The gradient is float64, but the in-place update must keep the param dtype.
    make = ZERO_GRADIENT_RULES.get(name, lambda: AdamW(lr=0.1))
    params = [np.array([1.0, -2.0], dtype=np.float32)]
    optimizer = make()
    for _ in range(3):
        optimizer.step(params, [np.array([0.5, -0.25])])
    assert params[0].dtype == np.float32
    for arrays in optimizer.state().values():
        assert arrays[0].dtype == np.float32


def test_float32_step_value():
    # 1 - 0.1 * 0.5 = 0.95, rounded to float32.
    params = [np.array([1.0], dtype=np.float32)]
    SGD(lr=0.1).step(params, [np.array([0.5])])
    assert params[0][0] == np.float32(0.95)
