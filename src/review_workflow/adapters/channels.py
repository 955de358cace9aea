"""Delivery channels for deadline alerts: e-mail (SMTP) and signed webhooks.

The channel layer only delivers one message once. The outbox dispatcher owns retries: every
delivery problem it can do something about surfaces as `DeliveryFailed(reason)`, whose reason it
stores on the outbox row. Anything else (a naive `now`, a bad delivery key) is a bug in the caller
and is raised as is.

Webhook signing scheme (what receivers must check)
--------------------------------------------------
Each webhook is a ``POST`` with a UTF-8 JSON body
``{"subject": ..., "body": ..., "recipient": {"name": ..., "email": ...}, "data": {...}}``
and these headers:

``X-ReviewWorkflow-Timestamp: <unix seconds>``
    When the request was signed.
``X-ReviewWorkflow-Signature: sha256=<hex>``
    ``HMAC-SHA256(secret, timestamp + "." + raw_body)`` in lowercase hex. The raw body bytes are
    signed, so receivers must verify before parsing the JSON.
``X-ReviewWorkflow-Delivery: <idempotency key>``
    The same for every retry of one notification. A timeout does not prove the receiver did not
    process the request, so the dispatcher may send a notification twice: receivers dedupe on it.

Receivers call ``verify(secret, timestamp, body, signature_header, now=...)``; passing ``now``
also rejects requests signed more than ``tolerance`` (5 minutes) away from it, against replays.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import re
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Any

TIMESTAMP_HEADER = "X-ReviewWorkflow-Timestamp"
SIGNATURE_HEADER = "X-ReviewWorkflow-Signature"
DELIVERY_HEADER = "X-ReviewWorkflow-Delivery"
SIGNATURE_PREFIX = "sha256="
DEFAULT_TOLERANCE = timedelta(minutes=5)

# The dispatcher stores the reason in a column: keep it a line, not a stack dump.
_MAX_REASON = 300
# Keys travel in an HTTP header and inside a Message-ID: printable ASCII without spaces.
_DELIVERY_KEY = re.compile(r"[!-~]{1,200}")
# A Message-ID's left part is a dot-atom (RFC 5322): other characters (the key's colons) become dots.
_NOT_ATEXT = re.compile(r"[^A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]")


@dataclass(frozen=True)
class Message:
    """One alert to one person. `data` must be JSON-serialisable (it goes into the webhook body)."""

    recipient_name: str
    recipient_email: str | None
    subject: str
    body: str
    data: dict[str, Any] = field(default_factory=dict)


class DeliveryFailed(Exception):
    """The channel could not deliver; `reason` is a short Chinese sentence for the outbox row.

    `permanent` is a hint: retrying the same message unchanged will not help (no address, the
    server rejected the recipient, a 4xx from the receiver). The dispatcher may ignore it.
    """

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        reason = " ".join(reason.split())
        if len(reason) > _MAX_REASON:
            reason = reason[: _MAX_REASON - 1] + "…"
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


# ---------------------------------------------------------------------------------------------
# E-mail


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    sender: str = "review-workflow@localhost"
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 10

    def __repr__(self) -> str:  # settings get logged; the password must not be
        return (
            f"SmtpSettings(host={self.host!r}, port={self.port!r}, sender={self.sender!r}, "
            f"username={self.username!r}, password={'***' if self.password else None}, "
            f"starttls={self.starttls!r}, timeout={self.timeout!r})"
        )


def build_email(
    settings: SmtpSettings,
    message: Message,
    *,
    delivery_key: str | None = None,
    now: datetime | None = None,
) -> EmailMessage:
    """The MIME message `send_email` sends; separate so it can be inspected without a server."""
    if not message.recipient_email:
        raise DeliveryFailed("收件人没有电子邮箱", permanent=True)
    try:
        recipient = Address(
            display_name=_one_line(message.recipient_name), addr_spec=message.recipient_email.strip()
        )
    except (ValueError, IndexError) as exc:  # header parser errors are ValueError subclasses
        raise DeliveryFailed(f"收件人电子邮箱格式无效：{message.recipient_email}", permanent=True) from exc

    mail = EmailMessage()  # policy.default: non-ASCII headers become RFC 2047 encoded words
    mail["From"] = settings.sender
    mail["To"] = recipient
    mail["Subject"] = _one_line(message.subject)
    mail["Date"] = format_datetime(_aware(now) if now is not None else datetime.now(UTC))
    domain = _sender_domain(settings.sender)
    if delivery_key is not None:
        _check_delivery_key(delivery_key)
        # Same key → same Message-ID on every retry, so mail clients can fold duplicates.
        mail["Message-ID"] = f"<{_NOT_ATEXT.sub('.', delivery_key)}@{domain}>"
        mail[DELIVERY_HEADER] = delivery_key
    else:
        mail["Message-ID"] = make_msgid(domain=domain)  # explicit domain: no getfqdn() DNS lookup
    # base64, not the policy's 8bit default: 7-bit clean for relays without 8BITMIME.
    mail.set_content(message.body, charset="utf-8", cte="base64")
    return mail


def send_email(
    settings: SmtpSettings,
    message: Message,
    *,
    delivery_key: str | None = None,
    now: datetime | None = None,
) -> None:
    """Send one message over SMTP. Every network or protocol problem becomes `DeliveryFailed`.

    `delivery_key` (optional) makes the Message-ID stable across retries; `now` sets the Date
    header from the workflow clock (defaults to the real time).
    """
    mail = build_email(settings, message, delivery_key=delivery_key, now=now)
    where = f"{settings.host}:{settings.port}"
    smtp: smtplib.SMTP | None = None
    sent = False
    try:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.username:
            _login(smtp, settings.username, settings.password or "")
        smtp.send_message(mail)
        sent = True
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()), (0, b""))
        raise DeliveryFailed(
            f"邮件服务器拒收收件人 {message.recipient_email}：{code} {_text(text)}",
            permanent=500 <= code < 600,
        ) from exc
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryFailed(f"邮件服务器 {where} 认证失败：{exc.smtp_code} {_text(exc.smtp_error)}") from exc
    except smtplib.SMTPNotSupportedError as exc:
        raise DeliveryFailed(f"邮件服务器 {where} 不支持所需功能：{exc}") from exc
    except smtplib.SMTPServerDisconnected as exc:
        raise DeliveryFailed(f"邮件服务器 {where} 意外断开连接") from exc
    except smtplib.SMTPResponseException as exc:  # sender refused, DATA refused, …
        raise DeliveryFailed(
            f"邮件服务器 {where} 返回错误：{exc.smtp_code} {_text(exc.smtp_error)}",
            permanent=500 <= exc.smtp_code < 600,
        ) from exc
    except smtplib.SMTPException as exc:
        raise DeliveryFailed(f"邮件发送失败（{where}）：{exc}") from exc
    except OSError as exc:  # refused, unreachable, DNS, timeout, TLS
        raise DeliveryFailed(f"无法连接邮件服务器 {where}：{_os_reason(exc)}") from exc
    finally:
        if smtp is not None:
            _close(smtp, polite=sent)


def _login(smtp: smtplib.SMTP, username: str, password: str) -> None:
    if (username + password).isascii():
        smtp.login(username, password)
        return
    # smtplib.login() encodes credentials as ASCII and raises UnicodeEncodeError on e.g. a Chinese
    # password. AUTH PLAIN carries UTF-8 (RFC 4616), so send it by hand.
    smtp.ehlo_or_helo_if_needed()
    if "PLAIN" not in smtp.esmtp_features.get("auth", "").upper().split():
        raise smtplib.SMTPNotSupportedError("用户名或密码含非 ASCII 字符，但服务器不支持 AUTH PLAIN")
    token = base64.b64encode(b"\0" + username.encode() + b"\0" + password.encode()).decode("ascii")
    code, reply = smtp.docmd("AUTH", "PLAIN " + token)
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def _close(smtp: smtplib.SMTP, *, polite: bool) -> None:
    # After a failure the session may be dead: QUIT could wait a whole timeout again, just close.
    # After success the message is accepted: a failing QUIT must not become a retry (= a duplicate).
    try:
        if polite:
            smtp.quit()
    except (OSError, smtplib.SMTPException):
        pass
    finally:
        smtp.close()


# ---------------------------------------------------------------------------------------------
# Webhook


@dataclass(frozen=True)
class WebhookSettings:
    url: str
    secret: str
    timeout: float = 10

    def __post_init__(self) -> None:
        # urllib would also open file:// and ftp:// URLs; a webhook is HTTP(S) only.
        if not self.url.lower().startswith(("http://", "https://")):
            raise ValueError(f"webhook 地址必须以 http:// 或 https:// 开头：{self.url}")
        if not self.secret:
            raise ValueError("webhook 签名密钥不能为空")

    def __repr__(self) -> str:  # never log the secret
        return f"WebhookSettings(url={self.url!r}, secret='***', timeout={self.timeout!r})"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over ``timestamp + "." + body``, lowercase hex (without the ``sha256=`` prefix)."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return mac.hexdigest()


def verify(
    secret: str,
    timestamp: str | None,
    body: bytes,
    signature_header: str | None,
    *,
    now: datetime | None = None,
    tolerance: timedelta = DEFAULT_TOLERANCE,
) -> bool:
    """True if `signature_header` (``sha256=<hex>``) signs `timestamp` and `body` with `secret`.

    Missing or malformed values are False, never an exception. With `now`, a timestamp further
    than `tolerance` from it is also False (a captured request cannot be replayed later).
    """
    if not timestamp or not signature_header or not signature_header.startswith(SIGNATURE_PREFIX):
        return False
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        return False
    if now is not None:
        signed_at = datetime.fromtimestamp(int(timestamp), UTC)
        if abs(_aware(now) - signed_at) > tolerance:
            return False
    expected = sign(secret, timestamp, body).encode("ascii")
    given = signature_header[len(SIGNATURE_PREFIX) :].strip().lower().encode("utf-8", "replace")
    return hmac.compare_digest(expected, given)


def webhook_body(message: Message) -> bytes:
    """The exact bytes that are signed and sent."""
    payload = {
        "subject": message.subject,
        "body": message.body,
        "recipient": {"name": message.recipient_name, "email": message.recipient_email},
        "data": message.data,
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def webhook_headers(secret: str, body: bytes, delivery_key: str, now: datetime) -> dict[str, str]:
    _check_delivery_key(delivery_key)
    timestamp = str(int(_aware(now).timestamp()))
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "review-workflow-webhook/1",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: SIGNATURE_PREFIX + sign(secret, timestamp, body),
        DELIVERY_HEADER: delivery_key,
    }


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # urllib turns a redirected POST into a bodiless GET; that would pass for a delivery. Refuse.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def send_webhook(settings: WebhookSettings, message: Message, delivery_key: str, now: datetime) -> None:
    """POST the signed JSON to `settings.url`. Only a 2xx answer counts as delivered.

    `now` (timezone-aware, from the workflow clock) is the signed timestamp; receivers that check
    freshness need it close to the real time.
    """
    body = webhook_body(message)
    request = urllib.request.Request(
        settings.url,
        data=body,
        headers=webhook_headers(settings.secret, body, delivery_key, now),
        method="POST",
    )
    try:
        # A fresh opener per call: its ProxyHandler reads the *_proxy variables of the moment.
        opener = urllib.request.build_opener(_NoRedirect)
        with opener.open(request, timeout=settings.timeout) as response:
            _drain(response)
    except urllib.error.HTTPError as exc:
        status = exc.code
        detail = _response_excerpt(exc)
        reason = f"webhook 返回 HTTP {status}" + (f"：{detail}" if detail else "")
        if 300 <= status < 400:
            reason = f"webhook 返回重定向 HTTP {status}（不跟随重定向，请配置最终地址）"
        # 4xx other than timeout / rate limit / conflict will not change by resending the same request.
        permanent = 400 <= status < 500 and status not in (408, 409, 425, 429)
        raise DeliveryFailed(reason, permanent=permanent) from exc
    except urllib.error.URLError as exc:  # connection-level: reason is the underlying error
        cause = exc.reason
        text = _os_reason(cause) if isinstance(cause, OSError) else str(cause)
        raise DeliveryFailed(f"无法连接 webhook {settings.url}：{text}") from exc
    except (OSError, http.client.HTTPException) as exc:  # timeout while reading, reset, bad status line
        raise DeliveryFailed(f"webhook {settings.url} 请求失败：{_os_reason(exc)}") from exc


def _drain(response: Any) -> None:
    # The 2xx status already means delivered; a slow or broken response body must not undo that.
    try:
        response.read(64 * 1024)
    except (OSError, http.client.HTTPException):
        pass


def _response_excerpt(exc: urllib.error.HTTPError) -> str:
    try:
        raw = exc.read(200)
    except (OSError, http.client.HTTPException):
        return ""
    finally:
        exc.close()
    return " ".join(raw.decode("utf-8", "replace").split())


# ---------------------------------------------------------------------------------------------
# Helpers


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("now 必须带时区（使用 Clock.now()）")
    return moment


def _check_delivery_key(key: str) -> None:
    if not _DELIVERY_KEY.fullmatch(key):
        raise ValueError(f"投递幂等键只能是 1–200 个可见 ASCII 字符：{key!r}")


def _one_line(text: str) -> str:
    # Header values may not contain line breaks (the email package raises); templates sometimes wrap.
    return " ".join(text.split())


def _sender_domain(sender: str) -> str:
    _, addr = parseaddr(sender)
    domain = addr.rpartition("@")[2]
    return domain if domain and domain.isascii() else "review-workflow.local"


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _os_reason(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "连接超时"
    if isinstance(exc, ConnectionRefusedError):
        return "连接被拒绝（服务未启动或端口错误）"
    if isinstance(exc, ConnectionResetError):
        return "连接被对方重置"
    if isinstance(exc, ssl.SSLError):
        return f"TLS 错误：{exc.reason or exc}"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or exc.__class__.__name__
