"""Demo data: agencies, one user of every role in the same agency, and cases in several states.

Cases are moved through the real services, so their audit trail and documents are genuine.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from ..core.errors import InvalidInput
from ..runtime import Runtime
from ..storage.db import UnitOfWork
from ..storage.models import Agency
from .accounts import demo_password
from .admin import NewUser, create_agency, create_user
from .cases import fire, start_case
from .demo_evaluation import load_evaluation_demo
from .demo_penalty import load_penalty_demo

CERT_FROM, CERT_UNTIL = date(2024, 1, 1), date(2029, 12, 31)

# name, 代字, kind; enforcement agencies file their major penalties with the 司法局 (the last one).
AGENCIES = [
    ("郑州市市场监督管理局", "郑市监", "enforcement"),
    ("郑州市生态环境局", "郑环", "enforcement"),
    ("郑州市司法局", "郑司", "filing_review"),
]
FILING_OFFICE = 2

# username, name, agency index, roles, certificate, legal qualification
USERS: list[tuple[str, str, int, tuple[str, ...], str | None, str | None]] = [
    ("zhangwei", "张伟", 0, ("handler",), "豫执41010001", None),
    ("liuyang", "刘洋", 0, ("handler",), "豫执41010002", None),
    ("wangfang", "王芳", 0, ("reviewer",), "豫执41010003", "A20171100001"),
    ("lijing", "李静", 0, ("legal_head", "reviewer"), "豫执41010004", "A20151100002"),
    ("chenming", "陈明", 0, ("agency_head",), None, None),
    ("admin", "系统管理员", 0, ("admin",), None, None),
    ("sunli", "孙丽", 1, ("handler",), "豫执41020001", None),
    ("zhouqiang", "周强", 1, ("reviewer", "legal_head"), "豫执41020002", "A20181100003"),
    ("hejun", "何军", 1, ("agency_head",), None, None),
    ("zhaolei", "赵磊", 2, ("supervisor",), None, None),
    ("wuhua", "吴华", 2, ("filing_officer",), None, None),
    ("qianping", "钱平", 2, ("evaluator",), None, None),
]


def load_demo(rt: Runtime) -> dict[str, dict[str, Any]]:
    """Create the demo set; returns {username: {token, roles, agency, password}}."""
    with UnitOfWork(rt.sessions) as session:
        if session.scalars(select(Agency)).first():
            raise InvalidInput("数据库中已有数据；如需重建演示数据，请使用 --reset")
    office_name, office_code, office_kind = AGENCIES[FILING_OFFICE]
    office = create_agency(rt, office_name, office_code, office_kind)
    agency_ids = [
        office if i == FILING_OFFICE else create_agency(rt, name, code, kind, filing_office_id=office)
        for i, (name, code, kind) in enumerate(AGENCIES)
    ]
    users: dict[str, int] = {}
    tokens: dict[str, dict[str, Any]] = {}
    for username, name, agency, roles, cert, qual in USERS:
        password = demo_password()
        user_id, token = create_user(
            rt,
            NewUser(
                username=username,
                name=name,
                agency_id=agency_ids[agency],
                roles=roles,
                certificate_no=cert,
                certificate_valid_from=CERT_FROM if cert else None,
                certificate_valid_until=CERT_UNTIL if cert else None,
                legal_qualification=qual,
                staff_type="civil_servant" if cert else None,  # 在编: may hold a 执法证
            ),
            password=password,
        )
        users[username] = user_id
        tokens[username] = {
            "token": token,
            "roles": list(roles),
            "agency": AGENCIES[agency][0],
            "password": password,
        }
    _demo_cases(rt, users)
    load_penalty_demo(rt, users)
    load_evaluation_demo(rt, users, agency_ids[0])
    return tokens


def _submission(what: str) -> dict[str, Any]:
    return {
        "summary": f"经查，当事人{what}。依据《中华人民共和国食品安全法》相关规定，适用本局裁量基准第三档。",
        "proposed_decision": "拟处罚款人民币二十万元，没收违法所得。",
        "materials": ["立案审批表", "调查终结报告", "行政处罚事先告知书及送达回证", "陈述申辩笔录"],
    }


def _demo_cases(rt: Runtime, u: dict[str, int]) -> None:
    wf = "major_decision_review"
    start_case(rt, u["zhangwei"], wf, "某食品有限公司销售超过保质期食品案", "郑州某食品有限公司")

    c = start_case(rt, u["zhangwei"], wf, "某超市经营标签不符合规定的预包装食品案", "郑州某连锁超市有限公司")
    fire(rt, c.id, "submit", u["zhangwei"], _submission("经营标签不符合规定的预包装食品"), c.version)

    c = start_case(rt, u["liuyang"], wf, "某药店销售假药案", "郑州某大药房有限公司")
    c = fire(rt, c.id, "submit", u["liuyang"], _submission("销售假药"), c.version)
    fire(
        rt,
        c.id,
        "return",
        u["wangfang"],
        {
            "opinion": "违法事实基本清楚，但证据不够充分，裁量理由不足，请补充后重新报送。",
            "findings": [
                {
                    "item": "事实是否清楚、证据是否合法充分",
                    "problem": "缺少涉案药品的检验报告",
                    "suggestion": "补充检验报告",
                },
                {"item": "适用法律是否准确、裁量基准运用是否适当", "problem": "未说明适用第三档裁量的理由"},
            ],
            "needs_supplement": True,
        },
        c.version,
    )

    c = start_case(rt, u["zhangwei"], wf, "某餐饮公司使用非食品原料生产食品案", "郑州某餐饮管理有限公司")
    c = fire(rt, c.id, "submit", u["zhangwei"], _submission("使用非食品原料生产食品"), c.version)
    fire(
        rt,
        c.id,
        "approve",
        u["lijing"],
        {"opinion": "事实清楚，证据确凿，程序合法，适用法律正确，裁量适当，同意。"},
        c.version,
    )

    c = start_case(rt, u["sunli"], wf, "某化工企业超标排放水污染物案", "河南某化工有限公司")
    fire(rt, c.id, "submit", u["sunli"], _submission("超标排放水污染物"), c.version)
