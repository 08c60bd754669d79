"""The settings in effect (``playbook config``): each value and where it comes from."""

from __future__ import annotations

from collections.abc import Mapping

from engine.config import KEYS, Config, Setting
from engine.errors import escaped_line
from engine.render.json import versioned

Tables = Mapping[str, Mapping[str, Setting]]  # [serve], [web]: key -> its value and source


def config_text(config: Config, tables: Tables | None = None) -> str:
    lines = [f"playbook.toml: {escaped_line(str(config.file)) if config.file else 'none found'}"]
    width = max(len(k) for k in KEYS)
    for name in KEYS:
        lines.append(_line(name, config.settings[name], width))
    for table, settings in (tables or {}).items():
        lines += ["", f"[{table}]"]
        width = max((len(k) for k in settings), default=0)
        lines += [_line(name, setting, width) for name, setting in settings.items()]
    return "\n".join(lines) + "\n"


def _line(name: str, setting: Setting, width: int) -> str:
    value = escaped_line(setting.value) if setting.value is not None else "-"
    return f"{escaped_line(name):<{width}} = {value}  ({escaped_line(setting.source)})"


def config_json(config: Config, tables: Tables | None = None) -> str:
    return versioned({"file": str(config.file) if config.file else None,
                      "settings": _json(config.settings),
                      **{table: _json(settings) for table, settings in (tables or {}).items()}})


def _json(settings: Mapping[str, Setting]) -> dict[str, dict[str, str | None]]:
    return {name: {"value": s.value, "source": s.source} for name, s in settings.items()}
