"""One rule for pages, for every list the services return."""

from __future__ import annotations

from ..core.errors import InvalidInput

MAX_PAGE = 100_000  # far beyond any real list; keeps the offset a number every database accepts
MAX_PAGE_SIZE = 100


def check_page(page: int, page_size: int) -> int:
    """Refuse a page out of range; return the offset of its first row."""
    if not 1 <= page <= MAX_PAGE or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidInput(f"页码须在 1 到 {MAX_PAGE} 之间，每页条数须在 1 到 {MAX_PAGE_SIZE} 之间")
    return (page - 1) * page_size
