"""Section 11: the summary, built row by row from the optimizer classes themselves."""

from __future__ import annotations

import json

from manim import *

from optimizers.experiments import load
from optimizers.memory import human_bytes, state_multiple
from optimizers.rules import OPTIMIZERS
from scenes.base import MemoryScene
from scenes.components.charts import BarChart, RowTable
from scenes.theme import BODY_SIZE, panel_region, plot_region


class Takeaways(MemoryScene):
    section = 11
    title = "Practical takeaways"
    description = (
        "A summary table read from the optimizer classes: what each remembers, the "
        "arrays it keeps, and the state that costs per parameter and at scale."
    )
    duration = 16.7

    experiment = "memory_cost"

    def construct(self) -> None:
        data = load(self.experiment)
        names = [str(n) for n in data["optimizers"]]
        colors = {name: self.theme.color(name) for name in names}
        per_param = [float(k) for k in data["state_per_param"]]
        counted = [json.loads(str(s)) for s in data["state_names"]]
        size_names = [str(s) for s in data["size_names"]]
        chart = size_names.index(data.config["chart_size"])
        size = size_names[chart]
        fp32 = [float(b) for b in data["bytes/state/FP32"][:, chart]]
        plot, panel = plot_region(), panel_region()

        self.show_title(f"{self.section}. {self.title}")

        # the table, from the classes
        self.beat("Read from each optimizer class: what it remembers, and where.")
        rows = [["optimizer", "remembers", "keeps"]]
        for name in names:
            cls = OPTIMIZERS[name]
            rows.append([name, cls.remembers, ", ".join(cls.state_names) or "-"])
        table = RowTable(
            rows,
            self.theme,
            colors=[colors[name] for name in names],
            align_right=[False, False, False],
            row_buff=0.32,
        )
        table.align_to(plot, UP).align_to(plot, LEFT).shift(DOWN * 0.1)

        heading = Text(
            f"state, at {size}",
            font_size=BODY_SIZE,
            color=self.theme.muted,
        )
        heading.match_y(table.rows[0]).align_to(panel, LEFT)
        bars = BarChart(
            {
                name: ([(k, colors[name])], f"{state_multiple(k)}, {human_bytes(b)}")
                for name, k, b in zip(names, per_param, fp32)
            },
            self.theme,
            panel.width,
            row_height=0.3,
            show_labels=False,
        )
        for bar_row, table_row in zip(bars.rows, table.body):
            bar_row.match_y(table_row)
        bars.align_to(panel, LEFT)

        self.play(FadeIn(table.header), FadeIn(heading), run_time=0.6)
        for name, row, bar_row, keeps in zip(names, table.body, bars.rows, counted):
            if keeps != list(OPTIMIZERS[name].state_names):
                raise ValueError(
                    f"{name}: state() lists {keeps} but the class declares "
                    f"{list(OPTIMIZERS[name].state_names)}; recompute memory_cost"
                )
            self.add(bar_row.slot)
            self.play(FadeIn(row, shift=0.1 * RIGHT), *bar_row.grow(), run_time=0.9)
            self.hold(0.6)
        self.hold()

        # what the extra memory buys and costs
        adam = names.index("Adam")
        carried = state_multiple(per_param[adam])
        self.beat(f"Adam and AdamW remember both, and carry {carried}.")
        box = SurroundingRectangle(
            VGroup(table.body[adam], table.body[adam + 1]),
            color=colors["Adam"],
            buff=0.08,
        )
        self.play(Create(box), run_time=0.8)
        self.hold(2)

        # the conclusion, from the data
        self.beat(
            f"SGD keeps {state_multiple(per_param[0])}, "
            f"AdamW {state_multiple(per_param[-1])}: "
            f"{human_bytes(fp32[-1])} at {size} parameters in FP32."
        )
        self.hold(3)
