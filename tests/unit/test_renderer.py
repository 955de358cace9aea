"""The renderer: compiled once, rendered straight from Jinja, the unchanged parts copied; the same text
as docxtpl gives for every template and context."""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest

from review_workflow.core.documents import (
    _template_sources,
    compiled_template,
    document_text,
    render_document,
    render_with_docxtpl,
    template_use,
)
from tests.unit.test_layout import CONTEXTS, TEMPLATES, lengthened
from tests.unit.test_penalty_documents import case_context


def footer_texts(data: bytes) -> list[str]:
    section = docx.Document(io.BytesIO(data)).sections[0]
    return [p.text for footer in (section.footer, section.even_page_footer) for p in footer.paragraphs]


CASES = [
    (template, label)
    for template in TEMPLATES
    for label in ("realistic", "long", "missing")
]


def context_for(template: Path, label: str) -> dict[str, Any]:
    if label == "missing":  # every optional key absent: conditions and loops take their empty branch
        return case_context("x", {}, {})
    return lengthened(CONTEXTS[template](), 3 if label == "long" else 1)


@pytest.mark.parametrize(("template", "label"), CASES, ids=lambda v: v.stem if isinstance(v, Path) else v)
def test_the_text_is_the_text_docxtpl_gives(template: Path, label: str) -> None:
    ctx = context_for(template, label)
    ours, reference = render_document(template, ctx), render_with_docxtpl(template, ctx)
    assert document_text(ours) == document_text(reference)
    assert footer_texts(ours) == footer_texts(reference)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.stem)
def test_the_package_holds_the_templates_parts_with_the_unchanged_ones_as_they_were(template: Path) -> None:
    data = render_document(template, CONTEXTS[template]())
    with zipfile.ZipFile(io.BytesIO(data)) as out, zipfile.ZipFile(template) as src:
        assert out.testzip() is None
        assert out.namelist() == src.namelist()
        for name in src.namelist():
            if name not in ("word/document.xml", "word/footer1.xml", "word/footer2.xml"):
                assert out.read(name) == src.read(name), name
    assert render_document(template, CONTEXTS[template]()) == data  # the same input, the same bytes


def test_the_renderer_and_the_load_checks_read_the_same_jinja(tmp_path: Path) -> None:
    for template in TEMPLATES:
        assert list(_template_sources(template)) == compiled_template(template).sources
    assert template_use(TEMPLATES[0]).chains


def test_a_changed_template_file_is_compiled_again(tmp_path: Path) -> None:
    first, second = TEMPLATES[0], TEMPLATES[1]
    path = tmp_path / "doc.docx"
    shutil.copy(first, path)
    before = compiled_template(path)
    assert compiled_template(path) is before  # cached
    shutil.copy(second, path)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert compiled_template(path) is not before
    ctx = CONTEXTS[second]()
    assert document_text(render_document(path, ctx)) == document_text(render_document(second, ctx))


def test_a_template_with_a_column_loop_is_refused_at_load(tmp_path: Path) -> None:
    from review_workflow.core.documents import has_column_loop

    document = docx.Document()
    row = document.add_table(rows=1, cols=1).rows[0]
    row.cells[0].paragraphs[0].add_run("{%tc for c in payload.columns %}{{ c }}{%tc endfor %}")
    path = tmp_path / "columns.docx"
    document.save(str(path))
    assert has_column_loop(path)
    assert not any(has_column_loop(t) for t in TEMPLATES)
