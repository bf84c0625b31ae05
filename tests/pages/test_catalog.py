"""The shipped Traditional Chinese catalog: every string of the .po is translated, and the
compiled .mo (what Django reads) holds every one of them, so a forgotten compile fails here."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import account_center

LC = Path(account_center.__file__).parent / "locale" / "zh_Hant" / "LC_MESSAGES"


def entries() -> list[tuple[str | None, str, str]]:
    """(context, msgid, first msgstr) of each entry of the .po, the header left out."""
    found = []
    text = (LC / "django.po").read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            match = re.match(r"^(msgctxt|msgid|msgid_plural|msgstr(?:\[0\])?) (\".*\")$", line)
            if match:
                current = match.group(1).replace("[0]", "")
                fields[current] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and current:
                fields[current] += ast.literal_eval(line)
        if fields.get("msgid"):
            found.append((fields.get("msgctxt"), fields["msgid"], fields.get("msgstr", "")))
    return found


def test_every_string_is_translated() -> None:
    missing = [msgid for _, msgid, msgstr in entries() if not msgstr]
    assert len(entries()) > 500 and not missing


def test_the_compiled_catalog_is_current() -> None:
    with (LC / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for context, msgid, msgstr in entries():
        key = f"{context}\x04{msgid}" if context else msgid
        if compiled._catalog.get(key, compiled._catalog.get((key, 0))) != msgstr:  # type: ignore[attr-defined]
            stale.append(msgid)
    assert not stale, stale[:5]


def test_every_string_of_the_code_is_in_the_catalog(tmp_path) -> None:
    """What ``makemessages`` finds in the code (templates included) is in the .po: a string added
    without its translation fails here, not in front of a zh-TW reader."""
    import os
    import shutil
    import subprocess
    import sys

    copy = tmp_path / "account_center"
    shutil.copytree(LC.parents[2], copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hant", "--no-obsolete"],
        cwd=copy,
        # The copy is read as a plain folder: no project settings are needed, nor importable.
        env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        check=True,
        capture_output=True,
    )
    po = (copy / "locale" / "zh_Hant" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    # Entries that makemessages had to add (untranslated) or guess (fuzzy).
    fuzzy = [block for block in po.split("\n\n")[1:] if "#, fuzzy" in block]
    untranslated = re.findall(r'\nmsgid ("[^\n]*"(?:\n"[^\n]*")*)\nmsgstr ""\n(?!")', po + "\n")
    assert not fuzzy and not untranslated, (fuzzy, untranslated)
