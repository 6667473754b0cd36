"""Writing files so that a crash, a full disk or a second Ctrl-C leaves the old file or the new
one, never half of one and never a stray temporary; and naming the storage faults the command
line reports in one line (a full disk, a read-only or unwritable folder)."""
from __future__ import annotations

import errno
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional, Union

# errno -> what the user is told; anything else is a bug or a hardware fault and keeps its traceback.
STORAGE_ERRNOS = {
    errno.ENOSPC: "no space left on device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EFBIG: "file too large for the file system",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.ENOENT: "no such file or directory",
    errno.ENOTDIR: "a parent is not a directory",
}
# While a run is writing, a vanished file is a bug, not the user's disk: those keep their traceback.
WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM}


def storage_problem(err: BaseException, writing: bool = True) -> Optional[str]:
    """``"no space left on device"``-style words for a storage fault, None for anything else.
    ``writing``: only the faults of a write into an existing folder (not ENOENT/ENOTDIR)."""
    if not isinstance(err, OSError) or err.errno not in STORAGE_ERRNOS:
        return None
    if writing and err.errno not in WRITE_ERRNOS:
        return None
    return STORAGE_ERRNOS[err.errno]


def named(err: OSError, path: Union[str, Path]) -> OSError:
    """``err`` again, naming ``path`` (a failed ``write()`` on an open file names no file)."""
    return OSError(err.errno, err.strerror, str(path))


def fsync_dir(path: Path) -> None:
    """Make a rename inside ``path`` durable (no-op where directories cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def atomic_path(path: Union[str, Path]) -> Iterator[Path]:
    """Yield a temporary name next to ``path``; on success it replaces ``path``, on any error or
    interruption it is removed (``with atomic_path(p) as tmp: img.save(tmp)``)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException as err:
        try:
            tmp.unlink()
        except OSError:
            pass
        if isinstance(err, OSError) and err.errno is not None and err.filename in (None, str(tmp)):
            raise named(err, path) from None  # messages name the file the user knows, not the temporary
        raise


def write_bytes_atomic(path: Union[str, Path], data: bytes, durable: bool = False) -> None:
    """Write ``data`` to ``path`` atomically; ``durable``: fsync before the rename."""
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())


def write_text_atomic(path: Union[str, Path], text: str) -> None:
    write_bytes_atomic(path, text.encode())


def unwritable_reason(path: Union[str, Path]) -> Optional[str]:
    """Why a directory at ``path`` could not be created or written, or None when it can.

    Probes the nearest existing ancestor with a temporary file (removed at once), so nothing
    is left behind and no run directory is created just to find out."""
    path = Path(path).expanduser().absolute()
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        return f"'{probe}' is a file, not a folder"
    try:
        fd, name = tempfile.mkstemp(dir=probe, prefix=".ganforge-probe-")
    except OSError as err:
        return f"cannot create files in '{probe}' ({STORAGE_ERRNOS.get(err.errno, err.strerror)})"
    os.close(fd)
    os.unlink(name)
    return None
