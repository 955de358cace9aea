"""The template of enforcement disclosure (行政执法公示).

What is published must never show an individual's full ID-card or mobile number: the ID goes through
mask_id (a credit code passes unchanged), free text through mask_personal.
"""

from __future__ import annotations

from collections.abc import Callable

from docx.document import Document as DocxDocument
from docx_layout import FORM_WIDTHS, form_row, head, heading1, new_document, table, tag_row


def disclosure_notice() -> DocxDocument:
    """公示信息 (event publish)."""
    doc = new_document("行政执法公示信息")
    head(doc, "行政执法公示信息")
    heading1(doc, "公示事项")
    t = table(doc, FORM_WIDTHS)
    form_row(t, "执法机关", "{{ agency.name }}")
    form_row(t, "执法类别", "{{ data.category }}")
    form_row(t, "决定文书号", "{{ data.decision_no }}")
    form_row(t, "行政相对人", "{{ case.party|mask_personal }}")
    # An organisation is named with its 统一社会信用代码 (public); an individual's ID number is masked.
    form_row(
        t,
        "{% if data.party_type == 'organization' %}统一社会信用代码{% else %}证件号码{% endif %}",
        "{{ data.party_id_no|mask_id }}",
    )
    form_row(t, "执法结论", "{{ data.conclusion|mask_personal }}")
    form_row(t, "依据", "{{ data.legal_basis|mask_personal }}")
    tag_row(t, "{%tr if event == 'correct' %}")  # a correction says what it corrected, and when
    form_row(t, "更正说明", "{{ payload.correction|mask_personal }}")
    form_row(t, "更正日期", "{{ doc.date }}")
    tag_row(t, "{%tr endif %}")
    form_row(t, "决定日期", "{{ data.decision_date|cn_date }}")
    form_row(t, "公示日期", "{{ events.publish.published_on|cn_date or doc.date }}")
    return doc


TEMPLATES: dict[str, Callable[[], DocxDocument]] = {
    "disclosure_notice.docx": disclosure_notice,
}
