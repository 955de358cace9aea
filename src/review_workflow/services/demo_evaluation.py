"""The demo's 案卷评查: a small penalty case taken to 结案 today, and the 司法局's draw of the year's files
(the supervisor 赵磊 draws; 钱平, 评查人员 of the 司法局, scores it on the case page)."""

from __future__ import annotations

from typing import Any

from ..runtime import Runtime
from . import evaluations
from .demo_penalty import _child, _day, _notified, _step, _waived_and_proposed

DRAW = 5  # files drawn; the demo has one closed


def load_evaluation_demo(rt: Runtime, u: dict[str, int], agency_id: int) -> None:
    individual = {"party_type": "individual", "party_address": "郑州市管城区某街8号"}
    c = _notified(rt, u, "zhangwei", "李某某超范围使用食品添加剂案", "李某某", individual, 2000)
    c = _waived_and_proposed(rt, u, c, 2000)
    c = _step(rt, c, "decide_penalty", u["chenming"], {"decision_date": _day(rt)})
    disclosure = _child(rt, u["zhangwei"], c, "enforcement_disclosure")
    _step(rt, disclosure, "publish", u["zhangwei"], {"channel": "政府网站"})
    served: dict[str, Any] = {"served_on": _day(rt), "method": "直接送达", "recipient": "李某某", "served_documents": ["行政处罚决定书"]}
    c = _step(rt, c, "serve", u["zhangwei"], served)
    c = _step(rt, c, "execute", u["zhangwei"], {"executed_on": _day(rt), "execution_method": "自觉履行"})
    c = _step(rt, c, "propose_close", u["zhangwei"], {"execution": "当事人已缴清罚款。", "closing_note": "执行完毕，建议结案。"})
    _step(rt, c, "close", u["chenming"], {"opinion": "同意结案。"})
    evaluations.draw(rt, u["zhaolei"], rt.clock.today().year, agency_id, DRAW)
