"""Claims about RMSProp, Adam, bias correction and AdamW, measured on stored runs.

The runs come from ``optimizers.experiments.load`` with the cache in a temporary
folder. References are closed forms and ``torch.optim`` (float64), driven with
gradients from torch autograd of the same quadratic plus the same noise draws.
Figures in comments are those of the current configs. All but bias correction use
the scaled bowl 0.5(0.1x^2 + 50y^2) from (-4.5, 1.5). RMSProp runs at lr 0.1 against
SGD at lr 0.035 for 60 steps, and the noisy runs add N(0, 1) for 100 steps. Adam
with and without bias correction runs on the bowl from (-3, 2.25) at lr 0.1, and
Adam with L2 and AdamW at lr 0.1 and weight_decay 0.1 for 80 steps.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from optimizers import experiments
from optimizers.analysis import (
    effective_step_ratio,
    step_lengths,
    tail_mean,
    variance_ratio,
)
from optimizers.experiments.adaptive import ConstantGradient
from optimizers.rules import Adam, AdamW
from optimizers.surfaces import SURFACES, NoisyGradient
from optimizers.trajectory import record

NAMES = ["scaled_bowl_rmsprop", "noisy_adam", "bias_correction", "adamw_decay"]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> dict[str, experiments.ExperimentData]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OPTMEM_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        return {name: experiments.load(name) for name in NAMES}


def torch_run(data, label: str, make) -> np.ndarray:
    """Replay one run of ``data`` with ``make(params)``, a torch optimizer.

    The gradient is torch autograd of 0.5 w^T A w, plus the noise of step t when
    the experiment adds noise. Returns the positions, (steps + 1, 2).
    """
    config = data.config
    hessian = torch.tensor(SURFACES[config["surface"]].hessian, dtype=torch.float64)
    noise = None
    if config.get("noise_sigma"):
        noise = NoisyGradient(data.surface, config["noise_sigma"], config["seed"])
    w = torch.tensor(config["start"], dtype=torch.float64, requires_grad=True)
    optimizer = make([w])
    positions = [w.detach().numpy().copy()]
    for t in range(data.trajectory(label).steps):
        optimizer.zero_grad()
        loss = 0.5 * w @ hessian @ w
        loss.backward()
        if noise is not None:
            w.grad += torch.tensor(noise.noise(t), dtype=torch.float64)
        optimizer.step()
        positions.append(w.detach().numpy().copy())
    return np.array(positions)


def torch_kwargs(hyperparameters: dict) -> dict:
    hp = dict(hyperparameters)
    return {
        "lr": hp["lr"],
        "betas": (hp.get("beta1", 0.9), hp.get("beta2", 0.999)),
        "eps": hp.get("eps", 1e-8),
        "weight_decay": hp.get("weight_decay", 0.0),
    }


# --- RMSProp remembers each coordinate's scale ------------------------------------


def test_rmsprop_matches_torch(loaded):
    # torch.optim.RMSprop(alpha=0.9) on the same gradients: positions agree to 1.1e-16.
    data = loaded["scaled_bowl_rmsprop"]
    run = data.trajectory("RMSProp")
    hp = run.hyperparameters
    reference = torch_run(
        data,
        "RMSProp",
        lambda ps: torch.optim.RMSprop(
            ps, lr=hp["lr"], alpha=hp["beta"], eps=hp["eps"]
        ),
    )
    assert np.abs(run.positions - reference).max() < 1e-12


def test_rmsprop_first_ratio_closed_form(loaded):
    # s_1 = (1 - beta) g^2, so lr/sqrt(s_1) per coordinate is inversely |g|: the ratio
    # of the x step to the y step is |g_y|/|g_x| = 50*1.5 / (0.1*4.5) = 166.67.
    data = loaded["scaled_bowl_rmsprop"]
    effective = data.trajectory("RMSProp").derived["effective_lr"]
    start = np.array(data.config["start"])
    gradient = np.diag(data.surface.hessian) * start
    expected = abs(gradient[1] / gradient[0])
    assert effective[0, 0] / effective[0, 1] == pytest.approx(expected, rel=1e-6)


def test_rmsprop_ratio_stays_large(loaded):
    # The larger effective step over the smaller: 166.7 at step 1, at least 39.3
    # over all 60 steps, always on x, the shallow coordinate.
    effective = (
        loaded["scaled_bowl_rmsprop"].trajectory("RMSProp").derived["effective_lr"]
    )
    assert effective_step_ratio(effective).min() > 30


def test_rmsprop_shallow_step_larger(loaded):
    # x's effective step exceeds y's at every one of the 60 steps.
    effective = (
        loaded["scaled_bowl_rmsprop"].trajectory("RMSProp").derived["effective_lr"]
    )
    assert np.all(effective[:, 0] > effective[:, 1])


def test_rmsprop_straddles_sgd_rate(loaded):
    # SGD's single rate 0.035 lies between RMSProp's two for the first 54 steps,
    # where x's starts at 0.70 and y's at 0.0042. From step 55, near the minimum,
    # y's gradients are small and its rate passes 0.035.
    data = loaded["scaled_bowl_rmsprop"]
    effective = data.trajectory("RMSProp").derived["effective_lr"][:50]
    sgd_lr = data.trajectory("SGD").hyperparameters["lr"]
    assert np.all((effective[:, 1] < sgd_lr) & (sgd_lr < effective[:, 0]))


def test_rmsprop_outpaces_sgd_along_x(loaded):
    # After 60 steps x is at -0.053 with RMSProp and -3.65 with SGD; SGD's x shrinks
    # by exactly (1 - 0.035*0.1)^60 = 0.810 of -4.5.
    data = loaded["scaled_bowl_rmsprop"]
    rms_x = data.trajectory("RMSProp").positions[-1, 0]
    sgd_x = data.trajectory("SGD").positions[-1, 0]
    assert abs(rms_x) < 0.1 * abs(sgd_x)


def test_sgd_x_closed_form(loaded):
    data = loaded["scaled_bowl_rmsprop"]
    run = data.trajectory("SGD")
    lr, curvature = run.hyperparameters["lr"], data.surface.hessian[0, 0]
    expected = data.config["start"][0] * (1 - lr * curvature) ** run.steps
    assert run.positions[-1, 0] == pytest.approx(expected, rel=1e-12)


# --- Adam under noise: the first moment smooths, the second scales ---------------


def test_noise_shared_by_all_runs(loaded):
    # gradient minus A w is the noise: the same (100, 2) draws for all four runs.
    data = loaded["noisy_adam"]
    hessian = data.surface.hessian
    noises = [
        run.grads - run.positions[:-1] @ hessian.T
        for run in data.trajectories().values()
    ]
    assert all(np.allclose(n, noises[0], rtol=0, atol=1e-12) for n in noises)


def test_noisy_adam_matches_torch(loaded):
    # torch.optim.Adam on autograd gradients plus the same noise: agree to 8.9e-16.
    data = loaded["noisy_adam"]
    run = data.trajectory("Adam")
    kwargs = torch_kwargs(run.hyperparameters)
    reference = torch_run(data, "Adam", lambda ps: torch.optim.Adam(ps, **kwargs))
    assert np.abs(run.positions - reference).max() < 1e-12


def test_first_moment_variance_ratio(loaded):
    # Along x, where noise (sigma 1) dominates the gradient, var(m_x)/var(g_x) over
    # steps 21-100 is 0.050: the first moment varies 20 times less than the raw
    # gradient.
    data = loaded["noisy_adam"]
    run = data.trajectory("Adam")
    ratio = variance_ratio(run.state["m"], run.grads, data.config["warmup_steps"])
    assert ratio[0] < 0.1


def test_variance_ratio_near_white_noise(loaded):
    # An average with weight 1 - beta1 = 0.1 of white noise has variance
    # (1 - beta1)/(1 + beta1) = 0.0526 of the noise's; measured 0.0497.
    data = loaded["noisy_adam"]
    run = data.trajectory("Adam")
    beta1 = run.hyperparameters["beta1"]
    ratio = variance_ratio(run.state["m"], run.grads, data.config["warmup_steps"])
    assert ratio[0] == pytest.approx((1 - beta1) / (1 + beta1), abs=0.01)


def test_second_moment_scales_apart(loaded):
    # v_hat remembers y's early gradients (50*1.5 = 75): after 100 steps its root is
    # 18.3 on y against 1.01 on x, near the noise level 1.
    v_hat = loaded["noisy_adam"].trajectory("Adam").derived["v_hat"]
    assert np.sqrt(v_hat[-1, 1]) > 5 * np.sqrt(v_hat[-1, 0])


def test_adam_lowest_tail_loss(loaded):
    # Mean loss of the last 40 steps: Adam 0.021, RMSProp 0.082, Momentum 0.128,
    # SGD 0.382.
    data = loaded["noisy_adam"]
    tail = data.config["tail_steps"]
    means = {
        label: tail_mean(r.losses, tail) for label, r in data.trajectories().items()
    }
    assert min(means, key=means.get) == "Adam"


# --- bias correction ------------------------------------------------------------


def test_m_first_value(loaded):
    # m_1 = 0.9 * 0 + 0.1 * 1 = 0.1
    m = loaded["bias_correction"].trajectory("constant").state["m"]
    assert m[0, 0] == pytest.approx(0.1, abs=1e-15)


def test_m_hat_is_one(loaded):
    # m_t = 1 - 0.9^t for a constant gradient 1, and m_hat_t = 1 to 3.3e-16 at every
    # one of the 30 steps.
    m_hat = loaded["bias_correction"].trajectory("constant").derived["m_hat"]
    assert np.abs(m_hat - 1.0).max() < 1e-12


def test_m_closed_form(loaded):
    m = loaded["bias_correction"].trajectory("constant").state["m"][:, 0]
    t = np.arange(1, len(m) + 1)
    assert np.abs(m - (1 - 0.9**t)).max() < 1e-12


def test_v_first_value(loaded):
    # v_1 = 0.001: the raw second moment starts 1000 times too small.
    v = loaded["bias_correction"].trajectory("constant").state["v"]
    assert v[0, 0] == pytest.approx(0.001, abs=1e-15)


def test_v_hat_is_one(loaded):
    # v_hat_t = 1 to 1.4e-14 over 30 steps, while v_30 is only 0.0296.
    v_hat = loaded["bias_correction"].trajectory("constant").derived["v_hat"]
    assert np.abs(v_hat - 1.0).max() < 1e-12


def test_factors_closed_form(loaded):
    # 1/(1 - beta^t) at t = 1: 10 for beta1 = 0.9, 1000 for beta2 = 0.999.
    data = loaded["bias_correction"]
    first = (data["constant/factor1"][0], data["constant/factor2"][0])
    assert first == pytest.approx((10.0, 1000.0), rel=1e-12)


def test_uncorrected_step_closed_form():
    # Without correction a constant gradient 1 gives the step lr * m_t / sqrt(v_t)
    # = lr * (1 - 0.9^t) / sqrt(1 - 0.999^t): 3.16 lr at t = 1, peaking at 6.57 lr
    # at t = 12, still 3.24 lr at t = 100.
    steps, lr = 100, 1e-3
    run = record(Adam(lr, bias_correction=False), ConstantGradient(1.0), [0.0], steps)
    t = np.arange(1, steps + 1)
    expected = -lr * (1 - 0.9**t) / (np.sqrt(1 - 0.999**t) + 1e-8)
    assert np.abs(run.updates[:, 0] - expected).max() < 1e-15


def test_uncorrected_first_step_longer(loaded):
    # On the bowl the first uncorrected step is (1-0.9)/sqrt(1-0.999) = 3.162 times
    # the corrected one (0.447 against 0.141).
    data = loaded["bias_correction"]
    corrected = step_lengths(data.trajectory("Adam").positions)
    raw = step_lengths(data.trajectory("Adam, uncorrected").positions)
    assert raw[0] / corrected[0] == pytest.approx(0.1 / np.sqrt(0.001), rel=1e-6)


def test_uncorrected_peak_ratio(loaded):
    # The ratio of step lengths peaks at 5.23 at step 5 before the run overshoots.
    data = loaded["bias_correction"]
    corrected = step_lengths(data.trajectory("Adam").positions)
    raw = step_lengths(data.trajectory("Adam, uncorrected").positions)
    assert (raw / corrected)[:10].max() > 5


def test_corrected_bowl_matches_torch(loaded):
    data = loaded["bias_correction"]
    run = data.trajectory("Adam")
    kwargs = torch_kwargs(run.hyperparameters)
    reference = torch_run(data, "Adam", lambda ps: torch.optim.Adam(ps, **kwargs))
    assert np.abs(run.positions - reference).max() < 1e-12


# --- AdamW decouples weight decay ---------------------------------------------


def test_l2_run_matches_torch(loaded):
    data = loaded["adamw_decay"]
    run = data.trajectory("Adam+L2")
    kwargs = torch_kwargs(run.hyperparameters)
    reference = torch_run(data, "Adam+L2", lambda ps: torch.optim.Adam(ps, **kwargs))
    assert np.abs(run.positions - reference).max() < 1e-12


def test_adamw_run_matches_torch(loaded):
    data = loaded["adamw_decay"]
    run = data.trajectory("AdamW")
    kwargs = torch_kwargs(run.hyperparameters)
    reference = torch_run(data, "AdamW", lambda ps: torch.optim.AdamW(ps, **kwargs))
    assert np.abs(run.positions - reference).max() < 1e-12


def test_split_sums_to_torch_update(loaded):
    # decay + gradient part equals torch's update w_{t+1} - w_t, both runs, to 8.9e-16.
    data = loaded["adamw_decay"]
    worst = 0.0
    for label, make in (("Adam+L2", torch.optim.Adam), ("AdamW", torch.optim.AdamW)):
        kwargs = torch_kwargs(data.trajectory(label).hyperparameters)
        reference = torch_run(data, label, lambda ps, m=make, k=kwargs: m(ps, **k))
        parts = data[f"{label}/decay"] + data[f"{label}/gradient_part"]
        worst = max(worst, np.abs(parts - np.diff(reference, axis=0)).max())
    assert worst < 1e-12


def adamw_shares(data) -> np.ndarray:
    """Measure AdamW's decay per step as torch AdamW's step minus torch Adam's.

    Both start each step from AdamW's weights with the same gradient. Adam without
    decay keeps the same moments as AdamW, so the difference is the decay alone.
    Returns the share of each weight it removes, (steps, 2).
    """
    run = data.trajectory("AdamW")
    kwargs = torch_kwargs(run.hyperparameters)
    hessian = torch.tensor(data.surface.hessian, dtype=torch.float64)
    w = torch.tensor(data.config["start"], dtype=torch.float64, requires_grad=True)
    twin = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    adamw = torch.optim.AdamW([w], **kwargs)
    adam = torch.optim.Adam([twin], **{**kwargs, "weight_decay": 0.0})
    shares = []
    for _ in range(run.steps):
        adamw.zero_grad()
        (0.5 * w @ hessian @ w).backward()
        before = w.detach().clone()
        with torch.no_grad():
            twin.copy_(before)
        twin.grad = w.grad.clone()
        adamw.step()
        adam.step()
        shares.append(((twin - w) / before).detach().numpy())
    return np.array(shares)


def test_adamw_shrink_ratio_torch(loaded):
    # The share AdamW's decay removes is the same on x and y: the ratio y/x is 1 to
    # 2.1e-13 at every one of the 80 steps.
    shares = adamw_shares(loaded["adamw_decay"])
    assert np.abs(shares[:, 1] / shares[:, 0] - 1.0).max() < 1e-12


def test_adamw_share_is_lr_wd(loaded):
    # Each share is lr * weight_decay = 0.1 * 0.1 = 0.01, to 2.1e-15.
    shares = adamw_shares(loaded["adamw_decay"])
    assert np.abs(shares - 0.1 * 0.1).max() < 1e-12


def test_adamw_decay_rate_matches_torch(loaded):
    # The stored decay_rate of AdamW, which the bars show, is torch's share to 2.1e-15.
    data = loaded["adamw_decay"]
    shares = adamw_shares(data)
    assert np.abs(data["AdamW/decay_rate"] - shares).max() < 1e-12


def test_l2_decay_ratio_far_from_one(loaded):
    # With L2 the penalty's pull lr*wd/sqrt(v_hat) is 1.11% of x per step against
    # 0.0133% of y at step 1: ratio y/x = 0.0120, at most 0.020 over 80 steps.
    rates = loaded["adamw_decay"]["Adam+L2/decay_rate"]
    assert (rates[:, 1] / rates[:, 0]).max() < 0.05


def test_l2_decay_ratio_closed_form(loaded):
    # At step 1 sqrt(v_hat) = |g_1| = (c + wd)|w_0|, so the ratio y/x is
    # (0.1 + 0.1) * 4.5 / ((50 + 0.1) * 1.5) = 0.011976.
    data = loaded["adamw_decay"]
    rates = data["Adam+L2/decay_rate"][0]
    wd = data.trajectory("Adam+L2").hyperparameters["weight_decay"]
    c, w0 = np.diag(data.surface.hessian), np.abs(data.config["start"])
    expected = (c[0] + wd) * w0[0] / ((c[1] + wd) * w0[1])
    assert rates[1] / rates[0] == pytest.approx(expected, rel=1e-6)


def test_adamw_norm_smaller(loaded):
    # Weight norm after 40 steps: AdamW 0.436, Adam with L2 1.053.
    data = loaded["adamw_decay"]
    assert data["AdamW/norm"][40] < 0.5 * data["Adam+L2/norm"][40]


def test_l2_path_is_plain_adam(loaded):
    # On a diagonal quadratic L2 only rescales each coordinate's gradient, by
    # (c + wd)/c, which m/sqrt(v) cancels: torch Adam without decay follows the same
    # path to 3.8e-8 (the difference is eps's).
    data = loaded["adamw_decay"]
    run = data.trajectory("Adam+L2")
    kwargs = {**torch_kwargs(run.hyperparameters), "weight_decay": 0.0}
    reference = torch_run(data, "Adam+L2", lambda ps: torch.optim.Adam(ps, **kwargs))
    assert np.abs(run.positions - reference).max() < 1e-6


# --- hand-computed steps from x = 1, lr = 0.1, weight_decay = 0.1 ------------------


def one_step(optimizer, grads: list[float]) -> list[float]:
    x = np.array([1.0])
    out = []
    for g in grads:
        optimizer.step([x], [np.array([g])])
        out.append(float(x[0]))
    return out


def test_l2_zero_gradient_full_step():
    # g = 0 + 0.1 * 1 = 0.1; m_hat = 0.1, v_hat = 0.01: the step is
    # 0.1 * 0.1 / (0.1 + 1e-8), nearly the full lr, so x1 = 0.900000009999999.
    x1 = one_step(Adam(0.1, weight_decay=0.1), [0.0])[0]
    assert x1 == pytest.approx(0.900000009999999, abs=1e-15)


def test_adamw_zero_gradient_exact():
    # With no gradient m = v = 0 and only the decay acts: 1 * 0.99, then 0.99 * 0.99.
    assert one_step(AdamW(0.1, weight_decay=0.1), [0.0, 0.0]) == [0.99, 0.9801]


def test_l2_bowl_hand_value():
    # f(x) = 0.5 x^2: g = x + 0.1 x = 1.1, step 0.1 * 1.1 / (1.1 + 1e-8).
    x1 = one_step(Adam(0.1, weight_decay=0.1), [1.0])[0]
    assert x1 == pytest.approx(1 - 0.1 * 1.1 / (1.1 + 1e-8), abs=1e-15)


def test_adamw_bowl_hand_value():
    # f(x) = 0.5 x^2: x1 = 0.99 - 0.1 * 1 / (1 + 1e-8) = 0.890000001.
    x1 = one_step(AdamW(0.1, weight_decay=0.1), [1.0])[0]
    assert x1 == pytest.approx(0.99 - 0.1 / (1 + 1e-8), abs=1e-15)


def test_hand_values_match_torch():
    # torch Adam(weight_decay) and AdamW agree with the four values above to 1e-15.
    results = []
    for make in (torch.optim.Adam, torch.optim.AdamW):
        for g in (0.0, 1.0):
            w = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
            opt = make([w], lr=0.1, weight_decay=0.1)
            w.grad = torch.tensor([g], dtype=torch.float64)
            opt.step()
            results.append(float(w.detach()[0]))
    ours = [
        one_step(Adam(0.1, weight_decay=0.1), [0.0])[0],
        one_step(Adam(0.1, weight_decay=0.1), [1.0])[0],
        one_step(AdamW(0.1, weight_decay=0.1), [0.0])[0],
        one_step(AdamW(0.1, weight_decay=0.1), [1.0])[0],
    ]
    assert np.abs(np.array(ours) - np.array(results)).max() < 1e-15
