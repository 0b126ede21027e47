"""Section 2: SGD zig-zags across a narrow ravine while creeping along it."""

from __future__ import annotations

from manim import *

from optimizers.analysis import percent_of_way, sign_flips
from optimizers.experiments import load
from scenes.base import MemoryScene
from scenes.components import (
    ContourMap,
    Counter,
    EquationPanel,
    SeriesPanel,
    StepArrow,
    TrailMarker,
)
from scenes.theme import LABEL_SIZE, panel_region, plot_region

RAVINE_X = (-5.0, 5.0)
RAVINE_Y = (-2.0, 2.0)
RAVINE_FORMULA = r"f(x, y) = \tfrac12\,(x^2 + 50\,y^2)"


class SGDRavine(MemoryScene):
    section = 2
    title = "When SGD zig-zags"
    description = (
        "SGD on the ravine 0.5(x^2+50y^2): the gradient arrow flips sign across the "
        "valley every step while x creeps along it."
    )
    duration = 27.1

    experiment = "ravine_sgd"
    slow_steps = 4
    seconds_per_slow_step = 0.8
    seconds_per_step = 0.2

    def construct(self) -> None:
        data = load(self.experiment)
        run = data.trajectory("SGD")
        lr = run.hyperparameters["lr"]
        surface = data.surface
        x, y = run.positions[:, 0], run.positions[:, 1]
        flips = sign_flips(y)
        progress = percent_of_way(x)

        # the ravine
        self.show_title(f"{self.section}. {self.title}")
        self.beat("A narrow valley: steep across it (y), shallow along it (x).")
        ravine = ContourMap(
            surface,
            RAVINE_X,
            RAVINE_Y,
            plot_region(),
            self.theme,
            formula=RAVINE_FORMULA,
        )
        ravine.align_to(plot_region(), UP)
        self.play(FadeIn(ravine), run_time=1)
        self.hold(0.5)

        # the gradient and the learning rate
        self.beat("The gradient (x, 50y) is dominated by the steep direction.")
        limit = surface.stability_limit
        rule = EquationPanel(
            [
                r"g_t = \nabla f(w_t) = (x_t,\ 50\,y_t)",
                r"w_{t+1} = w_t - \eta\, g_t",
                rf"\eta = {lr:g} < 2/\lambda_{{\max}} = {limit:g}",
            ],
            self.theme,
        )
        panel = panel_region()
        rule.move_to(panel).align_to(panel, UP).align_to(panel, LEFT)
        self.play(Write(rule), run_time=1.5)
        self.hold()

        # the first steps, slowly
        self.beat("Each step overshoots the valley floor, so the next gradient flips.")
        step = ValueTracker(0)
        points = ravine.to_scene(run.positions)
        marker = TrailMarker(points, self.theme.color("SGD"), "SGD", UP).follow(step)
        arrow = StepArrow(
            marker.trail,
            ravine.to_scene_vector(-lr * run.grads),
            self.theme.color("gradient"),
        ).follow(step)
        self.play(FadeIn(marker), GrowFromPoint(arrow, points[0]))
        self.play_steps(step, self.slow_steps, self.seconds_per_slow_step)
        self.hold()

        # both coordinates over time
        self.beat("Across the valley y flips sign every step; along it x creeps.")
        width = panel.width - 0.4
        steep = SeriesPanel(
            {"y": (y, self.theme.color("SGD"))},
            self.theme,
            width,
            1.1,
            x_label=None,
            y_label=r"y_t\ \text{(steep)}",
        ).follow(step)
        shallow = SeriesPanel(
            {"x": (x, self.theme.color("SGD"))},
            self.theme,
            width,
            1.1,
            y_label=r"x_t\ \text{(shallow)}",
        ).follow(step)
        series = VGroup(steep, shallow).arrange(DOWN, buff=0.3, aligned_edge=LEFT)
        series.next_to(rule, DOWN, buff=0.35).align_to(rule, LEFT)
        counters = VGroup(
            Counter(
                "sign flips of y:",
                flips,
                step,
                self.theme,
                0,
                tex_label=False,
                font_size=LABEL_SIZE,
            ).follow(),
            Counter(
                "x, % of the way:",
                progress,
                step,
                self.theme,
                1,
                tex_label=False,
                font_size=LABEL_SIZE,
            ).follow(),
        ).arrange(DOWN, buff=0.2, aligned_edge=LEFT)
        counters.next_to(ravine, DOWN, buff=0.4).align_to(ravine, LEFT)
        self.play(FadeIn(series), FadeIn(counters))
        self.play_steps(step, run.steps, self.seconds_per_step)
        self.hold()

        # the conclusion, from the data
        self.beat(
            f"{run.steps} steps: y flipped sign {int(flips[-1])} times; "
            f"x still has {100 - progress[-1]:.0f}% of its way to go."
        )
        self.play(FadeOut(arrow))
        self.hold(2)
