"""Loss surfaces against their closed forms, finite differences and torch autograd."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch

from optimizers.rules import SGD
from optimizers.surfaces import (
    BOWL,
    RAVINE,
    SCALED_BOWL,
    SURFACES,
    NoisyGradient,
    Quadratic,
)
from optimizers.trajectory import record

# The (a, b) of each surface f(x, y) = 0.5 * (a x^2 + b y^2).
CURVATURES = {"bowl": (1.0, 1.0), "ravine": (1.0, 50.0), "scaled_bowl": (0.1, 50.0)}
NAMES = list(CURVATURES)


def closed_value(name: str, x, y):
    a, b = CURVATURES[name]
    return 0.5 * (a * x**2 + b * y**2)


def closed_gradient(name: str, x, y):
    a, b = CURVATURES[name]
    return np.stack([a * x, b * y], axis=-1)


def random_points(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-5.0, 5.0, (*shape, 2))


def test_registry_names():
    assert set(SURFACES) == set(CURVATURES)


def test_registry_objects():
    assert SURFACES["bowl"] is BOWL
    assert SURFACES["ravine"] is RAVINE
    assert SURFACES["scaled_bowl"] is SCALED_BOWL


@pytest.mark.parametrize("name", NAMES)
def test_value_on_grid(name):
    xs = np.linspace(-5.0, 5.0, 41)
    ys = np.linspace(-3.0, 3.0, 31)
    values = SURFACES[name].value_on_grid(xs, ys)
    # Rows follow ys, columns follow xs.
    assert values.shape == (31, 41)
    expected = closed_value(name, xs[np.newaxis, :], ys[:, np.newaxis])
    np.testing.assert_allclose(values, expected, rtol=1e-15, atol=0)


@pytest.mark.parametrize("shape", [(), (7,), (4, 5)])
@pytest.mark.parametrize("name", NAMES)
def test_value_on_batch(name, shape):
    points = random_points(shape)
    values = SURFACES[name].value(points)
    assert values.shape == shape
    expected = closed_value(name, points[..., 0], points[..., 1])
    np.testing.assert_allclose(values, expected, rtol=1e-15, atol=0)


@pytest.mark.parametrize("shape", [(), (7,), (4, 5)])
@pytest.mark.parametrize("name", NAMES)
def test_gradient_on_batch(name, shape):
    points = random_points(shape)
    gradients = SURFACES[name].gradient(points)
    assert gradients.shape == (*shape, 2)
    expected = closed_gradient(name, points[..., 0], points[..., 1])
    np.testing.assert_allclose(gradients, expected, rtol=1e-15, atol=0)


@pytest.mark.parametrize("name", NAMES)
def test_gradient_on_grid(name):
    gx, gy = np.meshgrid(np.linspace(-4.0, 4.0, 9), np.linspace(-2.0, 2.0, 5))
    gradients = SURFACES[name].gradient(np.stack([gx, gy], axis=-1))
    np.testing.assert_allclose(gradients, closed_gradient(name, gx, gy), rtol=1e-15)


@pytest.mark.parametrize("name", NAMES)
def test_hessian_closed_form(name):
    np.testing.assert_array_equal(SURFACES[name].hessian, np.diag(CURVATURES[name]))


@pytest.mark.parametrize("name", NAMES)
def test_eigenvalues_ascending(name):
    expected = sorted(CURVATURES[name])
    np.testing.assert_allclose(SURFACES[name].eigenvalues, expected, rtol=1e-15)


@pytest.mark.parametrize("name", NAMES)
def test_gradient_finite_difference(name):
    # A central difference is exact for a quadratic up to rounding. With h = 1e-5 and
    # values up to 0.5 * 50 * 5^2 = 625, rounding is about 1e-16 * 625 / 1e-5 = 6e-9.
    surface = SURFACES[name]
    points = random_points((20,), seed=1)
    h = 1e-5
    for axis in range(2):
        step = np.zeros(2)
        step[axis] = h
        difference = (surface.value(points + step) - surface.value(points - step)) / (
            2 * h
        )
        np.testing.assert_allclose(
            surface.gradient(points)[:, axis], difference, rtol=1e-7, atol=1e-7
        )


@pytest.mark.parametrize("name", NAMES)
def test_hessian_finite_difference(name):
    # The gradient is linear, so its central difference is the Hessian up to rounding.
    surface = SURFACES[name]
    point = np.array([1.3, -0.7])
    h = 1e-4
    columns = []
    for axis in range(2):
        step = np.zeros(2)
        step[axis] = h
        columns.append(
            (surface.gradient(point + step) - surface.gradient(point - step)) / (2 * h)
        )
    np.testing.assert_allclose(np.stack(columns, axis=1), surface.hessian, atol=1e-9)


def torch_value(name: str, w: torch.Tensor) -> torch.Tensor:
    a, b = CURVATURES[name]
    return 0.5 * (a * w[..., 0] ** 2 + b * w[..., 1] ** 2)


@pytest.mark.parametrize("name", NAMES)
def test_gradient_matches_autograd(name):
    points = random_points((6,), seed=2)
    w = torch.tensor(points, dtype=torch.float64, requires_grad=True)
    torch_value(name, w).sum().backward()
    np.testing.assert_allclose(
        SURFACES[name].gradient(points), w.grad.numpy(), rtol=1e-15, atol=0
    )


@pytest.mark.parametrize("name", NAMES)
def test_value_matches_torch(name):
    points = random_points((6,), seed=2)
    expected = torch_value(name, torch.tensor(points, dtype=torch.float64)).numpy()
    np.testing.assert_allclose(SURFACES[name].value(points), expected, rtol=1e-15)


@pytest.mark.parametrize("name", NAMES)
def test_hessian_matches_autograd(name):
    point = torch.tensor([0.4, -1.1], dtype=torch.float64)
    hessian = torch.autograd.functional.hessian(
        lambda w: torch_value(name, w), point
    ).numpy()
    np.testing.assert_allclose(SURFACES[name].hessian, hessian, rtol=1e-15, atol=0)


def test_ravine_stability_limit():
    # 2 / lambda_max = 2 / 50 = 0.04.
    assert RAVINE.stability_limit == pytest.approx(2 / 50, rel=1e-15)


@pytest.mark.parametrize(
    ("name", "limit"), [("bowl", 2.0), ("scaled_bowl", 2 / 50)], ids=["bowl", "scaled"]
)
def test_other_stability_limits(name, limit):
    assert SURFACES[name].stability_limit == pytest.approx(limit, rel=1e-15)


@pytest.mark.parametrize(
    ("factor", "diverges"), [(0.9, False), (1.1, True)], ids=["below", "above"]
)
def test_stability_limit_separates_runs(factor, diverges):
    # SGD multiplies y by 1 - 50 lr per step: |1 - 50 * 0.036| = 0.8 shrinks and
    # |1 - 50 * 0.044| = 1.2 grows past the divergence threshold within 500 steps.
    lr = factor * RAVINE.stability_limit
    run = record(SGD(lr=lr), RAVINE, [1.0, 1.0], steps=500)
    assert run.diverged is diverges


def test_points_wrong_length():
    message = "'ravine' takes points whose last axis has length 2, got shape (4, 3)"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        RAVINE.value(np.zeros((4, 3)))


def test_grid_needs_two_dimensions():
    cube = Quadratic.diagonal("cube", [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="'cube' is 3-D; grids need a 2-D surface"):
        cube.value_on_grid(np.zeros(2), np.zeros(2))


def test_noise_independent_of_order():
    noisy = NoisyGradient(RAVINE, sigma=0.5, seed=7)
    forward = [noisy.noise(t) for t in range(50)]
    backward = [noisy.noise(t) for t in reversed(range(50))][::-1]
    for t in range(50):
        np.testing.assert_array_equal(forward[t], backward[t], err_msg=f"step {t}")


def test_noise_same_across_instances():
    first = NoisyGradient(RAVINE, sigma=0.5, seed=7)
    NoisyGradient(BOWL, sigma=0.5, seed=7).noise(3)  # draws from another instance
    second = NoisyGradient(RAVINE, sigma=0.5, seed=7)
    np.testing.assert_array_equal(first.noise(12), second.noise(12))


def test_noise_differs_by_seed():
    first = NoisyGradient(RAVINE, sigma=0.5, seed=7)
    second = NoisyGradient(RAVINE, sigma=0.5, seed=8)
    for t in range(20):
        assert not np.any(first.noise(t) == second.noise(t))


def test_noise_differs_by_step():
    noisy = NoisyGradient(RAVINE, sigma=0.5, seed=7)
    assert not np.any(noisy.noise(0) == noisy.noise(1))


def test_noise_sample_statistics():
    # 20,000 steps of 2 coordinates give a sample std of 0.2997 for sigma = 0.3, which
    # is 0.1% low. The standard error of a sample std over 40,000 values is
    # 1 / sqrt(2 * 40,000) = 0.35%, so the 2% tolerance is about 6 standard errors.
    # The mean, -0.0004, must be within 4 standard errors of 0.
    sigma = 0.3
    noisy = NoisyGradient(RAVINE, sigma=sigma, seed=11)
    samples = np.stack([noisy.noise(t) for t in range(20_000)])
    assert samples.std() == pytest.approx(sigma, rel=0.02)
    assert abs(samples.mean()) < 4 * sigma / np.sqrt(samples.size)


def test_noise_per_coordinate_std():
    sigma = 0.3
    noisy = NoisyGradient(RAVINE, sigma=sigma, seed=11)
    samples = np.stack([noisy.noise(t) for t in range(20_000)])
    for axis in range(2):
        assert samples[:, axis].std() == pytest.approx(sigma, rel=0.03)


def test_noisy_gradient_adds_noise():
    noisy = NoisyGradient(RAVINE, sigma=0.5, seed=7)
    point = np.array([2.0, -1.0])
    expected = closed_gradient("ravine", 2.0, -1.0) + noisy.noise(4)
    np.testing.assert_allclose(noisy.gradient(point, step=4), expected, rtol=1e-15)


def test_noisy_value_noise_free():
    noisy = NoisyGradient(RAVINE, sigma=0.5, seed=7)
    assert noisy.value(np.array([2.0, -1.0])) == closed_value("ravine", 2.0, -1.0)


def test_zero_sigma_no_noise():
    noisy = NoisyGradient(RAVINE, sigma=0.0, seed=7)
    np.testing.assert_array_equal(noisy.noise(5), np.zeros(2))


@pytest.mark.parametrize("sigma", [-0.1, float("nan"), float("inf")])
def test_noise_invalid_sigma(sigma):
    message = r"^Invalid noise sigma: .* \(expected a finite number >= 0\)$"
    with pytest.raises(ValueError, match=message):
        NoisyGradient(RAVINE, sigma=sigma, seed=0)
