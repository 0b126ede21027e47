"""Section 6: moving averages started at zero, and the correction that fixes them."""

from __future__ import annotations

import numpy as np
from manim import *

from optimizers.analysis import step_lengths
from optimizers.experiments import load
from scenes.base import MemoryScene
from scenes.components import (
    ContourMap,
    Counter,
    EquationPanel,
    Legend,
    SeriesPanel,
    TrailMarker,
)
from scenes.components.scale import NumberTable
from scenes.theme import FORMULA_SIZE, LABEL_SIZE, panel_region, plot_region

BOWL_X = (-3.5, 2.5)
BOWL_Y = (-1.5, 2.5)


class BiasCorrection(MemoryScene):
    section = 6
    title = "Why bias correction exists"
    description = (
        "Moving averages of a constant gradient 1 started at zero, m_t and v_t "
        "against their corrections, then Adam with and without correction on "
        "the bowl."
    )
    duration = 34.9

    experiment = "bias_correction"
    slow_steps = 3
    seconds_per_slow_step = 0.8
    seconds_per_step = 0.15
    seconds_per_run_step = 0.4

    def construct(self) -> None:
        data = load(self.experiment)
        config = data.config
        constant = data.trajectory("constant")
        n = constant.steps
        beta1, beta2 = config["beta1"], config["beta2"]
        orange = self.theme.color("Adam")
        white = self.theme.foreground
        truth = np.full(n, config["gradient"])

        # the first moment of a constant gradient
        self.show_title(f"{self.section}. {self.title}")
        self.beat(
            f"Feed Adam the gradient {config['gradient']:g} at every step. "
            "Its averages start at 0."
        )
        panel = panel_region()
        rule = EquationPanel(
            [
                r"\hat m_t = m_t \,/\, (1-\beta_1^t)",
                r"\hat v_t = v_t \,/\, (1-\beta_2^t)",
                rf"\beta_1 = {beta1:g},\quad \beta_2 = {beta2:g}",
            ],
            self.theme,
        )
        rule.move_to(panel).align_to(panel, UP).align_to(panel, LEFT)
        first_step = ValueTracker(0)
        first = self._moment_panel(
            constant.state["m"][:, 0],
            constant.derived["m_hat"][:, 0],
            truth,
            r"m_t",
            r"\hat m_t",
            orange,
        ).follow(first_step)
        region = plot_region()
        first.move_to(region).align_to(region, UP).align_to(region, LEFT)
        first_table = NumberTable(
            {
                "t": np.arange(1, n + 1)[:, None],
                "m_t": constant.state["m"],
                r"1/(1-\beta_1^t)": data["constant/factor1"][:, None],
                r"\hat m_t": constant.derived["m_hat"],
            },
            [],
            first_step,
            self.theme,
            colors={"m_t": orange, r"\hat m_t": white},
            decimals={"t": 0},
        )
        first_table.next_to(rule, DOWN, buff=0.35).align_to(rule, LEFT)
        self.play(FadeIn(first), Write(rule[0]), FadeIn(first_table), run_time=1.5)
        self.play_steps(first_step, self.slow_steps, self.seconds_per_slow_step)
        self.play_steps(first_step, n - 1, self.seconds_per_step)
        self.hold()

        # the second moment, with beta2 close to 1
        self.beat(
            f"With β2 = {beta2:g} the raw v_t stays far below "
            f"{config['gradient'] ** 2:g} much longer."
        )
        second_step = ValueTracker(0)
        second = self._moment_panel(
            constant.state["v"][:, 0],
            constant.derived["v_hat"][:, 0],
            truth,
            r"v_t",
            r"\hat v_t",
            orange,
        ).follow(second_step)
        second.next_to(first, DOWN, buff=0.5).align_to(first, LEFT)
        second_table = NumberTable(
            {
                "t": np.arange(1, n + 1)[:, None],
                "v_t": constant.state["v"],
                r"1/(1-\beta_2^t)": data["constant/factor2"][:, None],
                r"\hat v_t": constant.derived["v_hat"],
            },
            [],
            second_step,
            self.theme,
            colors={"v_t": orange, r"\hat v_t": white},
            decimals={"t": 0},
        )
        second_table.next_to(first_table, DOWN, buff=0.3).align_to(rule, LEFT)
        self.play(FadeIn(second), Write(rule[1:]), FadeIn(second_table))
        self.play_steps(second_step, self.slow_steps, self.seconds_per_slow_step)
        self.play_steps(second_step, n - 1, self.seconds_per_step)
        self.hold()

        # Adam with and without the correction, on the bowl
        self.beat("Without correction, m/√v is too large early: v lags more than m.")
        self._compare_runs(data, [first, second, first_table, second_table], rule)

    def _moment_panel(self, raw, corrected, truth, raw_tex, hat_tex, color):
        series = SeriesPanel(
            {
                "truth": (truth, self.theme.muted),
                "corrected": (corrected, self.theme.foreground),
                "raw": (raw, color),
            },
            self.theme,
            plot_region().width - 3.0,
            1.7,
            y_range=(0.0, 1.1),
            x_label=f"t = 1 to {len(raw)}",
            y_label=None,
        )
        legend = Legend(
            {
                f"{raw_tex}": color,
                f"{hat_tex}": self.theme.foreground,
                "true mean": self.theme.muted,
            },
            self.theme,
        )
        # Legend entries are Text; use MathTex for the symbols instead.
        for entry, tex in zip(legend, [raw_tex, hat_tex]):
            symbol = MathTex(tex, font_size=FORMULA_SIZE, color=entry[1].color)
            symbol.move_to(entry[1], aligned_edge=LEFT)
            entry.remove(entry[1])
            entry.add(symbol)
        # the corrected curve lies on the truth: draw the truth as a wide band
        for part in (series.curves["truth"].done, series.curves["truth"].head):
            part.set_stroke(width=10, opacity=0.45)
        legend.next_to(series, RIGHT, buff=0.3)
        group = VGroup(series, legend)
        group.follow = lambda tracker: (series.follow(tracker), group)[1]
        return group

    def _compare_runs(self, data, old, rule) -> None:
        corrected = data.trajectory("Adam")
        raw = data.trajectory("Adam, uncorrected")
        steps = min(corrected.steps, raw.steps)
        orange, purple = self.theme.color("Adam"), self.theme.foreground
        bowl = ContourMap(
            data.surface,
            BOWL_X,
            BOWL_Y,
            plot_region(),
            self.theme,
            formula=f"f(x, y) = {data.surface.formula}",
        )
        bowl.align_to(plot_region(), UP)
        step = ValueTracker(0)
        markers = VGroup(
            TrailMarker(bowl.to_scene(corrected.positions), orange),
            TrailMarker(bowl.to_scene(raw.positions), purple),
        )
        legend = Legend({"corrected": orange, "uncorrected": purple}, self.theme)
        for marker in markers:
            marker.follow(step)
        corrected_length = step_lengths(corrected.positions)
        raw_length = step_lengths(raw.positions)
        ratio = raw_length / corrected_length
        counters = VGroup(
            Counter(
                "corrected step:",
                corrected_length,
                step,
                self.theme,
                3,
                orange,
                LABEL_SIZE,
                tex_label=False,
            ),
            Counter(
                "uncorrected step:",
                raw_length,
                step,
                self.theme,
                3,
                purple,
                LABEL_SIZE,
                tex_label=False,
            ),
            Counter(
                "ratio:",
                ratio,
                step,
                self.theme,
                2,
                self.theme.foreground,
                LABEL_SIZE,
                tex_label=False,
            ),
        )
        for counter in counters:
            counter.follow()
        counters.arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        why = MathTex(
            r"\frac{m_t}{\sqrt{v_t}} = \frac{1-\beta_1^t}{\sqrt{1-\beta_2^t}}"
            r"\,\frac{\hat m_t}{\sqrt{\hat v_t}}",
            font_size=FORMULA_SIZE,
            color=self.theme.foreground,
        )
        why.next_to(rule, DOWN, buff=0.35).align_to(rule, LEFT)
        counters.next_to(why, DOWN, buff=0.35).align_to(rule, LEFT)
        # one row beside the formula under the map, clear of the contour lines
        legend.arrange(RIGHT, buff=0.4)
        legend.next_to(bowl.formula, RIGHT, buff=0.6)
        self.play(*[FadeOut(m) for m in old], FadeIn(bowl), FadeIn(why))
        self.play(FadeIn(markers), FadeIn(counters), FadeIn(legend))
        self.play_steps(step, steps, self.seconds_per_run_step)
        self.hold()

        # the conclusion, from the data
        peak = int(np.argmax(ratio))
        self.beat(
            f"Uncorrected steps: {ratio[0]:.1f}x at step 1, up to "
            f"{ratio[peak]:.1f}x at step {peak + 1}; they overshoot."
        )
        self.hold(2)
