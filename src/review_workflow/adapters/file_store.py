"""Where attachments' bytes live: content-addressed by SHA-256, written once, never changed.

`FileStore` is the interface the services use. `LocalFileStore` keeps files under a directory as
`<root>/<sha256[:2]>/<sha256>`. An S3-compatible store fits the same interface: `begin` starts a multipart
upload to a temporary key while hashing, `commit` copies it to `<sha256>` (or skips when that key exists)
and deletes the temporary key, `abort` aborts the multipart upload; `open` is a GET, `exists` a HEAD,
`verify` a GET re-hashed, and `path` returns None (downloads then stream through `open`).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO, Protocol

CHUNK = 1024 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class PendingFile(Protocol):
    """A file being written: hashed as it streams in, stored under its hash on `commit`."""

    size: int
    head: bytes  # the first bytes (for sniffing the type)

    def write(self, chunk: bytes) -> None: ...
    def digest(self) -> str: ...  # the SHA-256 of what was written so far
    def commit(self) -> str: ...  # returns the SHA-256; afterwards the file is in the store
    def abort(self) -> None: ...  # nothing of it remains


class FileStore(Protocol):
    def begin(self) -> PendingFile: ...
    def open(self, sha256: str) -> BinaryIO: ...
    def exists(self, sha256: str) -> bool: ...
    def size(self, sha256: str) -> int: ...
    def verify(self, sha256: str) -> bool: ...  # the stored bytes still hash to their name
    def path(self, sha256: str) -> Path | None: ...  # a local path, where there is one (for Range)
    def discard(self, sha256: str) -> None: ...  # only for a file no row refers to (a failed commit)


def put_stream(store: FileStore, chunks: Iterable[bytes]) -> tuple[str, int]:
    """Store everything `chunks` yields; (sha256, size). Nothing remains if the iterator fails."""
    pending = store.begin()
    try:
        for chunk in chunks:
            pending.write(chunk)
    except BaseException:
        pending.abort()
        raise
    return pending.commit(), pending.size


def checked(sha256: str) -> str:
    """A store key is a lower-case SHA-256 and nothing else (never a path)."""
    if not _SHA256.match(sha256):
        raise ValueError(f"not a SHA-256: {sha256!r}")
    return sha256


class _LocalPending:
    def __init__(self, root: Path) -> None:
        self.root = root
        fd, name = tempfile.mkstemp(prefix=".upload-", dir=root)
        self._file = os.fdopen(fd, "wb")
        self._temp = Path(name)
        self._hash = hashlib.sha256()
        self.size = 0
        self.head = b""

    def write(self, chunk: bytes) -> None:
        if len(self.head) < 64:
            self.head += chunk[: 64 - len(self.head)]
        self._hash.update(chunk)
        self._file.write(chunk)
        self.size += len(chunk)

    def digest(self) -> str:
        return self._hash.hexdigest()

    def commit(self) -> str:
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        sha = self._hash.hexdigest()
        final = self.root / sha[:2] / sha
        final.parent.mkdir(exist_ok=True)
        os.replace(self._temp, final)  # atomic: the final name holds the whole file or nothing
        return sha

    def abort(self) -> None:
        self._file.close()
        self._temp.unlink(missing_ok=True)


class LocalFileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, sha256: str) -> Path:
        sha = checked(sha256)
        return self.root / sha[:2] / sha

    def begin(self) -> _LocalPending:
        self.root.mkdir(parents=True, exist_ok=True)
        return _LocalPending(self.root)

    def open(self, sha256: str) -> BinaryIO:
        return self._path(sha256).open("rb")

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).is_file()

    def size(self, sha256: str) -> int:
        return self._path(sha256).stat().st_size

    def verify(self, sha256: str) -> bool:
        digest = hashlib.sha256()
        try:
            with self.open(sha256) as f:
                while chunk := f.read(CHUNK):
                    digest.update(chunk)
        except FileNotFoundError:
            return False
        return digest.hexdigest() == sha256

    def path(self, sha256: str) -> Path | None:
        return self._path(sha256)

    def discard(self, sha256: str) -> None:
        self._path(sha256).unlink(missing_ok=True)

    def temporary_files(self) -> list[Path]:
        """Uploads still being written (or left by a crash): what a cut upload must not leave."""
        return sorted(self.root.glob(".upload-*")) if self.root.is_dir() else []
