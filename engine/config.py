"""Settings written once: a ``playbook.toml`` found as the knowledge base is (the current folder
or its nearest parent that has one), then ``PLAYBOOK_*`` environment variables over it, then the
command's flags over both.

    journal = "journal.sqlite"      # the run journal: a SQLite file or a database URL
    owner = "Иванова Анна"          # who I am: inbox --mine, digest --mine, done --by
    lang = "ru"                     # the language of the output
    map = "crm/mapping.yaml"        # the CRM mapping file of playbook run
    crm_url = "https://agency.bitrix24.ru/crm/deal/details/{crm_id}/"  # a client's CRM link

    [serve]                         # playbook serve (engine/serve/settings.py)
    tokens = ["..."]
    [web]                           # the pages' sign-in (engine/web/settings.py)
    secret_key = "..."

Paths in the file are relative to the file's folder. Tables (``[serve]``, ``[web]``) are read
from here too (``Config.table``) and checked by the parts they configure, which name the file
and line of a mistake (``Config.line``). ``--config FILE`` names the file instead of finding it.
A file with a mistake is refused with the file, line and key named.
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import Diagnostic, DiagnosticsError, Location, did_you_mean, one_of
from engine.vocabulary import LANGUAGES

FILE = "playbook.toml"
KEYS: dict[str, str] = {  # setting -> its environment variable
    "journal": "PLAYBOOK_JOURNAL", "owner": "PLAYBOOK_OWNER", "lang": "PLAYBOOK_LANG",
    "map": "PLAYBOOK_MAP", "crm_url": "PLAYBOOK_CRM_URL",
}
PATHS = ("journal", "map")  # relative to the file they are written in
_AT = re.compile(r"at line (\d+), column (\d+)")


@dataclass(frozen=True)
class Setting:
    value: str | None
    source: str  # "default", "PLAYBOOK_X", a file path (with its line), or "--flag"


@dataclass(frozen=True)
class Config:
    settings: dict[str, Setting]
    file: Path | None  # the playbook.toml found (or named by --config), if any
    tables: dict[str, Any] = field(default_factory=dict)  # [serve], [web]: as written
    text: str = ""  # the file's text, to say on which line a table's key is written

    def get(self, name: str) -> str | None:
        return self.settings[name].value

    def given(self, name: str, value: str | None, flag: str) -> Config:
        """The settings with a flag's value over them (when the flag was given)."""
        if value is None:
            return self
        return Config({**self.settings, name: Setting(value, flag)}, self.file, self.tables,
                      self.text)

    def table(self, name: str) -> dict[str, Any]:
        """A table of the file (``serve``, ``web``) as written: a copy the caller may change;
        empty when the file has none."""
        found = self.tables.get(name)
        return copy.deepcopy(found) if isinstance(found, dict) else {}

    def line(self, *keys: str) -> int:
        """The line of ``keys[-1] =`` in the table ``[keys[:-1]]`` (0: not written there)."""
        table, current = ".".join(keys[:-1]), ""
        for number, text in enumerate(self.text.splitlines(), 1):
            stripped = text.strip()
            if stripped.startswith("["):
                current = stripped.split("#")[0].strip("[] ")
            elif current == table and stripped.split("=")[0].strip().strip('"') == keys[-1]:
                return number
        return 0

    def source(self, *keys: str) -> str:
        """Where a table's key is written: ``FILE:LINE`` (or the file)."""
        line = self.line(*keys)
        return f"{self.file}:{line}" if line else str(self.file)


def find(start: Path | None = None) -> Path | None:
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / FILE).is_file():
            return candidate / FILE
    return None


def in_effect(start: Path | None = None, env: Mapping[str, str] | None = None,
              file: Path | None = None) -> Config:
    """The settings in effect where the user stands (or of ``file``, named by ``--config``);
    a wrong or missing file raises DiagnosticsError."""
    env = os.environ if env is None else env
    if file is not None and not file.is_file():
        raise _error("bad-config", "no such settings file", Location(str(file)),
                     expected="a TOML file such as playbook.toml")
    path = file if file is not None else find(start)
    settings = {name: Setting(None, "default") for name in KEYS}
    tables: dict[str, Any] = {}
    text = ""
    if path is not None:
        found, tables, text = _read(path)
        settings.update(found)
    for name, variable in KEYS.items():
        if env.get(variable):
            settings[name] = Setting(env[variable], variable)
            _check(name, env[variable], Location(variable))
    return Config(settings, path, tables, text)


def _read(path: Path) -> tuple[dict[str, Setting], dict[str, Any], str]:
    import tomllib  # only when there is a file: most commands start without one

    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise _error("bad-config", f"cannot read the settings: {exc}",
                     Location(str(path))) from None
    except tomllib.TOMLDecodeError as exc:
        at = _AT.search(str(exc))
        where = Location(str(path), int(at[1]), int(at[2])) if at else Location(str(path))
        raise _error("bad-config", f"not valid TOML: {_AT.sub('', str(exc)).strip(' ()')}",
                     where, expected="key = \"value\" lines (https://toml.io)") from None
    found = {}
    tables = {}
    for name, value in data.items():
        where = Location(str(path), _line(text, name))
        if isinstance(value, dict):
            tables[name] = value  # a table is another part's: [serve], [web]
            continue
        if name not in KEYS:
            raise _error("unknown-setting", f"unknown setting '{name}'", where,
                         expected=one_of(KEYS), hint=did_you_mean(name, KEYS))
        if not isinstance(value, str) or not value.strip():
            raise _error("bad-setting", f"setting '{name}' must be a text in quotes", where,
                         expected=f'{name} = "..."')
        _check(name, value, where)
        if name in PATHS and "://" not in value:
            value = str((path.parent / value).resolve())
        found[name] = Setting(value, f"{path}:{where.line}" if where.line else str(path))
    return found, tables, text


def _check(name: str, value: str, where: Location) -> None:
    if name == "lang" and value not in LANGUAGES:
        raise _error("bad-setting", f"'{value}' is not a language of playbook", where,
                     expected=one_of(LANGUAGES), hint=did_you_mean(value, LANGUAGES))


def _line(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*\"?{re.escape(key)}\"?\s*=", line):
            return number
    return 0


def _error(code: str, message: str, where: Location, expected: str | None = None,
           hint: str | None = None) -> DiagnosticsError:
    return DiagnosticsError([Diagnostic(code, message, where, expected, hint)])
