"""The scene base class: theme, title, captions and pacing shared by every clip."""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    UL,
    UP,
    FadeIn,
    FadeOut,
    Mobject,
    Scene,
    Text,
    Transform,
    ValueTracker,
    Write,
    linear,
)

from .layout import LayoutRecorder
from .theme import (
    CAPTION_SIZE,
    HEADER_SIZE,
    TITLE_SIZE,
    caption_region,
    current_theme,
    header_region,
)

#: Seconds of stillness that end a beat; a slide break can go there.
HOLD_SECONDS = 1.0


class MemoryScene(Scene):
    """A clip of the post: one section, a title, and beats with one-line captions.

    Subclasses set the catalogue attributes below as literals, because the
    catalogue reads them from the source without importing Manim.
    """

    section: int = 0
    title: str = ""
    description: str = ""
    #: Planned length in seconds; the scene tests compare the video against it.
    duration: float = 0.0

    def setup(self) -> None:
        self.theme = current_theme()
        self.camera.background_color = self.theme.background
        self.caption: Text | None = None
        self._caption_text = ""
        self._caption_start = 0.0
        self.header: Mobject | None = None
        self._layout = LayoutRecorder.from_environment(type(self).__name__)

    # Beats -----------------------------------------------------------------

    def show_title(self, text: str, seconds: float = 1.5) -> None:
        """Write the title large at the top left, then shrink it to the header."""
        title = Text(text, font_size=TITLE_SIZE, color=self.theme.foreground)
        title.to_corner(UL)
        self.play(Write(title), run_time=seconds / 2)
        header = Text(text, font_size=HEADER_SIZE, color=self.theme.foreground)
        region = header_region()
        header.move_to(region).align_to(region, LEFT)
        self.play(Transform(title, header), run_time=seconds / 2)
        self.header = title

    def beat(self, caption: str) -> None:
        """Start a beat: show its one-line caption and queue it as a subtitle."""
        self._flush_caption()
        region = caption_region()
        new = Text(caption, font_size=CAPTION_SIZE, color=self.theme.muted)
        if new.width > region.width:
            # Shrinking would drop the text below the readable size at 480p.
            raise ValueError(
                f"caption is {new.width:.2f} units wide, more than the frame's "
                f"{region.width:.2f}; shorten it: {caption!r}"
            )
        new.move_to(region)
        if self.caption is not None:
            self.remove(self.caption)
        self.add(new)
        self.caption = new
        self._caption_text = caption
        self._caption_start = self.renderer.time

    def hold(self, seconds: float = HOLD_SECONDS) -> None:
        self.wait(seconds)
        self._layout_checkpoint("end")

    def play_steps(
        self, tracker: ValueTracker, until: float, seconds_per_step: float
    ) -> None:
        """Advance ``tracker`` to step ``until`` at a constant pace."""
        start = float(tracker.get_value())
        steps = abs(until - start)
        if steps == 0:
            return
        self.play(
            tracker.animate.set_value(until),
            run_time=steps * seconds_per_step,
            rate_func=linear,
        )

    def swap_in(self, old: Mobject | None, new: Mobject, seconds: float = 0.5) -> None:
        animations = [FadeIn(new, shift=0.1 * UP)]
        if old is not None:
            animations.append(FadeOut(old, shift=0.1 * DOWN))
        self.play(*animations, run_time=seconds)

    def tear_down(self) -> None:
        self._layout_checkpoint("last frame")
        if getattr(self, "_layout", None) is not None:
            self._layout.write()
        self._flush_caption()
        super().tear_down()

    def _layout_checkpoint(self, kind: str) -> None:
        """Record the label boxes for the layout check, when it is switched on."""
        recorder = getattr(self, "_layout", None)
        if recorder is not None:
            recorder.checkpoint(
                self.mobjects, kind, self._caption_text, self.renderer.time
            )

    def _flush_caption(self) -> None:
        if not self._caption_text:
            return
        elapsed = self.renderer.time - self._caption_start
        if elapsed > 0:
            self.add_subcaption(self._caption_text, duration=elapsed, offset=-elapsed)
        self._caption_text = ""


__all__ = ["HOLD_SECONDS", "MemoryScene"]
