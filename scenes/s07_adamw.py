"""Section 7: AdamW decays the weights directly; Adam with L2 sends decay through v."""

from __future__ import annotations

import numpy as np
from manim import *

from optimizers.experiments import load
from scenes.base import MemoryScene
from scenes.components import (
    EquationPanel,
    Legend,
    SeriesPanel,
    StepArrow,
    TrailMarker,
)
from scenes.components.scale import NumberTable, ScaleBars
from scenes.s04_rmsprop import scaled_bowl_map
from scenes.s05_adam import NOISY_Y
from scenes.theme import FORMULA_SIZE, LABEL_SIZE, panel_region


class AdamWDecay(MemoryScene):
    section = 7
    title = "AdamW: decoupled weight decay"
    description = (
        "Adam with L2 against AdamW with one weight_decay on the scaled bowl: each "
        "update split into its gradient and decay parts, the decay rate per "
        "coordinate, and the weight norms."
    )
    duration = 29.5

    experiment = "adamw_decay"
    slow_steps = 4
    seconds_per_slow_step = 0.9
    seconds_per_step = 0.18

    def construct(self) -> None:
        data = load(self.experiment)
        config = data.config
        runs = data.trajectories()
        labels = list(runs)  # Adam+L2, AdamW
        colors = {label: self.theme.color(label) for label in labels}
        hp = runs["AdamW"].hyperparameters
        lr, wd = hp["lr"], hp["weight_decay"]
        steps = min(run.steps for run in runs.values())
        yellow = self.theme.color("gradient")

        # the surface and the two update lines
        self.show_title(f"{self.section}. {self.title}")
        self.beat("One weight decay λ, two places to apply it.")
        bowl = scaled_bowl_map(data.surface, self.theme, NOISY_Y)
        rule = EquationPanel(
            [
                r"\text{L2: } g_t \leftarrow g_t + \lambda w_t",
                r"\text{AdamW: } w_t \leftarrow (1 - \eta\lambda)\, w_t",
                r"w_{t+1} = w_t - \eta\, \hat m_t / (\sqrt{\hat v_t} + \epsilon)",
                rf"\eta = {lr:g},\quad \lambda = {wd:g}",
            ],
            self.theme,
            font_size=FORMULA_SIZE - 4,
        )
        rule[0].set_color(colors["Adam+L2"])
        rule[1].set_color(colors["AdamW"])
        panel = panel_region()
        rule.move_to(panel).align_to(panel, UP).align_to(panel, LEFT)
        self.play(FadeIn(bowl), run_time=1)
        self.play(Write(rule), run_time=1.5)
        self.hold()

        # each update, split in two
        scale = config["arrow_scale"]
        self.beat(f"Arrows ({scale:g}x): yellow the gradient part, colour the decay.")
        step = ValueTracker(0)
        markers = VGroup()
        arrows = VGroup()
        for label, run in runs.items():
            marker = TrailMarker(bowl.to_scene(run.positions), colors[label])
            markers.add(marker.follow(step))
            for part, color in (("gradient_part", yellow), ("decay", colors[label])):
                vectors = bowl.to_scene_vector(scale * data[f"{label}/{part}"])
                arrows.add(StepArrow(marker.trail, vectors, color).follow(step))
        legend = Legend(colors, self.theme)
        legend.next_to(bowl, DOWN, buff=0.2).align_to(bowl, RIGHT)
        split = NumberTable(
            {
                rf"\text{{{label} {part}}}": data[f"{label}/{key}"]
                for label in labels
                for part, key in (("decay", "decay"), ("grad.", "gradient_part"))
            },
            [r"\Delta x", r"\Delta y"],
            step,
            self.theme,
            colors={
                rf"\text{{{label} {part}}}": colors[label]
                if part == "decay"
                else yellow
                for label in labels
                for part in ("decay", "grad.")
            },
            decimals=4,
            font_size=LABEL_SIZE + 2,
            column_width=1.5,
        )
        split.next_to(rule, DOWN, buff=0.35).align_to(rule, LEFT)
        self.play(FadeIn(markers), FadeIn(arrows), FadeIn(legend), FadeIn(split))
        self.play_steps(step, self.slow_steps, self.seconds_per_slow_step)
        self.hold()

        # the decay rate per coordinate
        self.beat("Bars: % of each weight the decay pulls off per step, log scale.")
        rates = np.hstack([100 * data[f"{label}/decay_rate"] for label in labels])
        bars = ScaleBars(
            rates,
            [r"x", r"y", r"x", r"y"],
            [colors[labels[0]]] * 2 + [colors[labels[1]]] * 2,
            self.theme,
            height=1.4,
            spacing=1.25,
            decimals=3,
            title="decay per step, %",
        ).follow(step)
        bars.next_to(rule, DOWN, buff=0.3).align_to(rule, LEFT)
        owners = VGroup(
            *[
                Text(label, font_size=LABEL_SIZE, color=colors[label]).next_to(
                    VGroup(bars.names[2 * i], bars.names[2 * i + 1]), DOWN, buff=0.1
                )
                for i, label in enumerate(labels)
            ]
        )
        norms = SeriesPanel(
            {label: (data[f"{label}/norm"], colors[label]) for label in labels},
            self.theme,
            bowl.width - legend.width - 0.5,
            1.1,
            x_label=None,
            y_label=r"\|w_t\|\ \text{over steps}",
        ).follow(step)
        norms.next_to(bowl, DOWN, buff=0.2).align_to(bowl, LEFT)
        self.play(FadeOut(split), FadeIn(bars), FadeIn(owners), FadeIn(norms))
        self.play_steps(step, steps, self.seconds_per_step)
        self.hold()

        # the conclusion, from the data
        # The ratios of the last step, the one the bars show in this frame.
        l2 = data[f"{labels[0]}/decay_rate"][-1]
        adamw = data[f"{labels[1]}/decay_rate"][-1]
        self.beat(
            f"Decay of y vs x, last step: L2 {l2[1] / l2[0]:.3f}x, AdamW "
            f"{adamw[1] / adamw[0]:.3f}x ({100 * adamw[0]:g}% of each)."
        )
        middle = steps // 2
        norms_text = MathTex(
            rf"\|w_{{{middle}}}\| = {data['AdamW/norm'][middle]:.2f}\ "
            rf"\text{{(AdamW)}},\ {data['Adam+L2/norm'][middle]:.2f}\ \text{{(L2)}}",
            font_size=FORMULA_SIZE - 6,
            color=self.theme.foreground,
        )
        norms_text.next_to(owners, DOWN, buff=0.2).align_to(rule, LEFT)
        self.play(FadeOut(arrows), FadeIn(norms_text))
        self.hold(2)
