"""Log-in throttling: five failures of a username within fifteen minutes lock it (429, Retry-After, the
wait in Chinese), the right password included, for a wait that doubles with each further lock; an
address that fails too often is locked for every username; every failure and lock is logged."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx

from review_workflow.core.errors import WorkflowError
from review_workflow.runtime import Runtime
from review_workflow.services import accounts
from tests.conftest import PINNED_NOW, People, pin_clock, security_log
from tests.web.conftest import PASSWORD, Visitor, text_of

WRONG = "not-the-password"


def at(minutes: float) -> str:
    return (PINNED_NOW + timedelta(minutes=minutes)).isoformat()


def locked(r: httpx.Response, seconds: int, wait: str) -> bool:
    return (
        r.status_code == 429
        and r.headers.get("retry-after") == str(seconds)
        and f"请在 {wait}后再试" in text_of(r.text)
        and r.url.path == "/login"
    )


def test_the_sixth_wrong_password_is_429_and_the_right_one_waits_out_the_lock(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    accounts.set_password(rt, people.handler.id, PASSWORD)
    v = visitor()
    for _ in range(4):
        assert v.login("zhang", WRONG).status_code == 401
    assert locked(v.login("zhang", WRONG), 900, "15 分钟")  # the fifth failure starts the lock
    assert locked(v.login("zhang", WRONG), 900, "15 分钟")  # the sixth is refused unchecked
    assert locked(v.login("zhang", PASSWORD), 900, "15 分钟")  # the right password too
    pin_clock(rt, at(14))
    assert locked(v.login("zhang", PASSWORD), 60, "1 分钟")
    assert v.get("/inbox", follow_redirects=False).status_code == 303  # nothing opened meanwhile
    pin_clock(rt, at(15))
    r = v.login("zhang", PASSWORD)
    assert r.status_code == 200 and r.url.path == "/inbox"

    kinds = [(e.kind, e.username, e.ip) for e in security_log(rt) if e.kind.startswith("login")]
    assert kinds == [
        *[("login_failed", "zhang", "testclient")] * 5,
        ("login_locked", "zhang", "testclient"),
        *[("login_blocked", "zhang", "testclient")] * 3,
        ("login_ok", "zhang", "testclient"),
    ]
    lock = next(e for e in security_log(rt) if e.kind == "login_locked")
    assert lock.user_id == people.handler.id and lock.detail == {"retry_after": 900, "keys": ["user:zhang"]}


def test_each_further_lock_waits_twice_as_long_until_a_right_password(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    accounts.set_password(rt, people.handler.id, PASSWORD)
    v = visitor()
    for _ in range(5):
        last = v.login("zhang", WRONG)
    assert locked(last, 900, "15 分钟")
    pin_clock(rt, at(15))
    for _ in range(5):
        last = v.login("zhang", WRONG)
    assert locked(last, 1800, "30 分钟")
    pin_clock(rt, at(45))
    for _ in range(5):
        last = v.login("zhang", WRONG)
    assert locked(last, 3600, "1 小时")
    pin_clock(rt, at(105))
    assert v.login("zhang", PASSWORD).url.path == "/inbox"  # and the count starts over
    v = visitor()
    for _ in range(5):
        last = v.login("zhang", WRONG)
    assert locked(last, 900, "15 分钟")


def test_failures_spread_over_more_than_the_window_do_not_lock(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    accounts.set_password(rt, people.handler.id, PASSWORD)
    v = visitor()
    for minute in (0, 4, 8, 12, 16, 20, 24, 28):  # never five within fifteen minutes of the first
        pin_clock(rt, at(minute))
        assert v.login("zhang", WRONG).status_code == 401, minute
    assert v.login("zhang", PASSWORD).url.path == "/inbox"


def test_an_unknown_username_is_locked_the_same_way(visitor: Callable[..., Visitor], people: People) -> None:
    v = visitor()
    for _ in range(4):
        assert v.login("nobody", WRONG).status_code == 401
    assert locked(v.login("nobody", WRONG), 900, "15 分钟")  # no hint whether the name exists


def test_an_address_that_fails_too_often_is_locked_for_every_username(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    accounts.set_password(rt, people.handler.id, PASSWORD)
    v = visitor()
    for i in range(19):  # twenty usernames, one guess each: no username reaches five
        assert v.login(f"guess{i}", WRONG).status_code == 401
    assert locked(v.login("guess19", WRONG), 900, "15 分钟")
    assert locked(v.login("zhang", PASSWORD), 900, "15 分钟")
    lock = next(e for e in security_log(rt) if e.kind == "login_locked")
    assert lock.detail["keys"] == ["address:testclient"]


def test_a_right_password_does_not_reset_the_address_count(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    rt.settings = rt.settings.model_copy(update={"login_max_failures_per_address": 3})
    accounts.set_password(rt, people.handler.id, PASSWORD)
    v = visitor()
    assert v.login("a1", WRONG).status_code == 401
    assert v.login("a2", WRONG).status_code == 401
    assert v.login("zhang", PASSWORD).url.path == "/inbox"  # one good account buys no more guesses
    assert locked(visitor().login("a3", WRONG), 900, "15 分钟")


def test_the_throttle_numbers_are_settings(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    rt.settings = rt.settings.model_copy(
        update={"login_max_failures": 2, "login_lock_minutes": 2, "login_lock_max_minutes": 3}
    )
    accounts.set_password(rt, people.handler.id, PASSWORD)
    v = visitor()
    assert v.login("zhang", WRONG).status_code == 401
    assert locked(v.login("zhang", WRONG), 120, "2 分钟")
    pin_clock(rt, at(2))
    v.login("zhang", WRONG)
    assert locked(v.login("zhang", WRONG), 180, "3 分钟")  # doubled, but no more than the maximum


def test_blank_fields_are_not_counted(visitor: Callable[..., Visitor], people: People, rt: Runtime) -> None:
    v = visitor()
    for _ in range(10):
        assert v.login("zhang", "").status_code == 401
    assert [e.kind for e in security_log(rt) if e.kind != "token_created"] == []


def test_parallel_guesses_are_judged_one_after_the_other(people: People, rt: Runtime) -> None:
    """Ten wrong passwords at once: five are checked (the fifth locks), five are refused unchecked."""
    accounts.set_password(rt, people.handler.id, PASSWORD)

    def guess(_: int) -> str:
        try:
            accounts.log_in(rt, "zhang", WRONG, ip="10.0.0.9")
        except WorkflowError as exc:
            return exc.code
        return "ok"

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = sorted(pool.map(guess, range(10)))
    assert answers == ["not_authenticated"] * 4 + ["too_many_attempts"] * 6
    kinds = [e.kind for e in security_log(rt)]
    assert (kinds.count("login_failed"), kinds.count("login_locked"), kinds.count("login_blocked")) == (5, 1, 5)
