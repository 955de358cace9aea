"""Form ⇄ payload translation, without a database: field types, blank rows, checklists, error paths."""

from __future__ import annotations

from pathlib import Path

from review_workflow.schemas import FieldPublic
from review_workflow.services.views import event_public
from review_workflow.web.forms import (
    Checklist,
    FormState,
    MultiForm,
    checklists_for,
    choice_title,
    errors_by_input,
    parse,
)
from tests.conftest import make_runtime

FINDINGS = FieldPublic(
    name="findings",
    type="list[object]",
    title="存在的问题",
    required=True,
    fields=[
        FieldPublic(name="item", type="str", title="审核事项", required=True),
        FieldPublic(name="problem", type="text", title="存在的问题", required=True),
        FieldPublic(name="suggestion", type="text", title="修改建议", required=False),
    ],
)
CHECKLIST = Checklist("item", ("执法主体是否合法", "程序是否合法", "执法文书是否完备规范"))
REVIEW_ITEMS = (
    "执法主体是否合法",
    "执法人员是否具备执法资格",
    "程序是否合法",
    "事实是否清楚、证据是否合法充分",
    "适用法律是否准确、裁量基准运用是否适当",
    "是否超越法定权限",
    "执法文书是否完备规范",
    "违法行为是否涉嫌犯罪、需要移送司法机关",
)


def form(**values: str | list[str]) -> MultiForm:
    pairs: list[tuple[str, str]] = []
    for key, value in values.items():
        for v in value if isinstance(value, list) else [value]:
            pairs.append((key.replace("__", "-"), v))
    return MultiForm(pairs)


def test_scalar_fields_become_typed_values_and_blanks_stay_out() -> None:
    fields = [
        FieldPublic(name="opinion", type="text", title="意见", required=True),
        FieldPublic(name="amount", type="number", title="金额", required=False),
        FieldPublic(name="count", type="int", title="件数", required=False),
        FieldPublic(name="on", type="date", title="日期", required=False),
        FieldPublic(name="flag", type="bool", title="是否", required=True),
        FieldPublic(name="other", type="str", title="其他", required=False),
        FieldPublic(name="materials", type="list[str]", title="材料", required=True),
    ]
    parsed = parse(
        fields,
        form(
            **{
                "f-opinion": "  同意  ",
                "f-amount": "1.5",
                "f-count": "3",
                "f-on": "2026-03-02",
                "f-other": "  ",
                "f-materials": "立案审批表\r\n\r\n 调查终结报告 \n",
            }
        ),
    )
    assert parsed.payload == {
        "opinion": "同意",
        "amount": 1.5,
        "count": 3,
        "on": "2026-03-02",
        "flag": False,
        "materials": ["立案审批表", "调查终结报告"],
    }


def test_a_number_that_does_not_parse_is_passed_on_for_the_service_to_name() -> None:
    fields = [FieldPublic(name="count", type="int", title="件数", required=True)]
    assert parse(fields, form(**{"f-count": "三"})).payload == {"count": "三"}


def test_choices_of_a_list_are_the_ticked_boxes() -> None:
    fields = [
        FieldPublic(name="kinds", type="list[str]", title="种类", required=True, choices=["罚款", "警告"])
    ]
    assert parse(fields, form(**{"f-kinds": ["罚款", "警告"]})).payload == {"kinds": ["罚款", "警告"]}


def test_rows_of_objects_skip_blank_rows_and_remember_where_each_item_came_from() -> None:
    parsed = parse(
        [FINDINGS],
        form(
            **{
                "f-findings-0-item": "",
                "f-findings-0-problem": "",
                "f-findings-1-item": "程序",
                "f-findings-1-problem": "未告知",
                "f-findings-2-item": "",
                "f-findings-2-problem": "",
                "f-findings-3-item": "文书",
                "f-findings-3-problem": "",
            }
        ),
    )
    assert parsed.payload == {"findings": [{"item": "程序", "problem": "未告知"}, {"item": "文书"}]}
    assert parsed.rows == {"findings": [1, 3]}
    errors, general = errors_by_input(
        [{"field": "findings.1.problem", "message": "存在的问题 缺少"}, {"field": "", "message": "整体"}],
        parsed,
    )
    assert errors == {"f-findings-3-problem": "存在的问题 缺少"}
    assert general == ["整体"]


def test_a_checklist_takes_the_ticked_items_and_the_written_ones_and_nothing_else() -> None:
    parsed = parse(
        [FINDINGS],
        form(
            **{
                "f-findings-0-item": "执法主体是否合法",
                "f-findings-1-item": "程序是否合法",
                "f-findings-1-ticked": "on",
                "f-findings-1-problem": "未告知听证权利",
                "f-findings-2-item": "执法文书是否完备规范",
                "f-findings-2-problem": "缺送达回证",
                # no such row on the form: a forged or stale "其他" row is not sent
                "f-findings-3-item": "其他：裁量",
                "f-findings-3-ticked": "on",
                "f-findings-3-problem": "裁量过重",
            }
        ),
        {"findings": CHECKLIST},
    )
    assert parsed.payload["findings"] == [
        {"item": "程序是否合法", "problem": "未告知听证权利"},
        {"item": "执法文书是否完备规范", "problem": "缺送达回证"},
    ]
    assert parsed.rows["findings"] == [1, 2]


def test_an_untouched_checklist_sends_an_empty_list_for_a_required_field() -> None:
    parsed = parse([FINDINGS], form(**{"f-findings-0-item": "执法主体是否合法"}), {"findings": CHECKLIST})
    assert parsed.payload == {"findings": []}
    errors, _ = errors_by_input([{"field": "findings", "message": "条目数量不足"}], parsed)
    assert errors == {"f-findings": "条目数量不足"}


def test_the_review_return_form_takes_its_checklist_from_the_workflow_choices(tmp_path: Path) -> None:
    rt = make_runtime(f"sqlite:///{tmp_path / 'forms.db'}")
    try:
        d = rt.workflow("major_decision_review").definition
        ret, approve = (event_public(t) for t in (d.transition("return"), d.transition("approve")))
        assert ret is not None and approve is not None
    finally:
        rt.db.dispose()
    found = checklists_for(ret.payload)
    assert found["findings"].key == "item" and found["findings"].items == REVIEW_ITEMS
    assert checklists_for(approve.payload) == {}


def test_a_list_of_objects_without_choices_is_no_checklist() -> None:
    assert checklists_for([FINDINGS]) == {}


def test_checklist_items_and_choices_read_by_their_labels() -> None:
    with_labels = FINDINGS.model_copy(
        update={
            "fields": [
                FieldPublic(
                    name="item",
                    type="str",
                    title="审核事项",
                    required=True,
                    choices=["subject", "procedure"],
                    labels={"subject": "执法主体是否合法"},
                ),
                *(FINDINGS.fields or [])[1:],
            ]
        }
    )
    found = checklists_for([with_labels])["findings"]
    assert found.rows() == [(0, "subject", "执法主体是否合法"), (1, "procedure", "procedure")]
    party = FieldPublic(
        name="party_type",
        type="str",
        title="当事人类型",
        required=True,
        choices=["individual", "organization"],
        labels={"individual": "个人", "organization": "单位"},
    )
    assert [choice_title(party, c) for c in party.choices or []] == ["个人", "单位"]


def test_form_state_offers_the_sent_rows_and_one_blank() -> None:
    state = FormState(values=form(**{"f-findings-0-item": "a", "f-findings-4-item": "b"}))
    assert state.rows(FINDINGS) == [0, 1, 2, 3, 4, 5]
    assert FormState().rows(FINDINGS) == [0, 1]
