"""Section 9: every optimizer fits a synthetic linear regression to least squares."""

from __future__ import annotations

from manim import *

from optimizers.experiments import load
from optimizers.experiments.models import LOSS_FLOOR
from scenes.base import MemoryScene
from scenes.components import Counter, EquationPanel, Legend, SeriesPanel
from scenes.components.charts import RowTable
from scenes.theme import LABEL_SIZE, panel_region, plot_region


class LinearRegressionCheck(MemoryScene):
    section = 9
    title = "Linear regression sanity check"
    description = (
        "Five optimizers fit y = Xw + b + noise; loss curves above the least-squares "
        "floor on a log scale, each run's distance to the scipy solution and its state."
    )
    duration = 34.9

    experiment = "linear_regression"
    seconds_per_step = 0.07

    def construct(self) -> None:
        data = load(self.experiment)
        config = data.config
        labels = data.labels
        runs = data.trajectories()
        steps = min(run.steps for run in runs.values())
        colors = {label: self.theme.color(label) for label in labels}
        n = int(data["n_params"])
        best = float(data["lstsq/loss"])
        plot, panel = plot_region(), panel_region()

        self.show_title(f"{self.section}. {self.title}")

        # the task
        self.beat("A task every optimizer should solve: least squares.")
        task = EquationPanel(
            [
                r"y = Xw + b + \epsilon",
                rf"X:\ {config['n_samples']} \times {config['n_features']},"
                rf"\quad \sigma_\epsilon = {config['noise']:g}",
                rf"N = {n} \text{{ parameters, seed }} {config['seed']}",
            ],
            self.theme,
        )
        task.align_to(panel, UP).align_to(panel, LEFT).shift(DOWN * 0.1)
        reference = Text(
            f"scipy lstsq: f(w*) = {best:.5f}",
            font_size=LABEL_SIZE,
            color=self.theme.muted,
        )
        reference.next_to(task, DOWN, buff=0.3).align_to(task, LEFT)
        self.play(Write(task), run_time=1.5)
        self.play(FadeIn(reference), run_time=0.5)
        self.hold()

        # the loss curves, above the least-squares floor
        self.beat("Loss above the least-squares floor, log scale, full batch.")
        step = ValueTracker(0)
        curves = SeriesPanel(
            {
                label: (data[f"{label}/excess_loss"][: steps + 1], colors[label])
                for label in labels
            },
            self.theme,
            plot.width - 1.3,
            plot.height - 1.9,
            y_label=r"f(w_t) - f(w^*)\ \text{, log scale}",
            log_y=True,
        )
        curves.align_to(plot, UP).align_to(plot, RIGHT).shift(DOWN * 0.1)
        top = max(float(data[f"{label}/excess_loss"][0]) for label in labels)
        ends = VGroup(
            Text(f"{top:.2g}", font_size=LABEL_SIZE, color=self.theme.muted).next_to(
                curves.axes.c2p(0, np.log10(top)), LEFT, buff=0.1
            ),
            Text(
                f"{LOSS_FLOOR:.0e}", font_size=LABEL_SIZE, color=self.theme.muted
            ).next_to(curves.axes.c2p(0, np.log10(LOSS_FLOOR)), LEFT, buff=0.1),
        )
        legend = Legend(colors, self.theme).arrange(RIGHT, buff=0.3)
        legend.next_to(curves, DOWN, buff=0.25).align_to(plot, LEFT)
        counter = Counter(
            "step",
            [float(k) for k in range(steps + 1)],
            step,
            self.theme,
            0,
            tex_label=False,
            font_size=LABEL_SIZE,
        )
        counter.next_to(reference, DOWN, buff=0.3).align_to(task, LEFT)
        self.add(curves.axes, curves.labels, ends)
        self.play(FadeIn(legend), FadeIn(counter), run_time=0.5)
        curves.follow(step)
        counter.follow()
        self.add(*curves.curves.values())
        self.play_steps(step, steps, self.seconds_per_step)
        self.hold()

        # distance to the solution and state carried
        self.beat("Each run's distance to the lstsq solution, and its state.")
        table = RowTable(
            [["optimizer", "|w - w*|", "state"]]
            + [
                [
                    label,
                    f"{data[f'{label}/distance'][steps]:.1e}",
                    f"{int(data[f'{label}/state_values'])}",
                ]
                for label in labels
            ],
            self.theme,
            colors=[colors[label] for label in labels],
        )
        table.align_to(panel, UP).align_to(panel, LEFT).shift(DOWN * 0.1)
        below = VGroup(reference, counter)
        self.play(
            FadeOut(task),
            below.animate.next_to(table, DOWN, buff=0.35).align_to(panel, LEFT),
            FadeIn(table.header),
            run_time=0.6,
        )
        for row in table.body:
            self.play(FadeIn(row, shift=0.1 * RIGHT), run_time=0.6)
        self.hold()

        # the conclusion, from the data
        distances = {label: float(data[f"{label}/distance"][steps]) for label in labels}
        worst = max(distances, key=distances.get)
        self.beat(
            f"All five reach w* within {distances[worst]:.1e} "
            f"({worst}) after {steps} steps."
        )
        self.hold(3)


__all__ = ["LinearRegressionCheck"]
