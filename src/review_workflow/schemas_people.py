"""Public shapes of agencies, officers and their 执法证, per direction (…Create / …Update in, …Public out)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .core.payloads import MAX_ID
from .schemas import Named

AgencyKind = Literal["enforcement", "filing_review"]
AgencyLevel = Literal["province", "city", "county"]
StaffType = Literal[
    "civil_servant", "civil_service_managed", "public_institution", "logistics", "labour_contract", "temporary", "other"
]
Reason = Field(min_length=1, max_length=500, description="原因（写入证件记录）")


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AgencyCreate(_In):
    name: str = Field(min_length=1, max_length=200, description="机关名称")
    doc_code: str = Field(min_length=1, max_length=40, description="代字，如 郑市监")
    kind: AgencyKind = Field(default="enforcement", description="enforcement 执法机关；filing_review 备案审查机关（司法局）")
    level: AgencyLevel | None = Field(default=None, description="层级：province 省级、city 市级、county 县（区）级")
    filing_office_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="备案审查机关（本级司法局）的编号")
    legal_office: str | None = Field(default=None, max_length=200, description="法制机构名称，如 法制科")


class AgencyUpdate(_In):
    """Only the fields sent change; `null` clears an optional one."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    doc_code: str | None = Field(default=None, min_length=1, max_length=40)
    kind: AgencyKind | None = None
    level: AgencyLevel | None = None
    filing_office_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    legal_office: str | None = Field(default=None, max_length=200)


class AgencyPublic(BaseModel):
    id: int
    name: str
    doc_code: str
    kind: AgencyKind
    kind_title: str
    level: str | None
    level_title: str
    filing_office: Named | None
    legal_office: str | None
    officers: int = Field(description="在用人员数")
    certified: int = Field(description="执法证今日有效的人数")


class AgenciesPublic(BaseModel):
    data: list[AgencyPublic]
    count: int


class CertificatePublic(BaseModel):
    number: str
    valid_from: date | None = Field(description="发证日期（自该日起有效）")
    valid_until: date | None = Field(description="有效期至")
    status: str | None = Field(description="valid 有效、suspended 暂扣、cancelled 注销")
    status_title: str
    standing: Literal["valid", "suspended", "cancelled", "expired"] = Field(description="今日的状况（含过期）")
    standing_title: str
    days_left: int | None = Field(description="距到期的天数（已过期为负数）")


class CertificateEventPublic(BaseModel):
    id: int
    at: datetime
    action: str
    action_title: str
    status: str
    status_title: str
    reason: str
    by: Named | None
    certificate_no: str
    valid_from: date | None
    valid_until: date | None


class TrainingPublic(BaseModel):
    year: int
    hours: int


class OfficerPublic(BaseModel):
    id: int
    username: str
    name: str
    agency: Named
    roles: list[str]
    active: bool
    staff_type: str | None
    staff_type_title: str
    certificate: CertificatePublic | None


class OfficerDetail(OfficerPublic):
    email: str | None
    legal_qualification: str | None = Field(description="法律职业资格证书编号")
    first_review_on: date | None = Field(description="初次从事法制审核的日期")
    can_log_in: bool = Field(description="是否已设置登录密码")
    history: list[CertificateEventPublic]
    training: list[TrainingPublic]


class OfficersPublic(BaseModel):
    data: list[OfficerPublic]
    count: int
    page: int
    page_size: int


class OfficerCreate(_In):
    username: str = Field(min_length=2, max_length=80, pattern=r"^[A-Za-z0-9_.\-]+$", description="登录名")
    name: str = Field(min_length=1, max_length=80, description="姓名")
    agency_id: int = Field(ge=1, le=MAX_ID)
    roles: list[str] = Field(min_length=1, max_length=20, description="角色，见 workflows/roles.yaml")
    staff_type: StaffType | None = Field(default=None, description="人员类别")
    email: str | None = Field(default=None, max_length=200)
    legal_qualification: str | None = Field(default=None, max_length=60, description="法律职业资格证书编号")
    first_review_on: date | None = Field(default=None, description="初次从事法制审核的日期")


class OfficerUpdate(_In):
    """Only the fields sent change; `null` clears an optional one."""

    name: str | None = Field(default=None, min_length=1, max_length=80)
    staff_type: StaffType | None = None
    email: str | None = Field(default=None, max_length=200)
    legal_qualification: str | None = Field(default=None, max_length=60)
    first_review_on: date | None = None


class RolesUpdate(_In):
    roles: list[str] = Field(min_length=1, max_length=20)


class CertificateIssue(_In):
    number: str = Field(min_length=1, max_length=60, description="执法证号")
    valid_from: date = Field(description="发证日期")
    valid_until: date = Field(description="有效期至")
    reason: str | None = Field(default=None, max_length=500, description="说明（默认：核发或换发）")


class CertificateChange(_In):
    reason: str = Reason


class Deactivation(_In):
    reason: str = Reason


class TrainingUpdate(_In):
    hours: int = Field(ge=0, le=2000, description="当年完成的培训学时")


class OfficerCreated(BaseModel):
    officer: OfficerDetail
    password: str = Field(description="一次性初始密码：只显示这一次，请转交本人登录后修改")


class PasswordReset(BaseModel):
    user_id: int
    password: str = Field(description="一次性密码：只显示这一次，请转交本人登录后修改")


class ImportProblem(BaseModel):
    row: int = Field(description="工作表中的行号（表头为第 1 行）")
    message: str


class ImportResult(BaseModel):
    created: int
    updated: int
    unchanged: int
