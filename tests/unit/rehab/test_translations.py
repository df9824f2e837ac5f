from pathlib import Path

from django.conf import settings


def entries(po_text: str):
    """(msgid, msgstr, flags) of each entry of a .po file, multi-line strings joined."""
    blocks = po_text.split("\n\n")
    for block in blocks[1:]:  # the header comes first
        lines = [line for line in block.splitlines() if line and not line.startswith("#~")]
        flags = " ".join(line for line in lines if line.startswith("#,"))
        current, fields = None, {"msgid": "", "msgstr": ""}
        for line in lines:
            if line.startswith("#"):
                continue
            if line.startswith(("msgid ", "msgstr ", "msgid_plural ", "msgstr[")):
                key, _, rest = line.partition(" ")
                current = "msgstr" if key.startswith("msgstr") else key
                fields[current] = fields.get(current, "") + rest.strip('"')
            elif line.startswith('"') and current:
                fields[current] += line.strip('"')
        if fields["msgid"]:
            yield fields["msgid"], fields["msgstr"], flags


def test_every_swedish_message_is_translated_and_compiled():
    po = Path(settings.BASE_DIR) / "locale/sv/LC_MESSAGES/django.po"
    problems = [
        msgid for msgid, msgstr, flags in entries(po.read_text()) if not msgstr or "fuzzy" in flags
    ]
    assert problems == []
    assert po.with_suffix(".mo").exists()


def test_the_swedish_texts_call_the_citizen_medborgare():
    po = Path(settings.BASE_DIR) / "locale/sv/LC_MESSAGES/django.po"
    assert [
        msgstr for _msgid, msgstr, _flags in entries(po.read_text()) if "brukar" in msgstr.lower()
    ] == []
