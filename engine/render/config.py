"""The settings in effect (``playbook config``): each value and where it comes from."""

from __future__ import annotations

from engine.config import KEYS, Config
from engine.errors import escaped_line
from engine.render.json import versioned


def config_text(config: Config) -> str:
    lines = [f"playbook.toml: {escaped_line(str(config.file)) if config.file else 'none found'}"]
    width = max(len(k) for k in KEYS)
    for name in KEYS:
        setting = config.settings[name]
        value = escaped_line(setting.value) if setting.value is not None else "-"
        lines.append(f"{name:<{width}} = {value}  ({escaped_line(setting.source)})")
    return "\n".join(lines) + "\n"


def config_json(config: Config) -> str:
    return versioned({"file": str(config.file) if config.file else None,
                      "settings": {name: {"value": s.value, "source": s.source}
                                   for name, s in config.settings.items()}})
