"""Keeping an uploaded file between the check and the save, under a random name."""

import datetime
import re
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.utils import timezone

from .readers import file_kind

UPLOAD_FOLDER = "imports"


def store_upload(storage: Storage, *, name: str, content: bytes) -> str:
    """Save the file under a random name; only that name is handed around."""
    extension = ".xlsx" if file_kind(name) == "xlsx" else ".csv"
    return storage.save(f"{UPLOAD_FOLDER}/{uuid.uuid4().hex}{extension}", ContentFile(content))


def is_stored_upload_name(name: str) -> bool:
    return bool(re.fullmatch(rf"{UPLOAD_FOLDER}/[0-9a-f]{{32}}\.(csv|xlsx)", name or ""))


def delete_stale_uploads(storage: Storage, *, older_than: datetime.timedelta) -> int:
    """Remove uploads left behind by checks that were never saved or cancelled."""
    try:
        _folders, files = storage.listdir(UPLOAD_FOLDER)
    except FileNotFoundError:
        return 0
    limit = timezone.now() - older_than
    removed = 0
    for file_name in files:
        path = f"{UPLOAD_FOLDER}/{file_name}"
        if is_stored_upload_name(path) and storage.get_created_time(path) < limit:
            storage.delete(path)
            removed += 1
    return removed
