"""Section 1: SGD on the round bowl, where the current gradient is all it needs."""

from __future__ import annotations

from manim import *

from optimizers.experiments import load
from scenes.base import MemoryScene
from scenes.components import (
    ContourMap,
    Counter,
    EquationPanel,
    StatePanel,
    StepArrow,
    TrailMarker,
)
from scenes.theme import panel_region, plot_region


class SGDBowl(MemoryScene):
    section = 1
    title = "SGD: no memory"
    description = (
        "SGD on the round bowl 0.5(x^2+y^2): the gradient arrow, one slow step, "
        "the rest quickly, and an empty state panel."
    )
    duration = 19.3

    experiment = "bowl_sgd"
    slow_steps = 2
    seconds_per_slow_step = 1.0
    seconds_per_step = 0.2

    def construct(self) -> None:
        data = load(self.experiment)
        run = data.trajectory("SGD")
        lr = run.hyperparameters["lr"]
        color = self.theme.color("SGD")

        # the map: static layer first, so Manim caches it
        self.show_title(f"{self.section}. {self.title}")
        self.beat("A round bowl: every gradient points straight away from the minimum.")
        bowl = ContourMap(
            data.surface,
            (-4.5, 4.5),
            (-3.2, 3.2),
            plot_region(),
            self.theme,
            formula=r"f(x, y) = \tfrac12\,(x^2 + y^2)",
        )
        self.play(FadeIn(bowl), run_time=1)
        self.hold(0.5)

        # the update rule
        self.beat("SGD's whole rule: step against the current gradient.")
        rule = EquationPanel(
            [
                r"w_{t+1} = w_t - \eta\, g_t",
                r"g_t = \nabla f(w_t) = (x_t,\ y_t)",
                rf"\eta = {lr:g}",
            ],
            self.theme,
        )
        panel = panel_region()
        rule.move_to(panel).align_to(panel, UP).align_to(panel, LEFT)
        self.play(Write(rule), run_time=1.5)
        self.hold()

        # one step, slowly
        self.beat(
            f"One step: the arrow is -g, and SGD moves η = {lr:g} of the way along it."
        )
        step = ValueTracker(0)
        points = bowl.to_scene(run.positions)
        marker = TrailMarker(points, color, "SGD", label_direction=UP).follow(step)
        arrow = StepArrow(
            marker.trail,
            # On the bowl -g points at the minimum, so the full arrow is drawn and
            # the marker covers the fraction lr of it.
            bowl.to_scene_vector(-run.grads),
            self.theme.color("gradient"),
        ).follow(step)
        counters = VGroup(
            Counter("t =", range(run.steps + 1), step, self.theme, decimals=0).follow(),
            Counter(r"f(w_t) =", run.losses, step, self.theme, decimals=4).follow(),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        counters.next_to(rule, DOWN, buff=0.5).align_to(rule, LEFT)
        self.play(FadeIn(marker), GrowFromPoint(arrow, points[0]), FadeIn(counters))
        self.play_steps(step, self.slow_steps, self.seconds_per_slow_step)
        self.hold()

        # the rest, quickly
        self.beat("The remaining steps: the same rule, straight down to the minimum.")
        self.play_steps(step, run.steps, self.seconds_per_step)
        self.hold()

        # the state panel: nothing
        self.beat("SGD stores nothing between steps. On this bowl it needs nothing.")
        state = StatePanel("SGD", run.state, step, self.theme)
        state.next_to(counters, DOWN, buff=0.5).align_to(rule, LEFT)
        self.play(FadeIn(state), FadeOut(arrow))
        self.hold(2)
