"""Properties of every update rule on random convex quadratics, with hypothesis.

Stable learning rates, per rule, on f(w) = 0.5 w^T A w with eigenvalues of A in
[0.1, 50] (the scenes' surfaces have curvatures 0.1, 1 and 50):

- SGD multiplies the component along an eigenvector of curvature lambda by
  1 - lr*lambda, so it is stable for lr < 2/lambda_max.
- Heavy-ball momentum (v = beta v + g, w -= lr v) has per-eigenvector roots of
  z^2 - (1 + beta - lr*lambda) z + beta = 0, inside the unit circle exactly when
  0 < lr*lambda < 2(1 + beta).
- RMSProp, Adam and AdamW divide by a running root mean square of the gradient, so
  a step moves each coordinate by a bounded multiple of lr whatever the curvature
  (RMSProp: |g|/sqrt(s) <= 1/sqrt(1 - beta); Adam: |m_hat|/sqrt(v_hat) is bounded
  for beta1 < sqrt(beta2)). They have no learning-rate limit of this kind and are
  drawn from the scenes' range, lr in [1e-3, 0.1].

The learning rates drawn are at most 0.95 times each limit. A control case runs
SGD at 1.05 times its limit, where the closed form predicts growth by 1.1 a step.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizers.experiments import compute
from optimizers.rules import SGD, Adam, AdamW, Momentum, RMSProp
from optimizers.surfaces import Quadratic
from optimizers.trajectory import record

STEPS = 1000
PROPERTY = settings(max_examples=50, deadline=None)


@st.composite
def quadratics(draw) -> Quadratic:
    """A random SPD Hessian, 2x2 or 3x3, with eigenvalues in [0.1, 50]."""
    dim = draw(st.sampled_from([2, 3]))
    eigenvalues = draw(
        st.lists(st.floats(0.1, 50.0), min_size=dim, max_size=dim).map(sorted)
    )
    seed = draw(st.integers(0, 2**32 - 1))
    rotation, _ = np.linalg.qr(np.random.default_rng(seed).normal(size=(dim, dim)))
    hessian = rotation @ np.diag(eigenvalues) @ rotation.T
    return Quadratic("random", (hessian + hessian.T) / 2)


def starts(dim: int):
    return st.lists(st.floats(-5.0, 5.0), min_size=dim, max_size=dim).filter(
        lambda w: np.linalg.norm(w) > 0.1
    )


def fraction():
    return st.floats(0.05, 0.95)


def lambda_max(surface: Quadratic) -> float:
    return float(surface.eigenvalues[-1])


def assert_finite_run(optimizer, surface: Quadratic, start) -> None:
    run = record(optimizer, surface, np.array(start), STEPS)
    assert run.diverged_at is None
    assert run.steps == STEPS
    assert np.all(np.isfinite(run.positions))
    assert np.all(np.isfinite(run.grads))
    for values in run.state.values():
        assert np.all(np.isfinite(values))


# --- no non-finite value within the stability limits ---------------------------


@PROPERTY
@given(data=st.data(), surface=quadratics(), share=fraction())
def test_sgd_stays_finite(data, surface, share):
    lr = share * 2 / lambda_max(surface)
    assert_finite_run(SGD(lr), surface, data.draw(starts(surface.dim)))


@PROPERTY
@given(
    data=st.data(), surface=quadratics(), share=fraction(), beta=st.floats(0.0, 0.95)
)
def test_momentum_stays_finite(data, surface, share, beta):
    lr = share * 2 * (1 + beta) / lambda_max(surface)
    assert_finite_run(Momentum(lr, beta), surface, data.draw(starts(surface.dim)))


@PROPERTY
@given(
    data=st.data(),
    surface=quadratics(),
    lr=st.floats(1e-3, 0.1),
    beta=st.floats(0.5, 0.999),
)
def test_rmsprop_stays_finite(data, surface, lr, beta):
    assert_finite_run(RMSProp(lr, beta), surface, data.draw(starts(surface.dim)))


@PROPERTY
@given(
    data=st.data(),
    surface=quadratics(),
    lr=st.floats(1e-3, 0.1),
    beta1=st.floats(0.0, 0.95),
    beta2=st.floats(0.99, 0.9999),
    weight_decay=st.floats(0.0, 0.1),
)
def test_adam_stays_finite(data, surface, lr, beta1, beta2, weight_decay):
    optimizer = Adam(lr, beta1, beta2, weight_decay=weight_decay)
    assert_finite_run(optimizer, surface, data.draw(starts(surface.dim)))


@PROPERTY
@given(
    data=st.data(),
    surface=quadratics(),
    lr=st.floats(1e-3, 0.1),
    beta1=st.floats(0.0, 0.95),
    beta2=st.floats(0.99, 0.9999),
    weight_decay=st.floats(0.0, 0.1),
)
def test_adamw_stays_finite(data, surface, lr, beta1, beta2, weight_decay):
    optimizer = AdamW(lr, beta1, beta2, weight_decay=weight_decay)
    assert_finite_run(optimizer, surface, data.draw(starts(surface.dim)))


@PROPERTY
@given(data=st.data(), surface=quadratics())
def test_sgd_past_limit_diverges(data, surface):
    # Control: at 1.05 * 2/lambda_max the steep component grows by
    # |1 - 2.1| = 1.1 a step, 1.1^1000 = 2.5e41, so the recorder must stop the run.
    start = np.array(data.draw(starts(surface.dim)))
    steep = np.linalg.eigh(surface.hessian)[1][:, -1]
    start = start + np.sign(start @ steep + 1e-12) * steep  # component >= 1 along it
    run = record(SGD(1.05 * 2 / lambda_max(surface)), surface, start, STEPS)
    assert run.diverged_at is not None


# --- special cases that equal another rule --------------------------------------


@PROPERTY
@given(
    data=st.data(),
    surface=quadratics(),
    lr=st.floats(1e-3, 0.1),
    beta1=st.floats(0.0, 0.95),
    beta2=st.floats(0.99, 0.9999),
)
def test_adamw_no_decay_is_adam(data, surface, lr, beta1, beta2):
    start = data.draw(starts(surface.dim))
    adam = record(Adam(lr, beta1, beta2), surface, np.array(start), 200)
    adamw = record(
        AdamW(lr, beta1, beta2, weight_decay=0.0), surface, np.array(start), 200
    )
    np.testing.assert_array_equal(adamw.positions, adam.positions)


@PROPERTY
@given(data=st.data(), surface=quadratics(), share=fraction())
def test_momentum_zero_beta_is_sgd(data, surface, share):
    lr = share * 2 / lambda_max(surface)
    start = data.draw(starts(surface.dim))
    sgd = record(SGD(lr), surface, np.array(start), 200)
    momentum = record(Momentum(lr, beta=0.0), surface, np.array(start), 200)
    np.testing.assert_array_equal(momentum.positions, sgd.positions)


# --- shapes and dtypes ----------------------------------------------------------

RULES = {
    "SGD": lambda: SGD(0.05),
    "Momentum": lambda: Momentum(0.05, 0.9),
    "RMSProp": lambda: RMSProp(0.01, 0.9),
    "Adam": lambda: Adam(0.01, weight_decay=0.01),
    "AdamW": lambda: AdamW(0.01, weight_decay=0.01),
}
shapes = st.lists(
    st.lists(st.integers(1, 4), min_size=0, max_size=3).map(tuple),
    min_size=1,
    max_size=3,
)


def random_arrays(shape_list, dtype, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.normal(size=shape).astype(dtype) for shape in shape_list]


@pytest.mark.parametrize("name", RULES)
@PROPERTY
@given(
    shape_list=shapes,
    dtype=st.sampled_from([np.float32, np.float64]),
    seed=st.integers(0, 2**32 - 1),
)
def test_step_keeps_shapes(name, shape_list, dtype, seed):
    params = random_arrays(shape_list, dtype, seed)
    optimizer = RULES[name]()
    for step in range(3):
        optimizer.step(params, random_arrays(shape_list, dtype, seed + step + 1))
    assert [p.shape for p in params] == shape_list


@pytest.mark.parametrize("name", RULES)
@PROPERTY
@given(
    shape_list=shapes,
    dtype=st.sampled_from([np.float32, np.float64]),
    seed=st.integers(0, 2**32 - 1),
)
def test_step_keeps_dtypes(name, shape_list, dtype, seed):
    params = random_arrays(shape_list, dtype, seed)
    optimizer = RULES[name]()
    for step in range(3):
        optimizer.step(params, random_arrays(shape_list, dtype, seed + step + 1))
    assert [p.dtype for p in params] == [np.dtype(dtype)] * len(params)


@pytest.mark.parametrize("name", RULES)
@PROPERTY
@given(
    shape_list=shapes,
    dtype=st.sampled_from([np.float32, np.float64]),
    seed=st.integers(0, 2**32 - 1),
)
def test_step_state_matches_params(name, shape_list, dtype, seed):
    params = random_arrays(shape_list, dtype, seed)
    optimizer = RULES[name]()
    optimizer.step(params, random_arrays(shape_list, dtype, seed + 1))
    for arrays in optimizer.state().values():
        assert [(a.shape, a.dtype) for a in arrays] == [
            (p.shape, p.dtype) for p in params
        ]


# --- the divergence experiment against its closed form --------------------------


@pytest.fixture(scope="module")
def divergence():
    return compute("ravine_divergence")


def test_ravine_limit_closed_form(divergence):
    # Hessian diag(1, 50): 2 / lambda_max = 2/50 = 0.04
    assert float(divergence["stability/limit"]) == pytest.approx(0.04, rel=1e-12)


def test_above_limit_y_closed_form(divergence):
    # y_t = 0.2 * (1 - 0.05*50)^t = 0.2 * (-1.5)^t for every stored step
    run = divergence.trajectory("above")
    expected = 0.2 * (-1.5) ** np.arange(run.steps + 1)
    np.testing.assert_allclose(run.positions[:, 1], expected, rtol=1e-12)


def test_above_limit_exit_step(divergence):
    # |y_4| = 0.2*1.5^4 = 1.01 <= 1.2 < |y_5| = 1.52: it leaves the view at step 5
    assert int(divergence["above/exit_step"]) == 5


def test_above_limit_diverged_at(divergence):
    # loss_t ~ 25 * 0.04 * 2.25^t = 2.25^t passes 1e6 * f(w_0) = 1e6 * 11.125 when
    # t > ln(1.1125e7)/ln(2.25) = 20.007, so step 21 is the first not stored.
    assert divergence.trajectory("above").diverged_at == 21


def test_below_limit_converges(divergence):
    # 60 steps of x *= 0.965: 11.125 -> 0.5 * (4.5 * 0.965^60)^2 = 0.1386 (+ y part)
    run = divergence.trajectory("below")
    assert run.losses[-1] == pytest.approx(0.5 * (4.5 * 0.965**60) ** 2, rel=1e-3)
