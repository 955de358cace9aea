"""In a real browser, on the demo data: 张伟 attaches a photo and a video (a real WebM, recorded by the
browser itself from a canvas) on a case page, sees the photo drawn and the video ready to play, downloads
both; the audit chain, files included, still verifies. Screenshots at 1280 and 390 px."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from review_workflow.config import Settings
from review_workflow.runtime import build_runtime
from review_workflow.services.admin import verify_audit
from review_workflow.services.demo_files import png
from tests.e2e.conftest import PHONE, Server

CASE = "某商店销售无标签食品案"  # the demo's case under notice (its party's window running)

RECORD_WEBM = """async () => {
  const canvas = Object.assign(document.createElement('canvas'), {width: 160, height: 120});
  const ctx = canvas.getContext('2d');
  const recorder = new MediaRecorder(canvas.captureStream(15), {mimeType: 'video/webm;codecs=vp8'});
  const chunks = [];
  recorder.ondataavailable = (e) => chunks.push(e.data);
  const done = new Promise((resolve) => (recorder.onstop = resolve));
  recorder.start();
  for (let i = 0; i < 12; i++) {
    ctx.fillStyle = `hsl(${i * 30}, 80%, 50%)`; ctx.fillRect(0, 0, 160, 120);
    await new Promise((r) => setTimeout(r, 60));
  }
  recorder.stop();
  await done;
  const bytes = new Uint8Array(await new Blob(chunks, {type: 'video/webm'}).arrayBuffer());
  let text = ''; for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text);
}"""


def _attach(page: Any, path: Path, caption: str) -> None:
    form = page.get_by_test_id("attach-form")
    form.locator("input[name=file]").set_input_files(str(path))
    form.locator("input[name=caption]").fill(caption)
    form.get_by_role("button", name="添加材料").click()
    expect(page.locator(".flash")).to_contain_text(f"已添加材料“{path.name}”")


def test_a_photo_and_a_video_attached_on_the_case_page_are_shown_and_downloaded(
    visit: Any, server: Server, artifacts: Path, tmp_path: Path
) -> None:
    handler = visit("zhangwei")
    page = handler.page
    handler.go(f"/cases?q={CASE}")
    page.get_by_role("link", name=CASE).first.click()
    expect(page.get_by_test_id("attachments")).to_contain_text("暂无材料")

    photo = tmp_path / "现场照片.png"
    photo.write_bytes(png(320, 200, (30, 120, 200)))
    video = tmp_path / "现场检查录像.webm"
    video.write_bytes(base64.b64decode(page.evaluate(RECORD_WEBM)))
    assert video.read_bytes()[:4] == b"\x1a\x45\xdf\xa3"  # a WebM (EBML) file, as the browser recorded it
    _attach(page, photo, "货架上的无标签食品")
    _attach(page, video, "现场检查全程录像")

    shown = page.get_by_test_id("attachments")
    img = shown.get_by_test_id("photo")
    expect(img).to_be_visible()
    page.wait_for_function("document.querySelector('[data-testid=photo]').naturalWidth === 320")
    player = shown.get_by_test_id("video")
    expect(player).to_be_visible()
    page.wait_for_function("document.querySelector('[data-testid=video]').readyState >= 1")  # metadata read
    handler.shot(artifacts, "case-records-1280.png")

    for link, original in ((shown.get_by_role("link", name=photo.name), photo), (shown.get_by_role("link", name=video.name), video)):
        with page.expect_download() as info:
            link.click()
        saved = tmp_path / f"downloaded-{original.name}"
        info.value.save_as(saved)
        assert hashlib.sha256(saved.read_bytes()).digest() == hashlib.sha256(original.read_bytes()).digest()

    phone = visit("zhangwei", PHONE)
    phone.go(page.url.removeprefix(server.url))
    expect(phone.page.get_by_test_id("video")).to_be_visible()
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.shot(artifacts, "case-records-390.png")
    assert not handler.errors and not phone.errors

    database = f"sqlite:///{server.log.parent / 'review.db'}"
    rt = build_runtime(Settings(database_url=database, scheduler_enabled=False))
    try:
        assert verify_audit(rt).intact
    finally:
        rt.db.dispose()
