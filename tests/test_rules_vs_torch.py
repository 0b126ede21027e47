"""Each NumPy update rule against its torch.optim counterpart, step for step.

Both sides start from the same float64 parameters and receive the same gradients,
computed in NumPy from the NumPy parameters, so any difference comes from the update
rules alone. The tests require agreement to an absolute 1e-9 at every one of 300
steps. Parameters and state values stay below 30 in magnitude here, so that is also
a tight relative bound and no rtol is needed. Measured with torch 2.13.0 (CPU), the
largest difference is 9e-16 for parameters and 7e-15 for state values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pytest
import torch

from optimizers.rules import SGD, Adam, AdamW, Momentum, Optimizer, RMSProp

SHAPES = [(3,), (2, 4), (5, 1)]
N_VALUES = sum(int(np.prod(shape)) for shape in SHAPES)  # 3 + 8 + 5 = 16
STEPS = 300
ATOL = 1e-9


class NoisyQuadratic:
    """Gradients of sum_i 0.5 * h_i * (p_i - c_i)^2 plus seeded N(0, 0.1^2) noise.

    The curvatures h_i lie in [0.5, 3], so SGD at lr 0.05 is stable. The noise of
    step t and array i depends on (seed, t, i) alone.
    """

    def __init__(self, shapes: list[tuple[int, ...]], seed: int) -> None:
        rng = np.random.default_rng(seed)
        self.curvatures = [rng.uniform(0.5, 3.0, shape) for shape in shapes]
        self.centers = [rng.normal(size=shape) for shape in shapes]
        self.starts = [rng.normal(size=shape) for shape in shapes]
        self.seed = seed

    def gradients(self, params: list[np.ndarray], step: int) -> list[np.ndarray]:
        grads = []
        for i, (p, h, c) in enumerate(
            zip(params, self.curvatures, self.centers, strict=True)
        ):
            noise = np.random.default_rng([self.seed, step, i]).normal(size=p.shape)
            grads.append(h * (p - c) + 0.1 * noise)
        return grads


@dataclass
class Case:
    make_ours: Callable[[], Optimizer]
    make_torch: Callable[[list[torch.Tensor]], torch.optim.Optimizer]
    # our state name -> torch's state key
    state_keys: dict[str, str] = field(default_factory=dict)
    state_values_per_param: int = 0


# Hyperparameters differ from both libraries' defaults and from each other (beta1 vs
# beta2, lr vs weight_decay), so a swapped or ignored argument changes the result.
CASES = {
    "SGD": Case(
        lambda: SGD(lr=0.05),
        lambda ps: torch.optim.SGD(ps, lr=0.05),
    ),
    "Momentum": Case(
        lambda: Momentum(lr=0.03, beta=0.8),
        lambda ps: torch.optim.SGD(ps, lr=0.03, momentum=0.8),
        {"velocity": "momentum_buffer"},
        1,
    ),
    "RMSProp": Case(
        lambda: RMSProp(lr=0.01, beta=0.95, eps=1e-6),
        lambda ps: torch.optim.RMSprop(ps, lr=0.01, alpha=0.95, eps=1e-6),
        {"sq_avg": "square_avg"},
        1,
    ),
    "Adam": Case(
        lambda: Adam(lr=0.02, beta1=0.85, beta2=0.99, eps=1e-6),
        lambda ps: torch.optim.Adam(ps, lr=0.02, betas=(0.85, 0.99), eps=1e-6),
        {"m": "exp_avg", "v": "exp_avg_sq"},
        2,
    ),
    "Adam-L2": Case(
        lambda: Adam(lr=0.02, beta1=0.85, beta2=0.99, eps=1e-6, weight_decay=0.3),
        lambda ps: torch.optim.Adam(
            ps, lr=0.02, betas=(0.85, 0.99), eps=1e-6, weight_decay=0.3
        ),
        {"m": "exp_avg", "v": "exp_avg_sq"},
        2,
    ),
    "AdamW": Case(
        lambda: AdamW(lr=0.02, beta1=0.85, beta2=0.99, eps=1e-6, weight_decay=0.3),
        lambda ps: torch.optim.AdamW(
            ps, lr=0.02, betas=(0.85, 0.99), eps=1e-6, weight_decay=0.3
        ),
        {"m": "exp_avg", "v": "exp_avg_sq"},
        2,
    ),
}


@dataclass
class Run:
    """Per-step snapshots of both sides: params[t] and state[t] after step t + 1."""

    ours_params: list[list[np.ndarray]] = field(default_factory=list)
    torch_params: list[list[np.ndarray]] = field(default_factory=list)
    ours_state: list[dict[str, list[np.ndarray]]] = field(default_factory=list)
    torch_state: list[dict[str, list[np.ndarray]]] = field(default_factory=list)


@cache
def run_both(name: str, seed: int) -> Run:
    """Run case ``name`` on both sides; cached because several tests read each run."""
    case = CASES[name]
    problem = NoisyQuadratic(SHAPES, seed)
    ours = case.make_ours()
    params = [s.copy() for s in problem.starts]
    tensors = [
        torch.tensor(s, dtype=torch.float64, requires_grad=True) for s in problem.starts
    ]
    reference = case.make_torch(tensors)

    run = Run()
    for t in range(STEPS):
        grads = problem.gradients(params, t)
        ours.step(params, grads)
        for tensor, g in zip(tensors, grads, strict=True):
            tensor.grad = torch.tensor(g, dtype=torch.float64)
        reference.step()

        run.ours_params.append([p.copy() for p in params])
        run.torch_params.append([x.detach().numpy().copy() for x in tensors])
        run.ours_state.append(ours.state())
        run.torch_state.append(
            {
                name: [reference.state[x][key].numpy().copy() for x in tensors]
                for name, key in case.state_keys.items()
            }
        )
    return run


@pytest.fixture(scope="module", params=[0, 1], ids=["seed0", "seed1"])
def seed(request) -> int:
    return request.param


@pytest.mark.parametrize("name", list(CASES))
def test_params_match_torch(name, seed):
    run = run_both(name, seed)
    for t in range(STEPS):
        for i, (ours, theirs) in enumerate(
            zip(run.ours_params[t], run.torch_params[t], strict=True)
        ):
            np.testing.assert_allclose(
                ours, theirs, rtol=0, atol=ATOL, err_msg=f"step {t + 1}, param {i}"
            )


@pytest.mark.parametrize("name", [n for n in CASES if CASES[n].state_keys])
def test_state_matches_torch(name, seed):
    run = run_both(name, seed)
    for t in range(STEPS):
        assert set(run.ours_state[t]) == set(CASES[name].state_keys)
        for state_name in CASES[name].state_keys:
            pairs = zip(
                run.ours_state[t][state_name],
                run.torch_state[t][state_name],
                strict=True,
            )
            for i, (ours, theirs) in enumerate(pairs):
                np.testing.assert_allclose(
                    ours,
                    theirs,
                    rtol=0,
                    atol=ATOL,
                    err_msg=f"{state_name}, step {t + 1}, param {i}",
                )


@pytest.mark.parametrize("name", list(CASES))
def test_trajectory_moves_params(name, seed):
    # Guards the comparison above against a vacuous pass: both sides must have moved
    # well beyond the tolerance from the start.
    run = run_both(name, seed)
    start = NoisyQuadratic(SHAPES, seed).starts
    moved = max(
        np.abs(p - s).max() for p, s in zip(run.ours_params[-1], start, strict=True)
    )
    assert moved > 0.1


@pytest.mark.parametrize(
    ("name", "expected_size"),
    [(name, case.state_values_per_param * N_VALUES) for name, case in CASES.items()],
)
def test_state_size_after_step(name, expected_size):
    # N = 16 values in total: 0 for SGD, N for Momentum and RMSProp, 2N for Adam and
    # AdamW.
    problem = NoisyQuadratic(SHAPES, seed=0)
    optimizer = CASES[name].make_ours()
    params = [s.copy() for s in problem.starts]
    optimizer.step(params, problem.gradients(params, 0))
    state = optimizer.state()
    assert sum(a.size for arrays in state.values() for a in arrays) == expected_size


@pytest.mark.parametrize("name", list(CASES))
def test_state_empty_before_step(name):
    state = CASES[name].make_ours().state()
    assert sum(len(arrays) for arrays in state.values()) == 0


@pytest.mark.parametrize("name", [n for n in CASES if CASES[n].state_keys])
def test_state_returns_copies(name):
    problem = NoisyQuadratic(SHAPES, seed=0)
    optimizer = CASES[name].make_ours()
    params = [s.copy() for s in problem.starts]
    optimizer.step(params, problem.gradients(params, 0))
    before = optimizer.state()
    for arrays in optimizer.state().values():
        for a in arrays:
            a += 1.0
    after = optimizer.state()
    for state_name in before:
        for old, new in zip(before[state_name], after[state_name], strict=True):
            np.testing.assert_array_equal(old, new)
