"""河南省行政执法证: who may hold one, what its states mean, and why an officer may not act today. Pure.

《河南省行政执法条例》和《河南省行政执法证件管理办法》, as the province's rubric (seed 000, 执法资格 and
证件管理) reads them: whoever enforces holds a 河南省行政执法证 (持证上岗); 工勤人员、劳动合同工、临时工 and
other people who do not meet the conditions may not be issued one (a finding costs 100 points); the
agency applies for, renews (换发) and cancels (注销) certificates in time — an officer who leaves has
theirs cancelled, not deleted.
"""

from __future__ import annotations

from datetime import date

# The certificate's own status; "expired" is not a status but a date (valid_until) that has passed.
VALID, SUSPENDED, CANCELLED = "valid", "suspended", "cancelled"
STATUS_TITLES = {VALID: "有效", SUSPENDED: "暂扣", CANCELLED: "注销"}
HELD = frozenset({VALID, SUSPENDED})  # a certificate the officer still has in hand

# 人员类别 (身份、编制), in the order the forms list them.
STAFF_TYPES = {
    "civil_servant": "在编",
    "civil_service_managed": "参公",
    "public_institution": "事业编制",
    "logistics": "工勤人员",
    "labour_contract": "劳动合同工",
    "temporary": "临时工",
    "other": "其他",
}
# Seed 000: 工勤人员、劳动合同工、临时工等不符合规定条件的人员不得领取《河南省行政执法证》.
INELIGIBLE = frozenset({"logistics", "labour_contract", "temporary"})

# What happened to a certificate, as its history reads.
ACTIONS = {
    "issued": "核发",
    "renewed": "换发",
    "suspended": "暂扣",
    "reinstated": "恢复",
    "cancelled": "注销",
}


def staff_title(staff_type: str | None) -> str:
    return STAFF_TYPES.get(staff_type or "", "未登记")


def ineligible_reason(name: str, staff_type: str | None) -> str | None:
    """Why this person may not hold a certificate, or None."""
    if staff_type in INELIGIBLE:
        return (
            f"{name}的人员类别为{STAFF_TYPES[staff_type]}，依照《河南省行政执法证件管理办法》，"
            "工勤人员、劳动合同工、临时工等不符合规定条件的人员不得领取《河南省行政执法证》"
        )
    return None


def expired(valid_until: date | None, today: date) -> bool:
    return valid_until is not None and today > valid_until


def problem(
    name: str,
    number: str | None,
    valid_from: date | None,
    valid_until: date | None,
    status: str | None,
    today: date,
) -> str | None:
    """Why this officer may not act today (持证上岗), naming the reason: none held, 暂扣, 注销, not yet
    valid, 过期. None: the certificate is valid today. A certificate recorded before statuses were kept
    (status None) counts as 有效."""
    if not number:
        return f"{name}未持有行政执法证，不得办理案件"
    held = f"{name}的行政执法证（{number}）"
    if status == CANCELLED:
        return f"{held}已注销，不得从事行政执法活动"
    if status == SUSPENDED:
        return f"{held}已暂扣，暂扣期间不得从事行政执法活动"
    if valid_from and today < valid_from:
        return f"{held}尚未生效（{valid_from.isoformat()} 起有效）"
    if valid_until is None:
        return f"{held}有效期不明，不得办理案件"
    if today > valid_until:
        return f"{held}已过期（有效期至 {valid_until.isoformat()}），不得从事行政执法活动"
    return None


STANDING_TITLES = {"none": "无", VALID: "有效", SUSPENDED: "暂扣", CANCELLED: "注销", "expired": "已过期"}


def standing(number: str | None, status: str | None, valid_until: date | None, today: date) -> str:
    """How the certificate stands today: none, valid, suspended, cancelled or expired."""
    if not number:
        return "none"
    if status in (SUSPENDED, CANCELLED):
        return status
    return "expired" if expired(valid_until, today) else VALID
