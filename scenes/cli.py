"""The ``optmem`` command: list the catalogue, precompute data, render the clips."""

from __future__ import annotations

import argparse
import html
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

from . import catalogue
from .catalogue import REPOSITORY_DIR, CatalogueError, Entry

logger = logging.getLogger("optmem")

MEDIA_DIR = REPOSITORY_DIR / "media"
QUALITY_FLAGS = {
    "l": "480p15",
    "m": "720p30",
    "h": "1080p60",
    "p": "1440p60",
    "k": "2160p60",
}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    try:
        return args.command(args)
    except CatalogueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader of stdout (for example `head`) closed it; that is not an error.
        sys.stderr.close()
        return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="optmem", description="Clips of what optimizers remember, with Manim."
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    listing = commands.add_parser("list", help="print the scene catalogue")
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    listing.set_defaults(command=command_list)

    precompute = commands.add_parser(
        "precompute", help="compute every experiment into the cache and time each"
    )
    precompute.add_argument(
        "--force", action="store_true", help="recompute even when the cache is current"
    )
    precompute.set_defaults(command=command_precompute)

    render = commands.add_parser("render", help="render scenes into media/")
    render.add_argument(
        "scenes", nargs="*", metavar="SCENE", help="scene class names (default: all)"
    )
    render.add_argument(
        "-q",
        "--quality",
        choices=sorted(QUALITY_FLAGS),
        help="l 480p15, m 720p30, h 1080p60, p 1440p60, k 2160p60 "
        "(default: the quality manim.cfg sets)",
    )
    render.add_argument(
        "--theme",
        choices=("dark", "light"),
        help="background theme (default: $OPTMEM_THEME, else dark)",
    )
    render.set_defaults(command=command_render)

    check = commands.add_parser(
        "check", help="check that LaTeX, dvisvgm, Cairo and Pango are available"
    )
    check.set_defaults(command=command_check)
    return parser


def command_list(args: argparse.Namespace) -> int:
    entries = catalogue.entries()
    if args.json:
        print(json.dumps([entry.to_json() for entry in entries], indent=2))
        return 0
    name_width = max(len(entry.name) for entry in entries)
    module_width = max(len(entry.module) for entry in entries)
    for entry in entries:
        print(
            f"{entry.section:>2}  {entry.name:<{name_width}}  "
            f"{entry.module:<{module_width}}  {entry.title}"
        )
    return 0


def command_check(args: argparse.Namespace) -> int:
    from .preflight import format_missing, missing_requirements

    missing = missing_requirements()
    if missing:
        print(format_missing(missing), file=sys.stderr)
        return 1
    print("LaTeX, dvisvgm, Cairo and Pango are available.")
    return 0


def command_precompute(args: argparse.Namespace) -> int:
    from optimizers import cache, experiments

    total = 0.0
    for name in sorted(experiments.EXPERIMENTS):
        start = time.perf_counter()
        if args.force:
            data = experiments.compute(name)
            cache.save(experiments.cache_path(name), data.arrays, data.meta)
            how = "computed"
        else:
            current = experiments.is_current(name)
            experiments.load(name)
            how = "read from cache" if current else "computed"
        seconds = time.perf_counter() - start
        total += seconds
        print(f"{name:<28} {seconds:8.3f} s  {how}")
    print(f"{'total':<28} {total:8.3f} s")
    return 0


def command_render(args: argparse.Namespace) -> int:
    from .preflight import format_missing, missing_requirements
    from .theme import theme_name

    names = list(dict.fromkeys(args.scenes))  # a name given twice renders once
    entries = catalogue.find(names) if names else catalogue.entries()
    missing = missing_requirements()
    if missing:
        print(format_missing(missing), file=sys.stderr)
        return 1

    env = dict(os.environ)
    if args.theme:
        env["OPTMEM_THEME"] = args.theme
    try:
        theme = theme_name(env.get("OPTMEM_THEME"))
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    env.setdefault("OPENBLAS_NUM_THREADS", "1")  # BLAS threads slow the encoder
    # The light clips go to a folder of their own, so they never overwrite the dark.
    media_dir = MEDIA_DIR if theme == "dark" else MEDIA_DIR / theme

    # Fill the cache once, so every scene process starts from current data.
    precompute_failed = _precompute_quietly()

    results = []
    try:
        for index, entry in enumerate(entries, start=1):
            result = _render_one(entry, args.quality, env, media_dir)
            results.append(result)
            status = "ok    " if result["ok"] else "FAILED"
            print(
                f"[{index}/{len(entries)}] {status} {result['name']:<24} "
                f"{result['seconds']:7.1f} s  {result['detail']}",
                flush=True,
            )
            # Written after every scene, so an interrupted run keeps what it made.
            _write_manifest(results, media_dir)
    except KeyboardInterrupt:
        print(
            f"Interrupted after {len(results)} of {len(entries)} scenes; "
            f"{_relative(media_dir / 'manifest.json')} lists those finished.",
            file=sys.stderr,
        )
        return 130

    failed = [r for r in results if not r["ok"]]
    if precompute_failed:
        print(f"precompute failed for: {', '.join(precompute_failed)}", file=sys.stderr)
    if failed:
        names = ", ".join(r["name"] for r in failed)
        print(
            f"{len(failed)} of {len(results)} scenes failed: {names}. "
            f"Each log is in {_relative(media_dir / 'logs')}/.",
            file=sys.stderr,
        )
        return 1
    print(
        f"Rendered {len(results)} of {len(results)} scenes; manifest: "
        f"{_relative(media_dir / 'manifest.json')}, gallery: "
        f"{_relative(media_dir / 'gallery.html')}"
    )
    return 0


def _relative(path: Path) -> str:
    return path.relative_to(REPOSITORY_DIR).as_posix()


def _precompute_quietly() -> list[str]:
    from optimizers import experiments

    failed = []
    for name in sorted(experiments.EXPERIMENTS):
        try:
            experiments.load(name)
        except Exception:  # one broken experiment must not stop the other scenes
            logger.exception("Experiment %s failed; its scenes will fail too", name)
            failed.append(name)
    return failed


def _render_one(entry: Entry, quality: str | None, env: dict, media_dir: Path) -> dict:
    log_dir = media_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{entry.name}.log"
    command = [sys.executable, "-m", "manim", "render", entry.module, entry.name]
    command[4:4] = ["--media_dir", str(media_dir)]
    if quality:
        command.insert(4, f"-q{quality}")
    logger.info("Rendering %s (%s)", entry.name, " ".join(command[2:]))
    start = time.perf_counter()
    with log_path.open("w") as log:
        process = subprocess.run(
            command, cwd=REPOSITORY_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    seconds = time.perf_counter() - start
    result = {
        "name": entry.name,
        "section": entry.section,
        "title": entry.title,
        "description": entry.description,
        "module": entry.module,
        "seconds": round(seconds, 1),
        "log": log_path.relative_to(REPOSITORY_DIR).as_posix(),
        "ok": False,
        "detail": "",
    }
    if process.returncode != 0:
        result["detail"] = (
            f"manim exited with {process.returncode}; see {result['log']}"
        )
        return result
    video = _newest_video(entry, media_dir)
    if video is None:
        result["detail"] = f"manim wrote no video; see {result['log']}"
        return result

    from .video import last_frame

    poster = media_dir / "posters" / f"{entry.name}.png"
    poster.parent.mkdir(parents=True, exist_ok=True)
    last_frame(video).save(poster)
    result.update(
        ok=True,
        video=video.relative_to(REPOSITORY_DIR).as_posix(),
        poster=poster.relative_to(REPOSITORY_DIR).as_posix(),
        detail=video.relative_to(REPOSITORY_DIR).as_posix(),
    )
    subtitles = video.with_suffix(".srt")
    if subtitles.exists():
        result["subtitles"] = subtitles.relative_to(REPOSITORY_DIR).as_posix()
    return result


def _newest_video(entry: Entry, media_dir: Path) -> Path | None:
    stem = Path(entry.module).stem
    videos = list((media_dir / "videos" / stem).glob(f"*/{entry.name}.mp4"))
    return max(videos, key=lambda p: p.stat().st_mtime) if videos else None


def _write_manifest(new_results: list[dict], media_dir: Path) -> None:
    """Merge this run's results into manifest.json and rewrite the gallery."""
    media_dir.mkdir(parents=True, exist_ok=True)
    manifest = media_dir / "manifest.json"
    merged: dict[str, dict] = {}
    if manifest.exists():
        try:
            merged = {r["name"]: r for r in json.loads(manifest.read_text())}
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            logger.warning("Rewriting unreadable %s: %s", manifest, error)
    merged.update({r["name"]: r for r in new_results})
    order = {entry.name: i for i, entry in enumerate(catalogue.entries())}
    results = sorted(merged.values(), key=lambda r: order.get(r["name"], len(order)))
    manifest.write_text(json.dumps(results, indent=2) + "\n")

    cards = []
    for r in results:
        title = html.escape(f"{r['section']}. {r['title']}")
        if r["ok"]:
            video = html.escape(os.path.relpath(REPOSITORY_DIR / r["video"], media_dir))
            poster = html.escape(
                os.path.relpath(REPOSITORY_DIR / r["poster"], media_dir)
            )
            track = ""
            if "subtitles" in r:
                # Browsers take WebVTT captions only; the .srt sits beside the video.
                srt = html.escape(
                    os.path.relpath(REPOSITORY_DIR / r["subtitles"], media_dir)
                )
                track = f'<p><a href="{srt}">captions (.srt)</a></p>'
            body = (
                f'<video controls preload="none" poster="{poster}" '
                f'src="{video}"></video>{track}'
            )
        else:
            body = f"<p>Render failed: {html.escape(r['detail'])}</p>"
        cards.append(
            f"<figure><figcaption>{title}</figcaption>{body}"
            f"<p>{html.escape(r['description'])}</p></figure>"
        )
    page = (
        "<!doctype html><meta charset='utf-8'><title>Optimizers are memory</title>"
        "<style>body{font-family:sans-serif;max-width:980px;margin:auto}"
        "video{width:100%}</style><h1>Optimizers are memory: clips</h1>"
        + "\n".join(cards)
    )
    (media_dir / "gallery.html").write_text(page + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
