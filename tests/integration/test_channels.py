"""Delivery channels against real local servers: an aiosmtpd sink and an HTTP webhook receiver."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from review_workflow.adapters.channels import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    DeliveryFailed,
    Message,
    SmtpSettings,
    WebhookSettings,
    send_email,
    send_webhook,
    sign,
    verify,
)
from tests.servers import WEBHOOK_SECRET as SECRET
from tests.servers import SmtpSink, WebhookSink, free_port

NOW = datetime.fromisoformat("2026-03-02T09:30:00+08:00")

SUBJECT = "【提醒】法制审核期限即将到期：行政处罚案件（2026）第0042号"
BODY = (
    "张三同志：\n\n"
    "您承办的案件“某某公司未按规定公示信息案”法制审核期限将于2026年3月5日届满，"
    "请及时处理。\n\n——法制审核系统"
)


def alert(email: str | None = "zhangsan@example.gov.cn") -> Message:
    return Message(
        recipient_name="张三",
        recipient_email=email,
        subject=SUBJECT,
        body=BODY,
        data={"case_id": 42, "deadline_id": 7, "kind": "即将到期", "due": "2026-03-05"},
    )


def smtp_settings(sink: SmtpSink, **overrides: object) -> SmtpSettings:
    values: dict = {"host": sink.host, "port": sink.port, "sender": "法制审核系统 <review@example.gov.cn>"}
    values.update(overrides)
    return SmtpSettings(**values, timeout=5)


# ---------------------------------------------------------------------------------------------
# E-mail


def test_email_arrives_with_chinese_subject_body_and_recipient(smtp: SmtpSink) -> None:
    send_email(smtp_settings(smtp), alert(), delivery_key="deadline-7-due_soon", now=NOW)

    assert len(smtp.messages) == 1
    received = smtp.messages[0]
    assert received.rcpt_tos == ["zhangsan@example.gov.cn"]
    assert received.mail_from == "review@example.gov.cn"
    # On the wire everything is 7-bit: encoded words in headers, base64 body.
    assert received.raw.isascii()
    assert b"=?utf-8?" in received.raw
    mail = received.message
    assert str(mail["Subject"]) == SUBJECT
    assert mail["To"].addresses[0].display_name == "张三"
    assert mail["To"].addresses[0].addr_spec == "zhangsan@example.gov.cn"
    assert mail["From"].addresses[0].display_name == "法制审核系统"
    assert mail.get_content_type() == "text/plain"
    assert mail.get_content_charset() == "utf-8"
    assert mail.get_content().rstrip("\n") == BODY
    assert mail["Message-ID"] == "<deadline-7-due_soon@example.gov.cn>"
    assert mail[DELIVERY_HEADER] == "deadline-7-due_soon"
    assert mail["Date"].datetime == NOW


def test_message_id_stays_a_valid_dot_atom_for_outbox_keys(smtp: SmtpSink) -> None:
    send_email(smtp_settings(smtp), alert(), delivery_key="deadline:7:overdue:3:email", now=NOW)
    mail = smtp.messages[0].message
    assert mail["Message-ID"] == "<deadline.7.overdue.3.email@example.gov.cn>"
    assert mail[DELIVERY_HEADER] == "deadline:7:overdue:3:email"


def test_email_without_delivery_key_gets_a_unique_message_id(smtp: SmtpSink) -> None:
    send_email(smtp_settings(smtp), alert())
    send_email(smtp_settings(smtp), alert())
    ids = [m.message["Message-ID"] for m in smtp.messages]
    assert all(i and i.endswith("@example.gov.cn>") for i in ids)
    assert ids[0] != ids[1]
    assert smtp.messages[0].message["Date"] is not None


def test_recipient_without_email_is_a_permanent_failure(smtp: SmtpSink) -> None:
    with pytest.raises(DeliveryFailed) as failure:
        send_email(smtp_settings(smtp), alert(email=None))
    assert failure.value.reason == "收件人没有电子邮箱"
    assert failure.value.permanent
    assert smtp.messages == []


def test_malformed_email_address_fails_without_contacting_the_server(smtp: SmtpSink) -> None:
    with pytest.raises(DeliveryFailed, match="格式无效") as failure:
        send_email(smtp_settings(smtp), alert(email="不是邮箱"))
    assert failure.value.permanent


def test_smtp_down_fails_then_delivers_once_the_server_is_up() -> None:
    sink = SmtpSink(port=free_port())
    settings = smtp_settings(sink)
    with pytest.raises(DeliveryFailed, match="无法连接邮件服务器") as failure:
        send_email(settings, alert())
    assert "连接被拒绝" in failure.value.reason
    assert not failure.value.permanent

    with sink:
        send_email(settings, alert())
    assert len(sink.messages) == 1


def test_smtp_sink_restarts_on_the_same_port(smtp: SmtpSink) -> None:
    settings = smtp_settings(smtp)
    send_email(settings, alert())
    smtp.stop()
    with pytest.raises(DeliveryFailed):
        send_email(settings, alert())
    smtp.start()
    send_email(settings, alert())
    assert smtp.port == settings.port
    assert len(smtp.messages) == 2


@pytest.mark.parametrize("password", ["plain-ascii", "口令pw"])  # smtplib.login() is ASCII-only
def test_smtp_login(password: str) -> None:
    with SmtpSink(credentials=("alerts", password)) as sink:
        send_email(smtp_settings(sink, username="alerts", password=password), alert())
        assert len(sink.messages) == 1

        for wrong in ("wrong", "错误"):
            with pytest.raises(DeliveryFailed, match="认证失败"):
                send_email(smtp_settings(sink, username="alerts", password=wrong), alert())
        with pytest.raises(DeliveryFailed, match="530"):  # no AUTH: the server refuses MAIL FROM
            send_email(smtp_settings(sink), alert())
        assert len(sink.messages) == 1


def test_smtp_refusal_carries_code_and_transience(smtp: SmtpSink) -> None:
    smtp.data_reply = "451 4.3.0 Try again later"
    with pytest.raises(DeliveryFailed, match="451") as failure:
        send_email(smtp_settings(smtp), alert())
    assert not failure.value.permanent

    smtp.data_reply = "554 5.7.1 Rejected"
    with pytest.raises(DeliveryFailed, match="554") as failure:
        send_email(smtp_settings(smtp), alert())
    assert failure.value.permanent
    assert smtp.messages == []


def test_smtp_settings_repr_hides_the_password() -> None:
    assert "hunter2" not in repr(SmtpSettings(host="mail", username="u", password="hunter2"))


# ---------------------------------------------------------------------------------------------
# Webhook


def hook_settings(sink: WebhookSink, **overrides: object) -> WebhookSettings:
    values: dict = {"url": sink.url, "secret": SECRET, "timeout": 5}
    values.update(overrides)
    return WebhookSettings(**values)


def test_webhook_delivers_signed_utf8_json(hook: WebhookSink) -> None:
    send_webhook(hook_settings(hook), alert(), "deadline-7-due_soon", NOW)

    assert len(hook.deliveries) == 1
    delivery = hook.deliveries[0]
    assert delivery.payload == {
        "subject": SUBJECT,
        "body": BODY,
        "recipient": {"name": "张三", "email": "zhangsan@example.gov.cn"},
        "data": {"case_id": 42, "deadline_id": 7, "kind": "即将到期", "due": "2026-03-05"},
    }
    assert "法制审核".encode() in delivery.body  # ensure_ascii=False: raw UTF-8, not \\u escapes
    headers = delivery.headers
    assert headers["content-type"] == "application/json; charset=utf-8"
    assert headers[TIMESTAMP_HEADER.lower()] == str(int(NOW.timestamp()))
    assert headers[SIGNATURE_HEADER.lower()] == "sha256=" + sign(
        SECRET, str(int(NOW.timestamp())), delivery.body
    )
    assert delivery.key == "deadline-7-due_soon"
    assert hook.requests[0].path == "/hooks/review-workflow"


def test_wrong_secret_is_rejected_by_the_receiver(hook: WebhookSink) -> None:
    with pytest.raises(DeliveryFailed, match="HTTP 401") as failure:
        send_webhook(hook_settings(hook, secret="wrong"), alert(), "k1", NOW)
    assert failure.value.permanent
    assert hook.deliveries == []
    assert hook.requests[0].signature_valid is False


def test_receiver_answering_500_is_a_retryable_failure(hook: WebhookSink) -> None:
    hook.status = 500
    with pytest.raises(DeliveryFailed, match="HTTP 500") as failure:
        send_webhook(hook_settings(hook), alert(), "k1", NOW)
    assert not failure.value.permanent
    assert hook.requests[0].signature_valid  # it arrived, signed correctly, and was refused
    assert hook.deliveries == []

    hook.status = 204  # receiver recovers; the retry carries the same key
    send_webhook(hook_settings(hook), alert(), "k1", NOW + timedelta(minutes=1))
    assert [d.key for d in hook.deliveries] == ["k1"]


def test_redirect_is_not_followed(hook: WebhookSink) -> None:
    hook.status = 302
    with pytest.raises(DeliveryFailed, match="重定向"):
        send_webhook(hook_settings(hook), alert(), "k1", NOW)


def test_nothing_listening_fails_then_delivers_once_the_receiver_is_up() -> None:
    sink = WebhookSink(SECRET, port=free_port())
    settings = hook_settings(sink)
    with pytest.raises(DeliveryFailed, match="无法连接 webhook") as failure:
        send_webhook(settings, alert(), "k1", NOW)
    assert "连接被拒绝" in failure.value.reason

    with sink:
        send_webhook(settings, alert(), "k1", NOW)
    assert len(sink.deliveries) == 1


def test_webhook_sink_restarts_on_the_same_port(hook: WebhookSink) -> None:
    settings = hook_settings(hook)
    send_webhook(settings, alert(), "k1", NOW)
    hook.stop()
    with pytest.raises(DeliveryFailed):
        send_webhook(settings, alert(), "k2", NOW)
    hook.start()
    send_webhook(settings, alert(), "k2", NOW)
    assert [d.key for d in hook.deliveries] == ["k1", "k2"]


def test_slow_receiver_times_out(hook: WebhookSink) -> None:
    hook.delay = 3
    with pytest.raises(DeliveryFailed, match="超时"):
        send_webhook(hook_settings(hook, timeout=0.3), alert(), "k1", NOW)


def test_receiver_checking_freshness_accepts_current_and_refuses_stale(hook: WebhookSink) -> None:
    hook.clock = lambda: NOW + timedelta(minutes=1)
    send_webhook(hook_settings(hook), alert(), "k1", NOW)
    with pytest.raises(DeliveryFailed, match="401"):
        send_webhook(hook_settings(hook), alert(), "k2", NOW - timedelta(hours=1))
    assert [d.key for d in hook.deliveries] == ["k1"]


def test_caller_bugs_are_not_delivery_failures(hook: WebhookSink) -> None:
    with pytest.raises(ValueError):
        send_webhook(hook_settings(hook), alert(), "k1", datetime(2026, 3, 2, 9, 30))  # naive
    with pytest.raises(ValueError):
        send_webhook(hook_settings(hook), alert(), "含中文的键", NOW)
    with pytest.raises(ValueError):
        WebhookSettings(url="file:///etc/passwd", secret=SECRET)
    assert hook.requests == []
    assert "s3cret" not in repr(hook_settings(hook))


# ---------------------------------------------------------------------------------------------
# verify (what receivers run)


def test_verify() -> None:
    body = json.dumps({"subject": "已逾期"}, ensure_ascii=False).encode()
    ts = str(int(NOW.timestamp()))
    header = "sha256=" + sign(SECRET, ts, body)

    assert verify(SECRET, ts, body, header)
    assert verify(SECRET, ts, body, header.upper().replace("SHA256=", "sha256="))
    assert not verify(SECRET, ts, body + b" ", header)
    assert not verify(SECRET, str(int(ts) + 1), body, header)
    assert not verify("other", ts, body, header)
    assert not verify(SECRET, ts, body, header.removeprefix("sha256="))
    assert not verify(SECRET, ts, body, None)
    assert not verify(SECRET, None, body, header)
    assert not verify(SECRET, "not-a-number", body, header)
    assert not verify(SECRET, ts, body, "sha256=签名")
    assert verify(SECRET, ts, body, header, now=NOW + timedelta(minutes=4))
    assert not verify(SECRET, ts, body, header, now=NOW + timedelta(minutes=6))
    assert not verify(SECRET, ts, body, header, now=NOW.astimezone(UTC) - timedelta(minutes=6))
