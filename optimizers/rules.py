"""Update rules in pure NumPy, each as small as its equations.

Every optimizer is built with its hyperparameters, validates them at once, and exposes
``step(params, grads)``, which updates a list of float arrays in place, and
``state()``, which returns copies of the per-parameter state arrays keyed by the
state's name. The step counter ``t`` of Adam and AdamW is not per-parameter state, so
``state()`` leaves it out.

Symbols map to names as follows: ``g`` is the gradient, ``velocity`` is Momentum's
``v``, ``sq_avg`` is RMSProp's running mean of squared gradients ``s``, and ``m`` and
``v`` are Adam's first and second moments.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating]


def check_learning_rate(lr: float) -> float:
    if not _is_real(lr) or not math.isfinite(lr) or lr <= 0:
        raise ValueError(
            f"Invalid learning rate: {lr!r} (expected a positive finite number, "
            "such as 0.1)"
        )
    return float(lr)


def check_beta(name: str, beta: float) -> float:
    if not _is_real(beta) or not math.isfinite(beta) or not 0.0 <= beta < 1.0:
        raise ValueError(
            f"Invalid {name}: {beta!r} (expected a number in [0, 1), such as 0.9)"
        )
    return float(beta)


def check_eps(eps: float) -> float:
    if not _is_real(eps) or not math.isfinite(eps) or eps <= 0:
        raise ValueError(
            f"Invalid eps: {eps!r} (expected a positive finite number, such as 1e-8)"
        )
    return float(eps)


def check_weight_decay(weight_decay: float) -> float:
    if not _is_real(weight_decay) or not math.isfinite(weight_decay):
        raise ValueError(
            f"Invalid weight_decay: {weight_decay!r} (expected a finite number >= 0)"
        )
    if weight_decay < 0:
        raise ValueError(
            f"Invalid weight_decay: {weight_decay!r} (expected a finite number >= 0, "
            "such as 0.01)"
        )
    return float(weight_decay)


def _is_real(value: object) -> bool:
    # bool is an int subclass, but True as a learning rate is a mistake.
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    )


class Optimizer:
    """Base class: input checks shared by every update rule."""

    #: Names of the per-parameter state arrays, in the order ``state()`` lists them.
    state_names: tuple[str, ...] = ()
    #: What the optimizer remembers between steps, in words.
    remembers: str = "nothing"

    def __init__(self) -> None:
        self._state: dict[str, list[Array]] = {name: [] for name in self.state_names}
        self._shapes: list[tuple[int, ...]] | None = None

    def step(self, params: Sequence[Array], grads: Sequence[Array]) -> None:
        """Update ``params`` in place from ``grads``, one array per parameter."""
        self._check_arrays(params, grads)
        if self._shapes is None:
            self._shapes = [p.shape for p in params]
            for name in self.state_names:
                self._state[name] = [np.zeros_like(p) for p in params]
        self._update(params, grads)

    def state(self) -> dict[str, list[Array]]:
        """Return copies of the state arrays; the lists are empty before a step."""
        return {
            name: [a.copy() for a in arrays] for name, arrays in self._state.items()
        }

    def hyperparameters(self) -> dict[str, float | bool]:
        """Return the constructor arguments, for metadata and on-screen labels."""
        raise NotImplementedError

    def _update(self, params: Sequence[Array], grads: Sequence[Array]) -> None:
        raise NotImplementedError

    def _check_arrays(self, params: Sequence[Array], grads: Sequence[Array]) -> None:
        if len(params) != len(grads):
            raise ValueError(
                f"step got {len(params)} parameter arrays but {len(grads)} gradient "
                "arrays; pass one gradient per parameter, in the same order"
            )
        for i, (p, g) in enumerate(zip(params, grads)):
            if not isinstance(p, np.ndarray) or not np.issubdtype(p.dtype, np.floating):
                raise TypeError(
                    f"parameter {i} must be a floating-point NumPy array so it can be "
                    f"updated in place, got {type(p).__name__}"
                    + (f" of dtype {p.dtype}" if isinstance(p, np.ndarray) else "")
                )
            if np.shape(g) != p.shape:
                raise ValueError(
                    f"gradient {i} has shape {np.shape(g)} but parameter {i} has shape "
                    f"{p.shape}; the shapes must match"
                )
        shapes = [p.shape for p in params]
        if self._shapes is not None and shapes != self._shapes:
            raise ValueError(
                f"step got parameters of shapes {shapes}, but this optimizer's state "
                f"was made for shapes {self._shapes}; use a new optimizer for new "
                "parameters"
            )

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    r"""Plain gradient descent, :math:`w_{t+1} = w_t - \eta g_t`. It keeps no state."""

    def __init__(self, lr: float) -> None:
        super().__init__()
        self.lr = check_learning_rate(lr)

    def hyperparameters(self) -> dict[str, float | bool]:
        return {"lr": self.lr}

    def _update(self, params: Sequence[Array], grads: Sequence[Array]) -> None:
        for p, g in zip(params, grads):
            p -= self.lr * g


class Momentum(Optimizer):
    r"""Heavy-ball momentum, :math:`v_t = \beta v_{t-1} + g_t`, :math:`w_{t+1} = w_t -
    \eta v_t`.

    This is ``torch.optim.SGD(momentum=beta)`` with no dampening: the gradient enters
    the velocity unscaled, so a constant gradient builds a velocity of ``g/(1-beta)``.
    """

    state_names = ("velocity",)
    remembers = "direction"

    def __init__(self, lr: float, beta: float = 0.9) -> None:
        super().__init__()
        self.lr = check_learning_rate(lr)
        self.beta = check_beta("beta", beta)

    def hyperparameters(self) -> dict[str, float | bool]:
        return {"lr": self.lr, "beta": self.beta}

    def _update(self, params: Sequence[Array], grads: Sequence[Array]) -> None:
        for p, g, v in zip(params, grads, self._state["velocity"]):
            v *= self.beta
            v += g
            p -= self.lr * v


class RMSProp(Optimizer):
    r"""RMSProp (Tieleman and Hinton 2012): :math:`s_t = \beta s_{t-1} + (1-\beta)
    g_t^2`, :math:`w_{t+1} = w_t - \eta g_t / (\sqrt{s_t} + \epsilon)`, elementwise.

    ``beta`` is ``alpha`` in ``torch.optim.RMSprop``; eps is added outside the root,
    as torch does.
    """

    state_names = ("sq_avg",)
    remembers = "scale"

    def __init__(self, lr: float, beta: float = 0.9, eps: float = 1e-8) -> None:
        super().__init__()
        self.lr = check_learning_rate(lr)
        self.beta = check_beta("beta", beta)
        self.eps = check_eps(eps)

    def hyperparameters(self) -> dict[str, float | bool]:
        return {"lr": self.lr, "beta": self.beta, "eps": self.eps}

    def _update(self, params: Sequence[Array], grads: Sequence[Array]) -> None:
        for p, g, s in zip(params, grads, self._state["sq_avg"]):
            s *= self.beta
            s += (1 - self.beta) * g * g
            p -= self.lr * g / (np.sqrt(s) + self.eps)


class Adam(Optimizer):
    r"""Adam (Kingma and Ba 2014), with optional L2 regularisation through the gradient.

    .. math::
        g_t &\leftarrow g_t + \lambda w_t \\
        m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t \\
        v_t &= \beta_2 v_{t-1} + (1-\beta_2) g_t^2 \\
        w_{t+1} &= w_t - \eta\, \hat m_t / (\sqrt{\hat v_t} + \epsilon),
        \quad \hat m_t = m_t/(1-\beta_1^t),\ \hat v_t = v_t/(1-\beta_2^t)

    ``weight_decay`` is the :math:`\lambda` of the first line, as in
    ``torch.optim.Adam``: the penalty's gradient goes through both moments and is
    divided by :math:`\sqrt{\hat v_t}`. ``bias_correction=False`` drops the two
    divisions, which torch does not offer; it exists to show what they fix. The
    corrected moments are used for the step only and never written back to ``m``
    and ``v``.
    """

    state_names = ("m", "v")
    remembers = "direction and scale"

    def __init__(
        self,
        lr: float,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        bias_correction: bool = True,
    ) -> None:
        super().__init__()
        self.lr = check_learning_rate(lr)
        self.beta1 = check_beta("beta1", beta1)
        self.beta2 = check_beta("beta2", beta2)
        self.eps = check_eps(eps)
        self.weight_decay = check_weight_decay(weight_decay)
        if not isinstance(bias_correction, (bool, np.bool_)):
            raise ValueError(
                f"Invalid bias_correction: {bias_correction!r} (expected True or False)"
            )
        self.bias_correction = bool(bias_correction)
        self.t = 0

    def hyperparameters(self) -> dict[str, float | bool]:
        values: dict[str, float | bool] = {
            "lr": self.lr,
            "beta1": self.beta1,
            "beta2": self.beta2,
            "eps": self.eps,
            "weight_decay": self.weight_decay,
        }
        if not self.bias_correction:
            values["bias_correction"] = False
        return values

    def _update(self, params: Sequence[Array], grads: Sequence[Array]) -> None:
        self.t += 1
        for p, g, m, v in zip(params, grads, self._state["m"], self._state["v"]):
            if self.weight_decay:
                g = g + self.weight_decay * p
            self._adam_step(p, g, m, v)

    def _adam_step(self, p: Array, g: Array, m: Array, v: Array) -> None:
        # first moment: direction memory
        m *= self.beta1
        m += (1 - self.beta1) * g
        # second moment: scale memory
        v *= self.beta2
        v += (1 - self.beta2) * g * g

        m_hat, v_hat = m, v
        if self.bias_correction:
            m_hat = m / (1 - self.beta1**self.t)
            v_hat = v / (1 - self.beta2**self.t)
        p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


class AdamW(Adam):
    r"""AdamW (Loshchilov and Hutter 2019): Adam's moments plus decoupled weight decay.

    Each step first shrinks the weights, :math:`w \leftarrow w (1 - \eta\lambda)`, then
    takes Adam's step from the gradient of the data loss alone, computed at the
    weights before the shrink. This is the order of ``torch.optim.AdamW``. The decay
    never enters ``m`` or ``v``, so it is the same fraction on every coordinate.
    """

    def __init__(
        self,
        lr: float,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        weight_decay: float = 0.01,
        bias_correction: bool = True,
    ) -> None:
        super().__init__(lr, beta1, beta2, eps, weight_decay, bias_correction)

    def _update(self, params: Sequence[Array], grads: Sequence[Array]) -> None:
        self.t += 1
        for p, g, m, v in zip(params, grads, self._state["m"], self._state["v"]):
            # decoupled decay: a direct shrink, outside the adaptive denominator
            p *= 1 - self.lr * self.weight_decay
            self._adam_step(p, g, m, v)


OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.__name__: cls for cls in (SGD, Momentum, RMSProp, Adam, AdamW)
}


def make_optimizer(name: str, **hyperparameters: float | bool) -> Optimizer:
    """Build an optimizer from its class name, as experiments store it."""
    try:
        cls = OPTIMIZERS[name]
    except KeyError:
        raise ValueError(
            f"Unknown optimizer {name!r}; expected one of {', '.join(OPTIMIZERS)}"
        ) from None
    return cls(**hyperparameters)
