"""Two small models trained for real: linear regression and a 2-32-32-1 MLP.

Both are Objectives for ``optimizers.trajectory.record``: ``loss(params)`` and
``gradient(params, step)`` of a list of parameter arrays. Both use the full batch
on every step. The data sets are small (a few hundred rows), so a full-batch
gradient costs microseconds. Every optimizer then sees the same gradient at the same
parameters, so the runs differ only by what each optimizer remembers, and the loss
curves carry no minibatch noise that would hide that difference. ``step`` is
accepted and ignored.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]


def _check_count(name: str, value: object, minimum: int = 1) -> int:
    if (
        not isinstance(value, (int, np.integer))
        or isinstance(value, bool)
        or value < minimum
    ):
        raise ValueError(
            f"Invalid {name}: {value!r} (expected a whole number >= {minimum})"
        )
    return int(value)


def _check_nonnegative(name: str, value: object) -> float:
    if (
        not isinstance(value, (int, float, np.integer, np.floating))
        or isinstance(value, bool)
        or not math.isfinite(value)
        or value < 0
    ):
        raise ValueError(
            f"Invalid {name}: {value!r} (expected a finite number >= 0, such as 0.1)"
        )
    return float(value)


def _check_params(params: Sequence[Array], shapes: list[tuple[int, ...]]) -> None:
    got = [np.shape(p) for p in params]
    if got != shapes:
        raise ValueError(
            f"expected parameter arrays of shapes {shapes}, got {got}; build them "
            "with init_params()"
        )


class LinearRegression:
    """Mean squared error of ``y = X w + b + noise`` on seeded synthetic data.

    ``X`` has ``n_samples`` rows of ``n_features`` standard normal features; the true
    weights are standard normal, the true bias ``bias``, and the noise Gaussian with
    standard deviation ``noise``. The loss is ``mean((X w + b - y)^2) / 2`` of the
    parameter list ``[w, b]``, with ``w`` of shape ``(n_features,)`` and ``b`` of
    shape ``(1,)``.
    """

    def __init__(
        self,
        n_samples: int = 200,
        n_features: int = 5,
        noise: float = 0.1,
        bias: float = 0.5,
        seed: int = 0,
    ) -> None:
        self.n_samples = _check_count("n_samples", n_samples, 2)
        self.n_features = _check_count("n_features", n_features)
        self.noise = _check_nonnegative("noise", noise)
        self.seed = _check_count("seed", seed, 0)
        rng = np.random.default_rng(self.seed)
        self.X = rng.standard_normal((self.n_samples, self.n_features))
        self.true_w = rng.standard_normal(self.n_features)
        self.true_b = float(bias)
        self.y = (
            self.X @ self.true_w
            + self.true_b
            + self.noise * rng.standard_normal(self.n_samples)
        )
        self.shapes = [(self.n_features,), (1,)]

    @property
    def n_params(self) -> int:
        return sum(math.prod(shape) for shape in self.shapes)

    def init_params(self) -> list[Array]:
        """The start of every run: all weights and the bias at zero."""
        return [np.zeros(shape) for shape in self.shapes]

    def residual(self, params: Sequence[Array]) -> Array:
        _check_params(params, self.shapes)
        w, b = params
        return self.X @ w + b[0] - self.y

    def loss(self, params: Sequence[Array]) -> float:
        r = self.residual(params)
        return float(0.5 * np.mean(r * r))

    def gradient(self, params: Sequence[Array], step: int = 0) -> list[Array]:
        r = self.residual(params)
        return [self.X.T @ r / self.n_samples, np.array([np.mean(r)])]


def sigmoid(z: ArrayLike) -> Array:
    """The logistic function, without overflow for large negative ``z``."""
    z = np.asarray(z, dtype=np.float64)
    # exp of a non-positive number never overflows.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


class MLP:
    """A fully connected network with tanh hidden layers and one sigmoid output.

    ``sizes`` lists the widths from input to output, ``(2, 32, 32, 1)`` by default.
    Parameters are a list ``[W1, b1, W2, b2, ...]`` with ``W`` of shape
    ``(fan_in, fan_out)``. The loss is the mean binary cross-entropy of the logits,
    computed as ``mean(log(1 + exp(z)) - y z)`` through ``logaddexp``, which never
    takes the log of a probability that rounded to 0 or 1.
    """

    def __init__(
        self,
        X: ArrayLike,
        y: ArrayLike,
        sizes: Sequence[int] = (2, 32, 32, 1),
    ) -> None:
        self.sizes = tuple(_check_count("layer width", s) for s in sizes)
        if len(self.sizes) < 2 or self.sizes[-1] != 1:
            raise ValueError(
                f"Invalid sizes: {tuple(sizes)!r} (expected input width, hidden "
                "widths and an output width of 1, such as (2, 32, 32, 1))"
            )
        self.X = np.asarray(X, dtype=np.float64)
        self.y = np.asarray(y, dtype=np.float64).ravel()
        if self.X.ndim != 2 or self.X.shape[1] != self.sizes[0]:
            raise ValueError(
                f"X has shape {self.X.shape}; expected (n, {self.sizes[0]}) to match "
                "the input width"
            )
        if len(self.y) != len(self.X) or not np.all((self.y == 0) | (self.y == 1)):
            raise ValueError(
                f"y must hold one label 0 or 1 per row of X ({len(self.X)} rows), "
                f"got {len(self.y)} values"
            )
        self.shapes: list[tuple[int, ...]] = []
        for fan_in, fan_out in zip(self.sizes[:-1], self.sizes[1:]):
            self.shapes += [(fan_in, fan_out), (fan_out,)]

    @property
    def n_params(self) -> int:
        """Weights and biases of every layer, counted from the layer shapes."""
        return sum(math.prod(shape) for shape in self.shapes)

    def layer_counts(self) -> list[int]:
        """Parameters per layer, weights and bias together."""
        return [
            math.prod(w) + math.prod(b)
            for w, b in zip(self.shapes[::2], self.shapes[1::2])
        ]

    def init_params(self, seed: int) -> list[Array]:
        """Glorot-uniform weights and zero biases, from ``seed``."""
        rng = np.random.default_rng(_check_count("seed", seed, 0))
        params: list[Array] = []
        for fan_in, fan_out in zip(self.sizes[:-1], self.sizes[1:]):
            limit = math.sqrt(6.0 / (fan_in + fan_out))
            params.append(rng.uniform(-limit, limit, (fan_in, fan_out)))
            params.append(np.zeros(fan_out))
        return params

    def forward(
        self, params: Sequence[Array], X: ArrayLike | None = None
    ) -> tuple[Array, list[Array]]:
        """Return the logits and the activations of every layer, input first."""
        _check_params(params, self.shapes)
        a = self.X if X is None else np.asarray(X, dtype=np.float64)
        activations = [a]
        n_layers = len(params) // 2
        for i in range(n_layers):
            z = a @ params[2 * i] + params[2 * i + 1]
            if i < n_layers - 1:
                a = np.tanh(z)
                activations.append(a)
        return z[:, 0], activations

    def loss(self, params: Sequence[Array]) -> float:
        z, _ = self.forward(params)
        return float(np.mean(np.logaddexp(0.0, z) - self.y * z))

    def gradient(self, params: Sequence[Array], step: int = 0) -> list[Array]:
        """Backpropagation of the mean cross-entropy, layer by layer."""
        z, activations = self.forward(params)
        n_layers = len(params) // 2
        # d loss / d logit of a sigmoid with cross-entropy is p - y.
        delta = ((sigmoid(z) - self.y) / len(self.y))[:, None]
        grads: list[Array] = [np.empty(0)] * len(params)
        for i in reversed(range(n_layers)):
            a = activations[i]
            grads[2 * i] = a.T @ delta
            grads[2 * i + 1] = delta.sum(axis=0)
            if i > 0:
                # tanh' = 1 - tanh^2, with tanh the stored activation
                delta = (delta @ params[2 * i].T) * (1.0 - a * a)
        return grads

    def predict_proba(self, params: Sequence[Array], X: ArrayLike) -> Array:
        z, _ = self.forward(params, X)
        return sigmoid(z)

    def accuracy(self, params: Sequence[Array]) -> float:
        z, _ = self.forward(params)
        return float(np.mean((z > 0) == (self.y == 1)))

    def grid_proba(
        self,
        params: Sequence[Array],
        x_range: tuple[float, float],
        y_range: tuple[float, float],
        resolution: int,
    ) -> Array:
        """Probability of class 1 on a ``resolution`` x ``resolution`` grid.

        Row ``i`` is the ``i``-th y value, column ``j`` the ``j``-th x value, as
        contour libraries expect.
        """
        n = _check_count("resolution", resolution, 2)
        xs = np.linspace(*x_range, n)
        ys = np.linspace(*y_range, n)
        gx, gy = np.meshgrid(xs, ys)
        points = np.stack([gx.ravel(), gy.ravel()], axis=1)
        return self.predict_proba(params, points).reshape(n, n)


def unflatten(flat: ArrayLike, shapes: Sequence[tuple[int, ...]]) -> list[Array]:
    """Split a flat parameter vector back into arrays of ``shapes``."""
    flat = np.asarray(flat, dtype=np.float64)
    sizes = [math.prod(s) for s in shapes]
    if flat.size != sum(sizes):
        raise ValueError(
            f"a flat vector of {flat.size} values cannot fill shapes {list(shapes)} "
            f"({sum(sizes)} values)"
        )
    parts = np.split(flat, np.cumsum(sizes)[:-1])
    return [part.reshape(shape) for part, shape in zip(parts, shapes)]


__all__ = ["MLP", "LinearRegression", "sigmoid", "unflatten"]
