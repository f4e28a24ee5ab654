"""``hkbrief preview``: a PNG of every slide and of the one-pager, and a contact sheet, in ``DIR/preview/``.

By default the pictures are drawn from the plan (:mod:`hkbrief.render.raster`): no office suite, well under a
second for the example brief. ``--engine libreoffice`` instead writes the .pptx and lets LibreOffice render it, as
a viewer would, for checking that the deck PowerPoint-compatible software shows is the planned one.

The folder is the preview's own: each run replaces its pictures (atomically, as a build does) and removes the
pictures of slides the deck no longer has; nothing else in it is touched.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from hkbrief.build import OutputFormat, Stopwatch, arranged, render_output
from hkbrief.replace import replace_files
from hkbrief.errors import OutputError
from hkbrief.layoutspec import Paper
from hkbrief.model import Language

PREVIEW_FOLDER = "preview"
CONTACT_SHEET = "contact-sheet.png"
ONE_PAGER = "onepager.png"
SLIDE_PICTURE = re.compile(r"^slide-\d+\.png$")
LIBREOFFICE_TIMEOUT_S = 300


class Engine(StrEnum):
    PLAN = "plan"  # PDFium draws the plan (fast, no office suite)
    LIBREOFFICE = "libreoffice"  # LibreOffice renders the written .pptx (as a viewer would)


@dataclass(frozen=True, slots=True)
class PreviewResult:
    folder: Path
    slides: tuple[Path, ...]
    one_pager: Path
    contact_sheet: Path
    seconds: float
    stages: tuple[tuple[str, float], ...] = ()
    warnings: tuple[str, ...] = ()


def slide_name(number: int) -> str:
    return f"slide-{number:02d}.png"


def preview(
    content: Path | str = "content.json",
    layout: str = "default",
    out_dir: Path | str = "dist",
    language: Language | tuple[Language, ...] | None = None,
    paper: Paper | None = None,
    strict: bool = False,
    allow_outside_images: bool = False,
    engine: Engine = Engine.PLAN,
    template: Path | str | None = None,
) -> PreviewResult:
    """Render the pictures into ``out_dir/preview``; raises :class:`HkbriefError` (writing nothing) on any problem."""
    from hkbrief.render.raster import Encoder, Picture, contact_sheet, page_picture, rasterise_pdf, slide_label
    from hkbrief.render.raster import slide_pictures

    started = time.perf_counter()
    content, folder = Path(content), Path(out_dir) / PREVIEW_FOLDER
    if folder.exists() and not folder.is_dir():
        raise OutputError("is a file, not a folder; move it away or choose another --out", str(folder))
    clock = Stopwatch()
    formats = {OutputFormat.SLIDES_PDF, OutputFormat.PDF}  # the deck's plan and the one-pager's
    with Encoder() as encoder:
        with arranged(content, layout, formats, language, paper, strict, allow_outside_images, clock,
                      template=template) as plans:
            with clock.stage("draw slides"):
                if engine is Engine.PLAN:
                    slides = slide_pictures(plans.deck, on_rendered=lambda _, image: encoder.add(image))
                else:
                    pages = rasterise_pdf(_libreoffice_pdf(render_output(plans, OutputFormat.PPTX)))
                    slides = [Picture(slide_label(n, slide), image)
                              for n, (slide, (image, _)) in enumerate(zip(plans.deck.slides, pages), start=1)]
                    for picture in slides:
                        encoder.add(picture.image)
            with clock.stage("draw one-pager"):
                page = page_picture(plans.page)
                encoder.add(page.image)
            warnings = plans.warnings
        with clock.stage("contact sheet"):
            encoder.add(contact_sheet(slides, page))
        with clock.stage("encode"):
            data = encoder.results()
    names = [slide_name(n) for n in range(1, len(slides) + 1)] + [ONE_PAGER, CONTACT_SHEET]
    with clock.stage("write"):
        recovered = replace_files([(folder / name, png) for name, png in zip(names, data, strict=True)], folder)
        warnings = tuple(recovered) + warnings
        for stale in folder.iterdir():
            if SLIDE_PICTURE.match(stale.name) and stale.name not in names:
                stale.unlink(missing_ok=True)
    return PreviewResult(folder, tuple(folder / n for n in names[:-2]), folder / ONE_PAGER, folder / CONTACT_SHEET,
                         time.perf_counter() - started, tuple(clock.stages), warnings)


def _libreoffice_pdf(deck: bytes) -> bytes:
    """The deck as LibreOffice renders it (to PDF), with a throwaway profile so parallel runs do not collide."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise OutputError("LibreOffice is not installed (soffice not found); install it, or leave out --engine to"
                          " draw the preview from the plan", "--engine libreoffice")
    with tempfile.TemporaryDirectory(prefix="hkbrief-lo-") as scratch:
        work = Path(scratch)
        (work / "deck.pptx").write_bytes(deck)
        try:
            done = subprocess.run(
                [soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
                 "--convert-to", "pdf", "--outdir", str(work), str(work / "deck.pptx")],
                capture_output=True, text=True, timeout=LIBREOFFICE_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise OutputError(f"LibreOffice did not finish within {LIBREOFFICE_TIMEOUT_S} s",
                              "--engine libreoffice") from None
        pdf = work / "deck.pdf"
        if done.returncode != 0 or not pdf.is_file():
            detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            raise OutputError(f"LibreOffice could not convert the deck: {detail[0]}", "--engine libreoffice")
        return pdf.read_bytes()


__all__ = ["Engine", "PreviewResult", "preview", "slide_name"]
