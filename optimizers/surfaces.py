"""Loss surfaces with value, gradient and Hessian, vectorised over points.

A point is the last axis of an array, so ``value`` takes shape ``(..., dim)`` and
returns ``(...)``: one point, a batch of points, or a whole grid at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

Points = NDArray[np.float64]  # (..., dim)


@dataclass(frozen=True)
class Quadratic:
    r"""The convex quadratic :math:`f(w) = \tfrac12 w^\top A w` with minimum at 0.

    ``hessian`` is the symmetric positive semi-definite matrix :math:`A`.
    """

    name: str
    hessian: NDArray[np.float64] = field(repr=False)
    formula: str = ""  # LaTeX, for labels

    def __post_init__(self) -> None:
        a = np.asarray(self.hessian, dtype=np.float64)
        if a.ndim != 2 or a.shape[0] != a.shape[1]:
            raise ValueError(f"Hessian of {self.name!r} must be square, got {a.shape}")
        if not np.all(np.isfinite(a)) or not np.allclose(a, a.T):
            raise ValueError(f"Hessian of {self.name!r} must be finite and symmetric")
        if np.linalg.eigvalsh(a).min() < -1e-12:
            raise ValueError(f"Hessian of {self.name!r} has a negative eigenvalue")
        a.setflags(write=False)
        object.__setattr__(self, "hessian", a)

    @classmethod
    def diagonal(cls, name: str, curvatures: ArrayLike, formula: str = "") -> Quadratic:
        return cls(name, np.diag(np.asarray(curvatures, dtype=np.float64)), formula)

    @property
    def dim(self) -> int:
        return self.hessian.shape[0]

    @property
    def eigenvalues(self) -> NDArray[np.float64]:
        """Curvatures along the principal axes, in ascending order."""
        return np.linalg.eigvalsh(self.hessian)

    @property
    def stability_limit(self) -> float:
        r"""Largest stable SGD learning rate, :math:`2/\lambda_{\max}`."""
        return 2.0 / float(self.eigenvalues[-1])

    def value(self, points: ArrayLike) -> NDArray[np.float64]:
        w = self._points(points)
        return 0.5 * np.einsum("...i,ij,...j->...", w, self.hessian, w)

    def gradient(self, points: ArrayLike) -> Points:
        w = self._points(points)
        return w @ self.hessian.T

    def value_on_grid(
        self, xs: NDArray[np.float64], ys: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """Evaluate a 2-D surface on the grid ``xs`` by ``ys``; rows follow ``ys``."""
        if self.dim != 2:
            raise ValueError(f"{self.name!r} is {self.dim}-D; grids need a 2-D surface")
        gx, gy = np.meshgrid(xs, ys)
        return self.value(np.stack([gx, gy], axis=-1))

    def _points(self, points: ArrayLike) -> Points:
        w = np.asarray(points, dtype=np.float64)
        if w.shape[-1:] != (self.dim,):
            raise ValueError(
                f"{self.name!r} takes points whose last axis has length {self.dim}, "
                f"got shape {w.shape}"
            )
        return w


BOWL = Quadratic.diagonal("bowl", [1.0, 1.0], r"\tfrac12\,(x^2 + y^2)")
RAVINE = Quadratic.diagonal("ravine", [1.0, 50.0], r"\tfrac12\,(x^2 + 50y^2)")
SCALED_BOWL = Quadratic.diagonal(
    "scaled_bowl", [0.1, 50.0], r"\tfrac12\,(0.1x^2 + 50y^2)"
)

SURFACES: dict[str, Quadratic] = {s.name: s for s in (BOWL, RAVINE, SCALED_BOWL)}


@dataclass(frozen=True)
class NoisyGradient:
    r"""A surface whose gradients carry seeded noise, :math:`g_t = \nabla f(w_t) +
    \epsilon_t`, :math:`\epsilon_t \sim \mathcal N(0, \sigma^2 I)`.

    The noise of step ``t`` depends on ``(seed, t)`` alone, so every optimizer run
    with the same seed sees the same noise sequence, whatever it did before.
    """

    surface: Quadratic
    sigma: float
    seed: int

    def __post_init__(self) -> None:
        if not isinstance(self.seed, (int, np.integer)) or self.seed < 0:
            raise ValueError(
                f"Invalid noise seed: {self.seed!r} (expected a whole number >= 0)"
            )
        if not np.isfinite(self.sigma) or self.sigma < 0:
            raise ValueError(
                f"Invalid noise sigma: {self.sigma!r} (expected a finite number >= 0)"
            )

    @property
    def name(self) -> str:
        return f"{self.surface.name}+noise"

    def noise(self, step: int) -> NDArray[np.float64]:
        rng = np.random.default_rng([self.seed, step])
        return self.sigma * rng.standard_normal(self.surface.dim)

    def value(self, points: ArrayLike) -> NDArray[np.float64]:
        return self.surface.value(points)

    def gradient(self, points: ArrayLike, step: int) -> Points:
        return self.surface.gradient(points) + self.noise(step)
