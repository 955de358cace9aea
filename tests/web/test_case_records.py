"""The case page's materials: attach through the page's form (CSRF as everywhere), see photos and videos in
place, play a video in pieces (Range), download; a bad file is refused on the page; the 调阅 log is shown
to supervisors and heads, not to the handler."""

from __future__ import annotations

import re
from collections.abc import Callable

from review_workflow.runtime import Runtime
from review_workflow.services.access_log import read as read_log
from tests.api.records import attachment_count, mp4, png, stored_files
from tests.conftest import People
from tests.web.conftest import Visitor, csrf_of, submitted_case, text_of


def attach(v: Visitor, case_id: int, name: str, content: bytes, caption: str = "", token: str | None = None) -> object:
    token = token if token is not None else csrf_of(v.get(f"/cases/{case_id}").text)
    return v.client.post(
        f"/cases/{case_id}/attachments",
        data={"csrf_token": token, "caption": caption},
        files={"file": (name, content, "application/octet-stream")},
        follow_redirects=True,
    )


def test_a_photo_and_a_video_attached_on_the_page_are_shown_played_and_downloaded(
    rt: Runtime, people: People, visitor: Callable[..., Visitor]
) -> None:
    case = submitted_case(rt, people)
    handler = visitor(people.handler)
    r = attach(handler, case.id, "现场照片.png", png(), "货架")
    assert r.status_code == 200 and "已添加材料“现场照片.png”" in text_of(r.text)  # type: ignore[attr-defined]
    video = mp4(256 * 1024)
    attach(handler, case.id, "检查录像.mp4", video, "现场检查全程")
    page = handler.get(f"/cases/{case.id}").text
    [img] = re.findall(r'<img src="([^"]+)"[^>]*data-testid="photo"', page)
    [src] = re.findall(r'<video controls preload="metadata" src="([^"]+)"', page)
    assert handler.get(img).content == png() and handler.get(img).headers["content-type"] == "image/png"
    piece = handler.get(src, headers={"Range": "bytes=1000-1999"})
    assert piece.status_code == 206 and piece.content == video[1000:2000]
    assert piece.headers["content-range"] == f"bytes 1000-1999/{len(video)}"
    got = handler.get(src + "?download=true")
    assert got.content == video and got.headers["content-disposition"].startswith("attachment;")
    assert "调阅记录" not in page  # the handler does not read the log

    log = read_log(rt, people.agency_head.id, case.id).data
    # newest first; the Range piece that did not start at 0 is the same playback, not a new view
    assert [(e.action, e.title) for e in log] == [
        ("download", "检查录像.mp4"), ("view", "现场照片.png"), ("view", "现场照片.png")
    ]
    head_page = visitor(people.agency_head).get(f"/cases/{case.id}").text
    assert "调阅记录" in head_page and "检查录像.mp4" in text_of(head_page)


def test_a_bad_file_or_a_missing_token_on_the_page_saves_nothing(
    rt: Runtime, people: People, visitor: Callable[..., Visitor]
) -> None:
    case = submitted_case(rt, people)
    handler = visitor(people.handler)
    r = attach(handler, case.id, "程序.png", b"MZ" + b"\0" * 500)
    assert r.status_code == 415 and "材料未保存" in text_of(r.text)  # type: ignore[attr-defined]
    r = attach(handler, case.id, "../照片.png", png())
    assert r.status_code == 422 and "文件名不能包含路径" in text_of(r.text)  # type: ignore[attr-defined]
    assert attach(handler, case.id, "照片.png", png(), token="forged").status_code == 403  # type: ignore[attr-defined]
    assert attachment_count(rt) == 0 and stored_files(rt) == []


def test_the_supervisor_sees_the_materials_but_has_no_form_to_add_them(
    rt: Runtime, people: People, visitor: Callable[..., Visitor]
) -> None:
    case = submitted_case(rt, people)
    attach(visitor(people.handler), case.id, "现场照片.png", png())
    page = visitor(people.supervisor).get(f"/cases/{case.id}").text
    assert 'data-testid="photo"' in page and 'data-testid="attach-form"' not in page and "调阅记录" in page
