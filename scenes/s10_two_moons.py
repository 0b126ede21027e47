"""Section 10: a 2-32-32-1 MLP on two moons, its decision boundary per optimizer."""

from __future__ import annotations

import numpy as np
from manim import *

from optimizers.experiments import load
from scenes.base import MemoryScene
from scenes.components import Counter, EquationPanel
from scenes.components.charts import DataFrame, probability_bands
from scenes.theme import BODY_SIZE, LABEL_SIZE, panel_region, plot_region

POINT_RADIUS = 0.028


class TwoMoons(MemoryScene):
    section = 10
    title = "A tiny MLP on two moons"
    description = (
        "The 2-32-32-1 MLP (1185 parameters) trained on two moons by five "
        "optimizers: decision boundaries side by side, loss and accuracy counters."
    )
    duration = 21.5

    experiment = "two_moons"
    #: Seconds per snapshot interval: the first intervals are short in steps.
    seconds_per_snapshot = 1.2

    def construct(self) -> None:
        data = load(self.experiment)
        config = data.config
        labels = list(config["runs"])
        colors = {label: self.theme.color(label) for label in labels}
        snapshots = [int(k) for k in data["snapshots"]]
        steps = config["steps"]
        plot, panel = plot_region(), panel_region()

        self.show_title(f"{self.section}. {self.title}")

        # five panels, each with the data on top
        self.beat(
            f"Two moons, {len(data['y'])} points; one MLP start for all five runs."
        )
        width = (plot.width - 0.5) / 3
        x_range, y_range = tuple(config["x_range"]), tuple(config["y_range"])
        frames = VGroup(
            *[DataFrame(x_range, y_range, width, self.theme) for _ in labels]
        )
        names = VGroup()
        frames.arrange_in_grid(rows=2, cols=3, buff=(0.25, 0.55))
        frames.align_to(plot, UP).align_to(plot, LEFT).shift(DOWN * 0.45)
        for label, frame in zip(labels, frames):
            name = Text(label, font_size=LABEL_SIZE, color=colors[label])
            name.next_to(frame, UP, buff=0.08).align_to(frame, LEFT)
            names.add(name)
        key = self._key(frames, config)
        VGroup(frames, names, key).move_to(plot).align_to(plot, LEFT)
        # the frames are in place: map the data points and contours now
        points = VGroup(
            *[self._points(frame, data["X"], data["y"]) for frame in frames]
        )
        points.set_z_index(2)

        # every snapshot's bands and 0.5 line, built once, before any animation
        boundaries = {
            label: [
                self._bands(grid, frame, config, colors[label])
                for grid in data[f"{label}/grids"]
            ]
            for label, frame in zip(labels, frames)
        }

        # the model and its parameter count
        sizes = config["sizes"]
        counts = [int(c) for c in data["layer_counts"]]
        lines = [
            rf"{a}\cdot{b} + {b} = {c}"
            for a, b, c in zip(sizes[:-1], sizes[1:], counts)
        ]
        model = EquationPanel(
            [r"\text{MLP } " + r"\to".join(str(s) for s in sizes)]
            + lines
            + [rf"\text{{total}} = {int(data['n_params'])}"],
            self.theme,
        )
        model.align_to(panel, UP).align_to(panel, LEFT).shift(DOWN * 0.1)
        self.add(frames, names, key)
        shown = {label: boundaries[label][0] for label in labels}
        self.play(FadeIn(points), *[FadeIn(b) for b in shown.values()], run_time=1)
        self.play(Write(model), run_time=2)
        self.hold()

        # the counters
        self.beat("Full-batch training: boundaries, loss and accuracy per run.")
        step = ValueTracker(0)
        step_counter = Counter(
            "step",
            np.arange(steps + 1, dtype=np.float64),
            step,
            self.theme,
            0,
            tex_label=False,
            font_size=LABEL_SIZE,
        )
        table = self._counter_table(data, labels, colors, step)
        board = VGroup(step_counter, table).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        board.align_to(panel, UP).align_to(panel, LEFT).shift(DOWN * 0.1)
        self.play(FadeOut(model), run_time=0.5)
        self.play(FadeIn(board), run_time=0.5)
        step_counter.follow()
        for row in table[1:]:
            for counter in row[1:]:
                counter.follow()

        for k, target in enumerate(snapshots[1:], start=1):
            self.play_steps(
                step, target, self.seconds_per_snapshot / (target - snapshots[k - 1])
            )
            for label in labels:
                self.remove(shown[label])
                shown[label] = boundaries[label][k]
                self.add(shown[label])
        self.hold()

        # the conclusion, from the data
        target = config["accuracy_target"]
        reach = {label: int(data[f"{label}/first_at_target"]) for label in labels}
        fastest = min((r, label) for label, r in reach.items() if r >= 0)[1]
        slowest = max(labels, key=lambda label: reach[label])
        self.beat(
            f"{target:.0%} accuracy: {fastest} at step {reach[fastest]}, "
            f"{slowest} at step {reach[slowest]}."
        )
        self.hold(3)

    def _points(self, frame: DataFrame, X: np.ndarray, y: np.ndarray) -> VGroup:
        """Class 0 as filled dots, class 1 as rings, so shape tells them apart."""
        scene_points = frame.to_scene(X)
        dots = VGroup()
        for point, label in zip(scene_points, y):
            if label == 0:
                dot = Dot(point, radius=POINT_RADIUS, color=self.theme.foreground)
            else:
                dot = Circle(
                    radius=POINT_RADIUS * 1.2,
                    stroke_color=self.theme.foreground,
                    stroke_width=1.5,
                ).move_to(point)
            dots.add(dot)
        return dots

    def _bands(
        self, grid: np.ndarray, frame: DataFrame, config: dict, color: str
    ) -> VGroup:
        levels = config["band_levels"]
        return probability_bands(
            grid,
            frame,
            levels,
            self._band_colors(len(levels) - 1),
            config["boundary_level"],
            color,
        )

    def _band_colors(self, n: int) -> list[tuple[str, float]]:
        # darkest far from the boundary, on each side of the 0.5 level
        half = n // 2
        opacities = np.linspace(0.45, 0.12, half)
        zero = [(self.theme.muted, float(o)) for o in opacities]
        one = [(self.theme.contour, float(o)) for o in opacities[::-1]]
        return zero + one

    def _key(self, frames: VGroup, config: dict) -> VGroup:
        """The sixth grid cell: what the shapes and shades mean."""
        ring = Circle(radius=0.06, stroke_color=self.theme.foreground, stroke_width=2)
        rows = VGroup(
            VGroup(
                Dot(radius=0.05, color=self.theme.foreground),
                Text("class 0", font_size=LABEL_SIZE, color=self.theme.foreground),
            ).arrange(RIGHT, buff=0.15),
            VGroup(
                ring,
                Text("class 1", font_size=LABEL_SIZE, color=self.theme.foreground),
            ).arrange(RIGHT, buff=0.15),
            Text(
                f"line: p = {config['boundary_level']:g}",
                font_size=LABEL_SIZE,
                color=self.theme.foreground,
            ),
            Text("shade: p", font_size=LABEL_SIZE, color=self.theme.muted),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        cell = frames[-1].copy()
        rows.move_to(cell.get_center() + RIGHT * (cell.width + 0.25))
        rows.align_to(frames[-1], UP)
        return rows

    def _counter_table(
        self, data, labels: list[str], colors: dict[str, str], step: ValueTracker
    ) -> VGroup:
        header = VGroup(
            *[
                Text(t, font_size=LABEL_SIZE, color=self.theme.muted)
                for t in ("optimizer", "loss", "accuracy")
            ]
        )
        rows = [header]
        for label in labels:
            row = VGroup(Text(label, font_size=BODY_SIZE - 2, color=colors[label]))
            for values, decimals in (
                (data[f"{label}/losses"], 3),
                (data[f"{label}/accuracy"], 3),
            ):
                counter = Counter(
                    "",
                    values,
                    step,
                    self.theme,
                    decimals,
                    color=colors[label],
                    # LaTeX digits are 3/4 the height of Text at one font size
                    font_size=LABEL_SIZE * 4 / 3,
                )
                counter.remove(counter.label)
                row.add(counter)
            rows.append(row)
        table = VGroup(*rows)
        widths = [max(row[j].width for row in rows) for j in range(3)]
        for row in rows:
            x = 0.0
            for j, cell in enumerate(row):
                cell.move_to([x, 0, 0], aligned_edge=LEFT)
                x += widths[j] + 0.35
        table.arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        return table
