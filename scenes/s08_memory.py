"""Section 8: the memory cost of remembering, counted from state() and then in bytes."""

from __future__ import annotations

import json

from manim import *

from optimizers.experiments import load
from optimizers.memory import human_bytes, state_multiple
from scenes.base import MemoryScene
from scenes.components import Legend
from scenes.components.charts import BarChart, RowTable
from scenes.theme import BODY_SIZE, LABEL_SIZE, panel_region, plot_region


class MemoryCost(MemoryScene):
    section = 8
    title = "The memory cost of remembering"
    description = (
        "Optimizer state counted from each optimizer's state() on the MLP's "
        "parameters, then scaled to 125M, 7B and 70B parameters in bytes."
    )
    duration = 24.3

    experiment = "memory_cost"

    def construct(self) -> None:
        data = load(self.experiment)
        names = [str(n) for n in data["optimizers"]]
        counts = [int(c) for c in data["state_values"]]
        per_param = [float(k) for k in data["state_per_param"]]
        state_names = [json.loads(str(s)) for s in data["state_names"]]
        n = int(data["n_params"])
        size_names = [str(s) for s in data["size_names"]]
        chart = size_names.index(data.config["chart_size"])
        colors = {name: self.theme.color(name) for name in names}
        plot, panel = plot_region(), panel_region()

        self.show_title(f"{self.section}. {self.title}")

        # counted state on the MLP
        self.beat(f"One real step on the MLP's {n} parameters, then count state().")
        rows = {
            name: ([(count, colors[name])], f"{count} = {state_multiple(k)}")
            for name, count, k in zip(names, counts, per_param)
        }
        heading = Text(
            f"state values, N = {n}", font_size=BODY_SIZE, color=self.theme.muted
        )
        heading.align_to(plot, UP).align_to(plot, LEFT).shift(DOWN * 0.1)
        bars = BarChart(rows, self.theme, plot.width, label_colors=colors)
        bars.next_to(heading, DOWN, buff=0.35).align_to(plot, LEFT)
        kept = RowTable(
            [["optimizer", "arrays kept"]]
            + [[name, ", ".join(s) or "none"] for name, s in zip(names, state_names)],
            self.theme,
            colors=[colors[name] for name in names],
            align_right=[False, False],
        )
        kept.align_to(panel, UP).align_to(panel, LEFT).shift(DOWN * 0.1)
        self.add(
            heading,
            *[row.label for row in bars.rows],
            *[r.submobjects[0] for r in bars.rows],
        )
        self.play(FadeIn(kept.header), run_time=0.5)
        for row, body in zip(bars.rows, kept.body):
            self.play(*row.grow(), FadeIn(body), run_time=0.8)
        self.hold(1.5)

        # at scale: parameters, gradients and state in FP32
        size = size_names[chart]
        weights = float(data["bytes/parameters"][chart])
        grads = float(data["bytes/gradients"][chart])
        fp32 = data["bytes/state/FP32"][:, chart]
        self.beat(f"At {size} parameters in FP32: weights, gradients, then state.")
        grey, muted = self.theme.foreground, self.theme.muted
        stacked = {
            name: (
                [(weights, muted), (grads, grey), (float(s), colors[name])],
                human_bytes(weights + grads + float(s)),
            )
            for name, s in zip(names, fp32)
        }
        top = max(weights + grads + float(s) for s in fp32)
        scale_bars = BarChart(
            stacked, self.theme, plot.width, label_colors=colors, scale_max=top
        )
        scale_bars.move_to(bars).align_to(bars, LEFT)
        legend = Legend({"parameters": muted, "gradients": grey}, self.theme)
        legend.add(
            Text(
                "state: optimizer's colour",
                font_size=LABEL_SIZE,
                color=grey,
            )
        )
        legend.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        legend.next_to(scale_bars, DOWN, buff=0.4).align_to(scale_bars, LEFT)
        new_heading = Text(
            f"{size} parameters, FP32",
            font_size=BODY_SIZE,
            color=self.theme.muted,
        ).move_to(heading, aligned_edge=LEFT)
        self.play(
            FadeOut(bars),
            Transform(heading, new_heading),
            FadeOut(kept),
            run_time=0.6,
        )
        self.add(*[r.label for r in scale_bars.rows])
        self.add(*[r.submobjects[0] for r in scale_bars.rows])
        self.play(
            *[GrowFromEdge(r.segments[0], LEFT) for r in scale_bars.rows],
            FadeIn(legend),
            run_time=1,
        )
        self.play(*[GrowFromEdge(r.segments[1], LEFT) for r in scale_bars.rows])
        self.play(
            *[GrowFromEdge(r.segments[2], LEFT) for r in scale_bars.rows],
            *[FadeIn(r.value) for r in scale_bars.rows],
            run_time=1.2,
        )
        self.hold(1.5)

        # optimizer state across model sizes
        adam = names.index("AdamW")
        self.beat("AdamW's two moments, across model sizes, in FP32.")
        sizes_title = Text(
            "AdamW state, FP32", font_size=BODY_SIZE, color=colors["AdamW"]
        )
        sizes_title.align_to(panel, UP).align_to(panel, LEFT).shift(DOWN * 0.1)
        sizes_table = RowTable(
            [["model", "weights", "state"]]
            + [
                [name, _b(data["bytes/parameters"][j]), _b(fp32j)]
                for j, (name, fp32j) in enumerate(
                    zip(size_names, data["bytes/state/FP32"][adam])
                )
            ],
            self.theme,
        )
        sizes_table.next_to(sizes_title, DOWN, buff=0.25).align_to(panel, LEFT)
        self.play(FadeIn(sizes_title), FadeIn(sizes_table.header), run_time=0.4)
        for row in sizes_table.body:
            self.play(FadeIn(row, shift=0.1 * RIGHT), run_time=0.6)
        self.hold(1.5)

        # lower precision
        formats = [str(f) for f in data["formats"]]
        self.beat("Lower-precision state: BF16 halves it, 8-bit quarters it.")
        precision = RowTable(
            [["state", size, size_names[-1]]]
            + [
                [
                    f"{fmt}, {int(b)} B",
                    _b(data[f"bytes/state/{fmt}"][adam, chart]),
                    _b(data[f"bytes/state/{fmt}"][adam, -1]),
                ]
                for fmt, b in zip(formats, data["bytes_per_value"])
            ],
            self.theme,
        )
        precision.next_to(sizes_table, DOWN, buff=0.45).align_to(panel, LEFT)
        adamw_row = scale_bars.rows[adam]
        self.play(FadeIn(precision.header), FadeIn(precision.body[0]), run_time=0.5)
        for k, fmt in enumerate(formats[1:], start=1):
            state = float(data[f"bytes/state/{fmt}"][adam, chart])
            segment = adamw_row.segments[2]
            target = segment.copy().stretch_to_fit_width(
                max(state * scale_bars.unit_width, 0.04)
            )
            target.align_to(segment, LEFT)
            value = Text(
                human_bytes(weights + grads + state),
                font_size=LABEL_SIZE,
                color=self.theme.foreground,
            ).next_to(target, RIGHT, buff=0.15)
            # The heading names the format the AdamW bar now shows.
            format_heading = Text(
                f"{size} parameters; AdamW state in {fmt}",
                font_size=BODY_SIZE,
                color=self.theme.muted,
            ).move_to(heading, aligned_edge=LEFT)
            self.play(
                Transform(segment, target),
                Transform(adamw_row.value, value),
                Transform(heading, format_heading),
                FadeIn(precision.body[k], shift=0.1 * RIGHT),
                run_time=1,
            )
            self.hold(0.8)

        # the conclusion, from the data
        big = size_names[-1]
        self.beat(
            f"AdamW at {big}: {_b(data['bytes/state/FP32'][adam, -1])} of state "
            f"in FP32, {_b(data['bytes/state/8-bit'][adam, -1])} in 8-bit."
        )
        self.hold(3)


def _b(value: float) -> str:
    return human_bytes(float(value))
