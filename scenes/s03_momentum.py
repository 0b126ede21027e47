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
        self.load_runs()
        self.show_title(f"{self.section}. {self.title}")
        self.beat("The same ravine, the same start and learning rate, two optimizers.")
        self.draw_ravine()
        self.beat("Momentum keeps a velocity: a running sum of past gradients.")
        self.write_rule()
        self.beat(
            "Yellow: -η g, this step's gradient. Blue: -η v, the remembered velocity."
        )
        self.release_markers()
        self.beat(
            "Across the valley the gradients flip and cancel in v; along it they add."
        )
        self.show_filter()
        self.beat("Both run on; the loss, on a log scale, shows who gets there first.")
        self.show_losses(below=self.steep_group)
        self.conclude()

    # beats, shared with the variant below -----------------------------------

    def load_runs(self) -> None:
        data = load(self.experiment)
        self.surface = data.surface
        self.sgd = data.trajectory("SGD")
        self.momentum = data.trajectory("Momentum")
        self.lr = self.momentum.hyperparameters["lr"]
        self.beta = self.momentum.hyperparameters["beta"]
        self.velocity = self.momentum.state["velocity"]
        self.steps = min(self.sgd.steps, self.momentum.steps)
        self.blue = self.theme.color("Momentum")
        self.yellow = self.theme.color("gradient")

    def draw_ravine(self) -> None:
        self.ravine = ContourMap(
            self.surface,
            RAVINE_X,
            RAVINE_Y,
            plot_region(),
            self.theme,
            formula=RAVINE_FORMULA,
        )
        self.ravine.align_to(plot_region(), UP)
        self.play(FadeIn(self.ravine), run_time=1)

    def write_rule(self) -> None:
        self.rule = EquationPanel(
            [
                r"v_t = \beta\, v_{t-1} + g_t",
                r"w_{t+1} = w_t - \eta\, v_t",
                rf"\beta = {self.beta:g},\quad \eta = {self.lr:g}",
            ],
            self.theme,
        )
        panel = panel_region()
        self.rule.move_to(panel).align_to(panel, UP).align_to(panel, LEFT)
        self.play(Write(self.rule), run_time=1.5)
        self.hold()

    def release_markers(self) -> None:
        """Start both runs slowly, with gradient and velocity arrows at Momentum's."""
        ravine = self.ravine
        self.step = step = ValueTracker(0)
        sgd_marker = TrailMarker(
            ravine.to_scene(self.sgd.positions), self.theme.color("SGD")
        ).follow(step)
        momentum_marker = TrailMarker(
            ravine.to_scene(self.momentum.positions), self.blue
        ).follow(step)
        self.markers_legend = Legend(
            {"SGD": self.theme.color("SGD"), "Momentum": self.blue}, self.theme
        ).arrange(RIGHT, buff=0.4)
        self.markers_legend.next_to(ravine, DOWN, buff=0.3).align_to(ravine, LEFT)
        self.gradient_arrow = StepArrow(
            momentum_marker.trail,
            ravine.to_scene_vector(-self.lr * self.momentum.grads),
            self.yellow,
        ).follow(step)
        velocity_arrow = StepArrow(
            momentum_marker.trail,
            ravine.to_scene_vector(-self.lr * self.velocity),
            self.blue,
        ).follow(step)
        self.play(
            FadeIn(sgd_marker),
            FadeIn(momentum_marker),
            FadeIn(self.markers_legend),
            FadeIn(self.gradient_arrow),
            FadeIn(velocity_arrow),
        )
        self.play_steps(step, self.slow_steps, self.seconds_per_slow_step)
        self.hold()

    def show_filter(self) -> None:
        """Plot the steep coordinate's gradient against its velocity, with the gains."""
        step, blue = self.step, self.blue
        steep = SeriesPanel(
            {
                "gradient": (self.momentum.grads[: self.filter_steps, 1], self.yellow),
                "velocity": (self.velocity[: self.filter_steps, 1], blue),
            },
            self.theme,
            panel_region().width - 0.4,
            1.0,
            x_label=None,
            y_label=r"\text{across the valley: } g_{t,y},\ v_{t,y}",
        ).follow(step)
        legend = Legend({"gradient g": self.yellow, "velocity v": blue}, self.theme)
        legend.arrange(RIGHT, buff=0.4)
        self.steep_group = VGroup(steep, legend).arrange(
            DOWN, buff=0.15, aligned_edge=LEFT
        )
        self.steep_group.next_to(self.rule, DOWN, buff=0.35).align_to(self.rule, LEFT)

        gain = filter_gain(self.velocity, self.momentum.grads)
        heading = Text(
            "sum |v| / sum |g|:", font_size=LABEL_SIZE, color=self.theme.foreground
        )
        counters = VGroup(
            *(
                Counter(
                    name,
                    gain[:, column],
                    step,
                    self.theme,
                    2,
                    color=blue,
                    tex_label=False,
                    font_size=LABEL_SIZE,
                ).follow()
                for column, name in enumerate(("along x", "across y"))
            )
        ).arrange(RIGHT, buff=0.4)
        gains = VGroup(heading, counters).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        gains.next_to(self.markers_legend, DOWN, buff=0.3)
        gains.align_to(self.ravine, LEFT)
        self.play(FadeIn(self.steep_group), FadeIn(gains))
        self.play_steps(step, self.filter_steps, self.seconds_per_step)

    def show_losses(self, below: Mobject) -> None:
        losses = SeriesPanel(
            {
                "SGD": (self.sgd.losses[: self.steps + 1], self.theme.color("SGD")),
                "Momentum": (self.momentum.losses[: self.steps + 1], self.blue),
            },
            self.theme,
            panel_region().width - 0.4,
            0.95,
            y_label=r"\log_{10} f(w_t)",
            log_y=True,
        ).follow(self.step)
        losses.next_to(below, DOWN, buff=0.3).align_to(self.rule, LEFT)
        self.play(FadeIn(losses), run_time=0.5)
        self.play_steps(self.step, self.steps, self.seconds_per_step)
        self.hold()

    def conclude(self) -> None:
        self.beat(
            f"Loss below {TARGET_LOSS:g}: Momentum at step {self.reach('Momentum')}, "
            f"SGD at step {self.reach('SGD')}."
        )
        self.play(FadeOut(self.gradient_arrow))
        self.hold(2)

    def reach(self, label: str) -> str:
        """Return the first step whose loss is below the target, as text."""
        run = self.sgd if label == "SGD" else self.momentum
        step = run.first_step_below(TARGET_LOSS)
        return str(step) if step is not None else f"none of {self.steps}"


class MomentumLongMemory(MomentumRavine):
    section = 3
    title = "Too much memory"
    description = (
        "Momentum with beta 0.9 on the same ravine: the velocity remembers so long "
        "that the run overshoots along the valley before it settles."
    )
    duration = 33.6

    experiment = "ravine_momentum_long_memory"

    def construct(self) -> None:
        self.load_runs()
        self.show_title(f"{self.section}. {self.title}")
        self.beat("The same ravine; Momentum now keeps more of its old velocity.")
        self.draw_ravine()
        self.beat(f"β = {self.beta:g}: each step keeps that share of the old velocity.")
        self.write_rule()
        self.beat("Blue: -η v. It keeps pushing along x after the minimum is passed.")
        self.release_markers()
        self.beat("Along the valley, x runs past the minimum at 0 and swings back.")
        along = SeriesPanel(
            {
                "SGD": (
                    self.sgd.positions[: self.steps + 1, 0],
                    self.theme.color("SGD"),
                ),
                "Momentum": (self.momentum.positions[: self.steps + 1, 0], self.blue),
            },
            self.theme,
            panel_region().width - 0.4,
            1.4,
            x_label=None,
            y_label=r"x_t\ \text{(along the valley)}",
        ).follow(self.step)
        along.next_to(self.rule, DOWN, buff=0.35).align_to(self.rule, LEFT)
        self.play(FadeIn(along), run_time=0.5)
        self.play_steps(self.step, 60, self.seconds_per_step)
        self.beat("The loss falls unevenly as the run swings past and back.")
        self.show_losses(below=along)
        # Compare with the shorter memory of the main clip, not only with SGD.
        short = load(MomentumRavine.experiment).trajectory("Momentum")
        short_beta = short.hyperparameters["beta"]
        short_reach = short.first_step_below(TARGET_LOSS)
        overshoot = float(self.momentum.positions[:, 0].max())
        self.beat(
            f"x overshoots to {overshoot:+.2f}; f < {TARGET_LOSS:g} at step "
            f"{self.reach('Momentum')}, vs {short_reach} with β = {short_beta:g}."
        )
        self.play(FadeOut(self.gradient_arrow))
        self.hold(2)
