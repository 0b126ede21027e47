"""Section 4: RMSProp remembers each coordinate's gradient scale."""

from __future__ import annotations

from manim import *

from optimizers.experiments import load
from scenes.base import MemoryScene
from scenes.components import (
    ContourMap,
    Counter,
    EquationPanel,
    Legend,
    StepArrow,
    TrailMarker,
)
from scenes.components.scale import ScaleBars, two_axis_levels
from scenes.theme import panel_region, plot_region

SCALED_X = (-5.0, 5.0)
SCALED_Y = (-2.0, 2.0)


class RMSPropScale(MemoryScene):
    section = 4
    title = "RMSProp: scale memory"
    description = (
        "SGD and RMSProp on the scaled bowl 0.5(0.1x^2+50y^2): bars of each "
        "coordinate's effective step lr/(sqrt(s)+eps) against SGD's one learning rate."
    )
    duration = 27.0

    experiment = "scaled_bowl_rmsprop"
    slow_steps = 4
    seconds_per_slow_step = 0.9
    seconds_per_step = 0.2

    def construct(self) -> None:
        data = load(self.experiment)
        sgd = data.trajectory("SGD")
        rmsprop = data.trajectory("RMSProp")
        sgd_lr = sgd.hyperparameters["lr"]
        lr = rmsprop.hyperparameters["lr"]
        beta = rmsprop.hyperparameters["beta"]
        effective = rmsprop.derived["effective_lr"]
        rms = rmsprop.derived["rms"]
        steps = min(sgd.steps, rmsprop.steps)
        green, grey = self.theme.color("RMSProp"), self.theme.color("SGD")

        # the scaled bowl
        self.show_title(f"{self.section}. {self.title}")
        curvature = data.surface.eigenvalues
        self.beat(
            f"The curvature along y is {curvature[-1] / curvature[0]:.0f} times "
            "that along x."
        )
        bowl = scaled_bowl_map(data.surface, self.theme)
        self.play(FadeIn(bowl), run_time=1)

        # the update rule
        self.beat("RMSProp keeps a running mean of squared gradients, per coordinate.")
        rule = EquationPanel(
            [
                r"s_t = \beta\, s_{t-1} + (1-\beta)\, g_t^2",
                r"w_{t+1} = w_t - \frac{\eta}{\sqrt{s_t} + \epsilon}\, g_t",
                rf"\beta = {beta:g},\quad \eta = {lr:g}",
            ],
            self.theme,
        )
        panel = panel_region()
        rule.move_to(panel).align_to(panel, UP).align_to(panel, LEFT)
        self.play(Write(rule), run_time=1.5)
        self.hold()

        # release both, slowly
        self.beat("Both start together; the arrows are each optimizer's step.")
        step = ValueTracker(0)
        sgd_marker = TrailMarker(bowl.to_scene(sgd.positions), grey).follow(step)
        rms_marker = TrailMarker(bowl.to_scene(rmsprop.positions), green).follow(step)
        arrows = VGroup(
            StepArrow(sgd_marker.trail, bowl.to_scene_vector(sgd.updates), grey),
            StepArrow(rms_marker.trail, bowl.to_scene_vector(rmsprop.updates), green),
        )
        for arrow in arrows:
            arrow.follow(step)
        legend = Legend({"SGD": grey, "RMSProp": green}, self.theme)
        legend.arrange(RIGHT, buff=0.4)
        legend.next_to(bowl, DOWN, buff=0.3).align_to(bowl, LEFT)
        self.play(
            FadeIn(sgd_marker), FadeIn(rms_marker), FadeIn(arrows), FadeIn(legend)
        )
        self.play_steps(step, self.slow_steps, self.seconds_per_slow_step)
        self.hold()

        # the scale memory: effective steps per coordinate
        self.beat("Bars: RMSProp's step size per coordinate, η/(√s+ε), log scale.")
        bars = ScaleBars(
            effective,
            [r"x", r"y"],
            [green, green],
            self.theme,
            height=1.6,
            reference=(sgd_lr, rf"\text{{SGD}}\ \eta = {sgd_lr:g}"),
            title="step size per coordinate",
            decimals=4,
        ).follow(step)
        bars.next_to(rule, DOWN, buff=0.4).align_to(rule, LEFT)
        roots = VGroup(
            Counter(r"\sqrt{s_x} =", rms[:, 0], step, self.theme, 3, green),
            Counter(r"\sqrt{s_y} =", rms[:, 1], step, self.theme, 2, green),
        )
        for counter in roots:
            counter.follow()
        roots.arrange(RIGHT, buff=0.5)
        roots.next_to(bars, DOWN, buff=0.2).align_to(rule, LEFT)
        self.play(FadeIn(bars), FadeIn(roots))
        self.play_steps(step, steps, self.seconds_per_step)
        self.hold()

        # the conclusion, from the data
        first = effective[0]
        self.beat(
            f"x's step {first[0] / first[1]:.0f}x y's at the start; "
            f"after {steps} steps x = {rmsprop.positions[steps, 0]:.2f} "
            f"vs SGD {sgd.positions[steps, 0]:.2f}."
        )
        self.play(FadeOut(arrows))
        self.hold(2)


def scaled_bowl_map(
    surface, theme, y_range: tuple[float, float] = SCALED_Y
) -> ContourMap:
    """Draw the scaled bowl's map, with contours spaced along both axes."""
    levels = two_axis_levels(surface, max(SCALED_X), max(y_range), 5)
    bowl = ContourMap(
        surface,
        SCALED_X,
        y_range,
        plot_region(),
        theme,
        levels=levels,
        formula=f"f(x, y) = {surface.formula}",
    )
    return bowl.align_to(plot_region(), UP)


__all__ = ["SCALED_X", "SCALED_Y", "RMSPropScale", "scaled_bowl_map"]
