"""The browser side of an import: uploaded files become files on disk under their own names (the import log
records the name), then go through the same `import_files` pipeline and mappings as `jianfu ingest`."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from jianfu import settings
from jianfu.ingest.loader import ImportOutcome, import_files


def too_large(uploads: Iterable) -> list[str]:
    """Names of uploads over the `max_upload_mb` setting."""
    limit = float(settings.get("max_upload_mb")) * 1024 * 1024
    return [u.name for u in uploads if u.size > limit]


def import_uploads(
    uploads: list, mapping_upload=None, who: str = "browser", progress: Callable[[str, float], None] | None = None
) -> list[ImportOutcome]:
    """Import uploaded files (objects with `.name` and `.getvalue()`, as st.file_uploader returns), with an
    optional uploaded mapping file used for all of them."""
    with tempfile.TemporaryDirectory(prefix="jianfu-upload-") as folder:
        # one folder per upload: two files of the same name must not overwrite each other
        paths = [_save(upload, Path(folder) / str(i)) for i, upload in enumerate(uploads)]
        mapping = _save(mapping_upload, Path(folder) / "mapping") if mapping_upload is not None else None
        return import_files(paths, mapping=mapping, who=who, progress=progress)


def _save(upload, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / Path(upload.name).name  # a browser may send a path; keep only the file's own name
    path.write_bytes(upload.getvalue())
    return path
