"""Section 5: Adam remembers direction and scale, and rides out noisy gradients."""

from __future__ import annotations

from manim import *

from optimizers.analysis import adam_step_parts, tail_mean, variance_ratio
from optimizers.experiments import load
from scenes.base import MemoryScene
from scenes.components import (
    EquationPanel,
    Legend,
    SeriesPanel,
    StepArrow,
    TrailMarker,
)
from scenes.components.scale import NumberTable
from scenes.s04_rmsprop import scaled_bowl_map
from scenes.theme import FORMULA_SIZE, LABEL_SIZE, panel_region

#: The runs stay within |y| <= 1.5, so the map can be lower than section 4's.
NOISY_Y = (-1.6, 1.6)


class AdamNoisy(MemoryScene):
    section = 5
    title = "Adam: direction and scale"
    description = (
        "Four optimizers on the scaled bowl with the same seeded gradient noise: "
        "Adam's raw gradient against its first moment, its numbers step by step, "
        "and the losses."
    )
    duration = 31.1

    experiment = "noisy_adam"
    slow_steps = 6
    seconds_per_slow_step = 0.9
    seconds_per_step = 0.15

    def construct(self) -> None:
        data = load(self.experiment)
        config = data.config
        runs = data.trajectories()
        adam = runs["Adam"]
        hp = adam.hyperparameters
        steps = min(run.steps for run in runs.values())
        colors = {label: self.theme.color(label) for label in runs}
        yellow, orange = self.theme.color("gradient"), colors["Adam"]
        raw_step, moment_step = adam_step_parts(
            adam.grads,
            adam.derived["m_hat"],
            adam.derived["v_hat"],
            hp["lr"],
            hp["eps"],
        )

        # the noisy bowl
        self.show_title(f"{self.section}. {self.title}")
        self.beat(
            f"The scaled bowl again; each gradient now carries noise, σ = "
            f"{config['noise_sigma']:g}."
        )
        bowl = scaled_bowl_map(data.surface, self.theme, NOISY_Y)
        self.play(FadeIn(bowl), run_time=1)

        # the update rule
        self.beat("Adam keeps two memories: m for direction, v for scale.")
        rule = EquationPanel(
            [
                r"m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t",
                r"v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2",
                r"w_{t+1} = w_t - \eta\, \hat m_t / (\sqrt{\hat v_t} + \epsilon)",
            ],
            self.theme,
            font_size=FORMULA_SIZE - 4,
        )
        panel = panel_region()
        rule.move_to(panel).align_to(panel, UP).align_to(panel, LEFT)
        self.play(Write(rule), run_time=1.5)
        self.hold(0.5)

        # Adam alone, slowly, with its numbers
        self.beat("Yellow: a step on the raw gradient. Orange: Adam's step on m.")
        step = ValueTracker(0)
        markers = {
            label: TrailMarker(bowl.to_scene(run.positions), colors[label])
            for label, run in runs.items()
        }
        adam_marker = markers["Adam"].follow(step)
        scale = config["arrow_scale"]
        raw_arrow = StepArrow(
            adam_marker.trail, bowl.to_scene_vector(scale * raw_step), yellow
        ).follow(step)
        moment_arrow = StepArrow(
            adam_marker.trail, bowl.to_scene_vector(scale * moment_step), orange
        ).follow(step)
        table = NumberTable(
            {
                "g_t": adam.grads,
                "m_t": adam.state["m"],
                "v_t": adam.state["v"],
                r"\hat m_t": adam.derived["m_hat"],
                r"\hat v_t": adam.derived["v_hat"],
                r"\Delta w": adam.updates,
            },
            ["x", "y"],
            step,
            self.theme,
            colors={"g_t": yellow, "m_t": orange, r"\hat m_t": orange},
            decimals=3,
            column_width=1.9,
        )
        table.next_to(rule, DOWN, buff=0.3).align_to(rule, LEFT)
        arrows_note = Text(
            f"arrows drawn {scale:g}x", font_size=LABEL_SIZE, color=self.theme.muted
        )
        arrows_note.next_to(table, DOWN, buff=0.25).align_to(rule, LEFT)
        self.play(
            FadeIn(adam_marker),
            FadeIn(raw_arrow),
            FadeIn(moment_arrow),
            FadeIn(table),
            FadeIn(arrows_note),
        )
        self.play_steps(step, self.slow_steps, self.seconds_per_slow_step)
        self.hold()

        # all four on the same noise, with the losses
        self.beat("SGD, Momentum and RMSProp get the very same noise sequence.")
        others = [markers[label].follow(step) for label in runs if label != "Adam"]
        legend = Legend(colors, self.theme)
        losses = SeriesPanel(
            {
                label: (run.losses[: steps + 1], colors[label])
                for label, run in runs.items()
            },
            self.theme,
            bowl.width - legend.width - 0.5,
            1.1,
            x_label=None,
            y_label=r"\log_{10} f(w_t)\ \text{over steps}",
            log_y=True,
        ).follow(step)
        losses.next_to(bowl, DOWN, buff=0.2).align_to(bowl, LEFT)
        legend.next_to(losses, RIGHT, buff=0.4).align_to(losses, DOWN)
        self.play(*[FadeIn(m) for m in others], FadeIn(legend), FadeIn(losses))
        self.play_steps(step, steps, self.seconds_per_step)
        self.hold()

        # the conclusion, from the data
        tail = config["tail_steps"]
        means = {label: tail_mean(run.losses, tail) for label, run in runs.items()}
        ratio = variance_ratio(adam.state["m"], adam.grads, config["warmup_steps"])[0]
        self.beat(
            f"Mean loss, last {tail} steps: Adam {means['Adam']:.3f}, "
            f"SGD {means['SGD']:.3f}."
        )
        summary = VGroup(
            *[
                Text(f"{label}: {value:.3f}", font_size=LABEL_SIZE, color=colors[label])
                for label, value in means.items()
            ]
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        summary_head = Text(
            f"mean loss, last {tail} steps:",
            font_size=LABEL_SIZE,
            color=self.theme.foreground,
        )
        variance = MathTex(
            rf"\operatorname{{var}}(m_x) / \operatorname{{var}}(g_x) = {ratio:.3f}",
            font_size=FORMULA_SIZE - 4,
            color=orange,
        )
        verdict = VGroup(summary_head, summary, variance).arrange(
            DOWN, aligned_edge=LEFT, buff=0.2
        )
        verdict.move_to(table, aligned_edge=UL)
        self.play(
            FadeOut(raw_arrow), FadeOut(table), FadeOut(arrows_note), FadeIn(verdict)
        )
        self.hold(2)
