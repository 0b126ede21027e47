"""Section 2: SGD on the ravine just below and just above its stability limit."""

from __future__ import annotations

import math

from manim import *

from optimizers.experiments import load
from optimizers.trajectory import DIVERGENCE_FACTOR
from scenes.base import MemoryScene
from scenes.components import ContourMap, Counter, EquationPanel, TrailMarker
from scenes.components.paths import DivergedMark
from scenes.theme import BODY_SIZE, panel_region, plot_region


class SGDDivergence(MemoryScene):
    section = 2
    title = "Past the stability limit"
    description = (
        "SGD on the ravine 0.5(x^2+50y^2) with lr below and above 2/lambda_max: "
        "one run settles, the other grows 1.5x a step and leaves the plot."
    )
    duration = 28.5

    experiment = "ravine_divergence"
    slow_steps = 3
    seconds_per_slow_step = 0.8
    seconds_per_step = 0.15

    def construct(self) -> None:
        data = load(self.experiment)
        below, above = data.trajectory("below"), data.trajectory("above")
        lr_below = below.hyperparameters["lr"]
        lr_above = above.hyperparameters["lr"]
        lambda_max = float(data["stability/lambda_max"])
        limit = float(data["stability/limit"])
        # |1 - lr*lambda| per principal axis, ascending: the last is the steep one
        growth_below = float(data["below/growth"][-1])
        growth_above = float(data["above/growth"][-1])
        view_x = tuple(data.config["view_x"])
        view_y = tuple(data.config["view_y"])
        color = self.theme.color("SGD")

        # two copies of the ravine, one per learning rate
        self.show_title(f"{self.section}. {self.title}")
        self.beat("The ravine twice: a learning rate below the limit, one above.")
        plot = plot_region()
        heading_below = Text(
            f"η = {lr_below:g}, below the limit", font_size=BODY_SIZE, color=color
        )
        heading_above = Text(
            f"η = {lr_above:g}, above the limit", font_size=BODY_SIZE, color=color
        )
        half = Rectangle(
            width=plot.width,
            height=(plot.height - 2 * heading_below.height) / 2 - 0.45,
        )
        maps = [
            ContourMap(data.surface, view_x, view_y, half, self.theme) for _ in "ab"
        ]
        layout = VGroup(heading_below, maps[0], heading_above, maps[1])
        layout.arrange(DOWN, buff=0.15, aligned_edge=LEFT)
        layout.move_to(plot).align_to(plot, UP).align_to(plot, LEFT)
        self.play(FadeIn(layout), run_time=1)
        self.hold(0.5)

        # the limit, from the Hessian
        self.beat("Each step multiplies y by 1 - 50η: it must stay inside (-1, 1).")
        panel = panel_region()
        rule = EquationPanel(
            [
                rf"f(x, y) = {data.surface.formula}",
                rf"\lambda_{{\max}}(\nabla^2 f) = {lambda_max:g}",
                rf"y_{{t+1}} = (1 - {lambda_max:g}\,\eta)\, y_t",
                rf"\text{{stable if }} \eta < 2/\lambda_{{\max}} = {limit:g}",
            ],
            self.theme,
        )
        rule.move_to(panel).align_to(panel, UP).align_to(panel, LEFT)
        self.play(Write(rule), run_time=1.5)
        self.hold()

        # below the limit: the zig-zag shrinks
        self.beat(f"η = {lr_below:g}: y shrinks by {growth_below:g} a step and flips.")
        clipped_below = maps[0].clip_run(below.positions)
        step_below = ValueTracker(0)
        marker_below = TrailMarker(clipped_below.points, color).follow(step_below)
        factor_below = MathTex(
            rf"\eta = {lr_below:g}:\ |1 - {lambda_max:g}\eta| = {growth_below:g} < 1",
            font_size=BODY_SIZE + 4,
            color=color,
        )
        factor_below.next_to(rule, DOWN, buff=0.45).align_to(rule, LEFT)
        self.play(FadeIn(marker_below), FadeIn(factor_below))
        self.play_steps(step_below, self.slow_steps, self.seconds_per_slow_step)
        self.play_steps(step_below, clipped_below.steps, self.seconds_per_step)
        self.hold()

        # above the limit: the zig-zag grows until it leaves the plot
        self.beat(
            f"η = {lr_above:g}: y grows by {growth_above:g} a step, "
            "flipping sign each time."
        )
        clipped_above = maps[1].clip_run(above.positions)
        step_above = ValueTracker(0)
        marker_above = TrailMarker(clipped_above.points, color).follow(step_above)
        factor_above = MathTex(
            rf"\eta = {lr_above:g}:\ |1 - {lambda_max:g}\eta| = {growth_above:g} > 1",
            font_size=BODY_SIZE + 4,
            color=color,
        )
        factor_above.next_to(factor_below, DOWN, buff=0.3).align_to(rule, LEFT)
        last_drawn = clipped_above.exit_step or above.steps
        y_above = Counter(
            "y_t =",
            above.positions[: last_drawn + 1, 1],
            step_above,
            self.theme,
            decimals=2,
            color=color,
        ).follow()
        y_above.next_to(factor_above, DOWN, buff=0.3).align_to(rule, LEFT)
        self.play(FadeIn(marker_above), FadeIn(factor_above), FadeIn(y_above))
        self.play_steps(step_above, clipped_above.steps, self.seconds_per_slow_step)
        self.hold()

        # mark where it stopped being drawable, and why
        exit_step = clipped_above.exit_step
        stopped = above.diverged_at
        if exit_step is not None and (stopped is None or exit_step <= stopped):
            text = f"diverged: off the plot at step {exit_step}"
            where = maps[1].to_scene(clipped_above.crossing)
            reason = f"left the plot at step {exit_step}"
        else:
            text = f"diverged at step {stopped}"
            where = clipped_above.points[-1]
            reason = f"recorder stopped at step {stopped}"
        self.beat(f"It {reason}: divergence, not a slow start.")
        inward = DOWN if where[1] > maps[1].axes.get_center()[1] else UP
        mark = DivergedMark(where, color, text, direction=inward + RIGHT)
        exponent = round(math.log10(DIVERGENCE_FACTOR))
        recorder = MathTex(
            rf"f(w_t) > 10^{{{exponent}}} f(w_0) \text{{ at step }} {stopped}",
            font_size=BODY_SIZE + 4,
            color=self.theme.muted,
        )
        recorder.next_to(y_above, DOWN, buff=0.3).align_to(rule, LEFT)
        self.play(FadeIn(mark), FadeIn(recorder), run_time=0.8)
        self.hold()

        # the conclusion, from the data
        self.beat(
            f"η = {lr_above:g} > {limit:g} = 2/λmax diverges; "
            f"η = {lr_below:g}: loss {below.losses[0]:.1f} → {below.losses[-1]:.2f}."
        )
        self.hold(2)
