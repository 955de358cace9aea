"""Build every docxtpl template into doc_templates/.

One builder module per process (templates_review.py, templates_penalty.py, templates_filing.py,
templates_disclosure.py, templates_evaluation.py) on the GB/T 9704 helpers of docx_layout.py. The output is deterministic:
re-running the script leaves an unchanged template byte-identical.

Run: python scripts/make_doc_templates.py [output_dir]
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from docx.document import Document as DocxDocument
from docx_layout import deterministic_bytes, finish
from templates_disclosure import TEMPLATES as DISCLOSURE
from templates_evaluation import TEMPLATES as EVALUATION
from templates_filing import TEMPLATES as FILING
from templates_penalty import TEMPLATES as PENALTY
from templates_review import TEMPLATES as REVIEW

OUT_DIR = Path(__file__).resolve().parent.parent / "doc_templates"

TEMPLATES: dict[str, Callable[[], DocxDocument]] = {**REVIEW, **PENALTY, **FILING, **DISCLOSURE, **EVALUATION}


def main(out_dir: Path = OUT_DIR) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in TEMPLATES.items():
        path = out_dir / name
        path.write_bytes(deterministic_bytes(finish(build())))
        written.append(path)
    return written


if __name__ == "__main__":
    for p in main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT_DIR):
        print(p)
