"""Section 3: Momentum remembers direction, and filters the ravine's oscillation."""

from __future__ import annotations

from manim import *

from optimizers.analysis import filter_gain
from optimizers.experiments import load
from scenes.base import MemoryScene
from scenes.components import (
    ContourMap,
    Counter,
    EquationPanel,
    Legend,
    SeriesPanel,
    StepArrow,
    TrailMarker,
)
from scenes.s02_ravine import RAVINE_FORMULA, RAVINE_X, RAVINE_Y
from scenes.theme import LABEL_SIZE, panel_region, plot_region

#: The loss both runs must reach for the comparison of the last beat.
TARGET_LOSS = 1e-3


class MomentumRavine(MemoryScene):
    section = 3
    title = "Momentum: direction memory"
    description = (
        "SGD and Momentum from one start on the ravine: the velocity arrow grows "
        "along the valley, and the steep coordinate's velocity filters its gradient."
    )
    duration = 34.1

    experiment = "ravine_momentum"
    slow_steps = 5
    seconds_per_slow_step = 0.8
    seconds_per_step = 0.12
    filter_steps = 30

    def construct(self) -> None:
        data = load(self.experiment)
        sgd = data.trajectory("SGD")
        momentum = data.trajectory("Momentum")
        lr = momentum.hyperparameters["lr"]
        beta = momentum.hyperparameters["beta"]
        velocity = momentum.state["velocity"]
        steps = min(sgd.steps, momentum.steps)

        # the ravine again, with both optimizers at one start
        self.show_title(f"{self.section}. {self.title}")
        self.beat("The same ravine, the same start and learning rate, two optimizers.")
        ravine = ContourMap(
            data.surface,
            RAVINE_X,
            RAVINE_Y,
            plot_region(),
            self.theme,
            formula=RAVINE_FORMULA,
        )
        ravine.align_to(plot_region(), UP)
        self.play(FadeIn(ravine), run_time=1)

        # the update rule
        self.beat("Momentum keeps a velocity: a running sum of past gradients.")
        rule = EquationPanel(
            [
                r"v_t = \beta\, v_{t-1} + g_t",
                r"w_{t+1} = w_t - \eta\, v_t",
                rf"\beta = {beta:g},\quad \eta = {lr:g}",
            ],
            self.theme,
        )
        panel = panel_region()
        rule.move_to(panel).align_to(panel, UP).align_to(panel, LEFT)
        self.play(Write(rule), run_time=1.5)
        self.hold()

        # release both, slowly: gradient and velocity arrows at Momentum's marker
        self.beat(
            "Yellow: -η g, this step's gradient. Blue: -η v, the remembered velocity."
        )
        step = ValueTracker(0)
        sgd_marker = TrailMarker(
            ravine.to_scene(sgd.positions), self.theme.color("SGD")
        ).follow(step)
        momentum_marker = TrailMarker(
            ravine.to_scene(momentum.positions), self.theme.color("Momentum")
        ).follow(step)
        markers_legend = Legend(
            {"SGD": self.theme.color("SGD"), "Momentum": self.theme.color("Momentum")},
            self.theme,
        ).arrange(RIGHT, buff=0.4)
        markers_legend.next_to(ravine, DOWN, buff=0.3).align_to(ravine, LEFT)
        gradient_arrow = StepArrow(
            momentum_marker.trail,
            ravine.to_scene_vector(-lr * momentum.grads),
            self.theme.color("gradient"),
        ).follow(step)
        velocity_arrow = StepArrow(
            momentum_marker.trail,
            ravine.to_scene_vector(-lr * velocity),
            self.theme.color("Momentum"),
        ).follow(step)
        self.play(
            FadeIn(sgd_marker),
            FadeIn(momentum_marker),
            FadeIn(markers_legend),
            FadeIn(gradient_arrow),
            FadeIn(velocity_arrow),
        )
        self.play_steps(step, self.slow_steps, self.seconds_per_slow_step)
        self.hold()

        # the filter: the steep coordinate's gradient against its velocity
        self.beat(
            "Across the valley the gradients flip and cancel in v; along it they add."
        )
        width = panel.width - 0.4
        blue, yellow = self.theme.color("Momentum"), self.theme.color("gradient")
        steep = SeriesPanel(
            {
                "gradient": (momentum.grads[: self.filter_steps, 1], yellow),
                "velocity": (velocity[: self.filter_steps, 1], blue),
            },
            self.theme,
            width,
            1.1,
            x_label=None,
            y_label=r"\text{across the valley: } g_{t,y},\ v_{t,y}",
        ).follow(step)
        legend = Legend({"gradient g": yellow, "velocity v": blue}, self.theme)
        legend.arrange(RIGHT, buff=0.4)
        steep_group = VGroup(steep, legend).arrange(DOWN, buff=0.15, aligned_edge=LEFT)
        steep_group.next_to(rule, DOWN, buff=0.35).align_to(rule, LEFT)
        gain = filter_gain(velocity, momentum.grads)
        gains = VGroup(
            Text(
                "sum |v| / sum |g|:", font_size=LABEL_SIZE, color=self.theme.foreground
            ),
            Counter(
                "along x",
                gain[:, 0],
                step,
                self.theme,
                2,
                color=blue,
                tex_label=False,
                font_size=LABEL_SIZE,
            ).follow(),
            Counter(
                "across y",
                gain[:, 1],
                step,
                self.theme,
                2,
                color=blue,
                tex_label=False,
                font_size=LABEL_SIZE,
            ).follow(),
        )
        gains[1:].arrange(RIGHT, buff=0.4)
        gains = VGroup(gains[0], VGroup(*gains[1:])).arrange(
            DOWN, aligned_edge=LEFT, buff=0.15
        )
        gains.next_to(markers_legend, DOWN, buff=0.3).align_to(ravine, LEFT)
        self.play(FadeIn(steep_group), FadeIn(gains))
        self.play_steps(step, self.filter_steps, self.seconds_per_step)

        # the losses
        self.beat("Both run on; the loss, on a log scale, shows who gets there first.")
        losses = SeriesPanel(
            {
                "SGD": (sgd.losses[: steps + 1], self.theme.color("SGD")),
                "Momentum": (momentum.losses[: steps + 1], blue),
            },
            self.theme,
            width,
            1.1,
            y_label=r"\log_{10} f(w_t)",
            log_y=True,
        ).follow(step)
        losses.next_to(steep_group, DOWN, buff=0.3).align_to(rule, LEFT)
        self.play(FadeIn(losses), run_time=0.5)
        self.play_steps(step, steps, self.seconds_per_step)
        self.hold()

        # the conclusion, from the data
        sgd_reach = sgd.first_step_below(TARGET_LOSS)
        momentum_reach = momentum.first_step_below(TARGET_LOSS)
        self.beat(
            f"Loss below {TARGET_LOSS:g}: Momentum at step {momentum_reach}, "
            f"SGD at step {_step_text(sgd_reach, steps)}."
        )
        self.play(FadeOut(gradient_arrow))
        self.hold(2)


def _step_text(step: int | None, steps: int) -> str:
    return str(step) if step is not None else f"none of {steps}"
