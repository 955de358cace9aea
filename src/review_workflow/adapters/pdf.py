"""Convert .docx documents to PDF with headless LibreOffice (`soffice`), where it is installed.

Each conversion runs one `soffice --headless --convert-to pdf` in a temporary directory that is removed
afterwards, with its own LibreOffice profile there (`-env:UserInstallation`), so conversions running at
the same time, or a desktop LibreOffice of the same user, never share or lock a profile. The process runs
in its own process group and the whole group is killed when it overruns its timeout (`soffice` is a shell
script that starts `soffice.bin`; killing only the script would leave the office running).

Before conversion the character grid of the document is turned into a line grid (`for_libreoffice`):
LibreOffice lays a 3号 character (16 pt) that is wider than a grid cell (15.79 pt, 28 to the line) in
two cells, 14 characters to the line. Without the character grid the letter spacing the templates carry
(−0.25 pt) gives the same 28 characters a line; lines still snap to the 22-line grid.
"""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import PdfConversionFailed, PdfUnavailable

log = logging.getLogger(__name__)

CANDIDATES = ("soffice", "libreoffice")
_CHAR_GRID = re.compile(rb'(<w:docGrid\b[^>]*\bw:type=")linesAndChars(")')


@dataclass(frozen=True)
class PdfSettings:
    converter: str = ""  # a path or a command name; empty: soffice, else libreoffice, on PATH
    timeout_seconds: float = 60.0


def find_converter(configured: str = "") -> str | None:
    """The LibreOffice executable to run, or None when it is not installed (or not where configured)."""
    for name in (configured,) if configured else CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _converter(settings: PdfSettings) -> str:
    converter = find_converter(settings.converter)
    if converter is None:
        wanted = settings.converter or "soffice / libreoffice"
        raise PdfUnavailable(f"服务器未安装 LibreOffice（{wanted}），无法将文书转换为 PDF，请下载 .docx 文件")
    return converter


def for_libreoffice(docx: bytes) -> bytes:
    """The same document with its character grid (w:docGrid type linesAndChars) made a line grid."""
    src = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = _CHAR_GRID.sub(rb"\1lines\2", data)
            dst.writestr(info, data)
    return out.getvalue()


def _run(command: list[str], timeout: float) -> subprocess.CompletedProcess[bytes]:
    proc = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    return subprocess.CompletedProcess(command, proc.returncode, stdout, stderr)


def convert_files(docx_files: Sequence[Path], out_dir: Path, settings: PdfSettings) -> list[Path]:
    """Convert each .docx (prepared with for_libreoffice, or not) to out_dir/<stem>.pdf in one office
    run; returns the PDF paths in the same order. Raises PdfUnavailable or PdfConversionFailed."""
    converter = _converter(settings)
    with tempfile.TemporaryDirectory(prefix="rw-pdf-profile-") as profile:
        command = [
            converter,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(out_dir),
            *(str(p) for p in docx_files),
        ]
        try:
            done = _run(command, settings.timeout_seconds)
        except subprocess.TimeoutExpired:
            raise PdfConversionFailed(
                f"文书转换为 PDF 超时（{settings.timeout_seconds:g} 秒），请稍后重试或下载 .docx 文件"
            ) from None
        except OSError as exc:
            log.warning("soffice could not start: %s", exc)
            raise PdfConversionFailed("文书转换程序无法启动，请下载 .docx 文件") from None
    pdfs = [out_dir / f"{p.stem}.pdf" for p in docx_files]
    missing = [p.name for p in pdfs if not p.is_file() or p.stat().st_size == 0]
    if missing or done.returncode != 0:
        log.warning(
            "soffice exited %s, missing %s: %s", done.returncode, missing, done.stderr.decode(errors="replace")[-500:]
        )
        raise PdfConversionFailed("文书转换为 PDF 失败，请稍后重试或下载 .docx 文件")
    return pdfs


def docx_to_pdf(docx: bytes, settings: PdfSettings) -> bytes:
    """The PDF of one .docx document."""
    _converter(settings)  # before any work: PdfUnavailable when it is not installed
    with tempfile.TemporaryDirectory(prefix="rw-pdf-") as tmp:
        source = Path(tmp) / "document.docx"
        source.write_bytes(for_libreoffice(docx))
        [pdf] = convert_files([source], Path(tmp), settings)
        return pdf.read_bytes()


__all__ = ["PdfSettings", "convert_files", "docx_to_pdf", "find_converter", "for_libreoffice"]
