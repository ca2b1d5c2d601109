"""``regionopt config``: every parameter with its default and meaning, as a TOML file."""

from __future__ import annotations

from regionopt.cli._app import ConfigOption, app, friendly_errors
from regionopt.config import Config, load_config


def config_as_toml(cfg: Config) -> str:
    """The configuration as commented TOML (each key with its description)."""
    lines: list[str] = []
    for section, model in cfg:
        lines.append(f"[{section}]")
        for key, field in type(model).model_fields.items():
            value = getattr(model, key)
            if value is None:
                lines.append(f"# {key} =   (unset)")
            elif isinstance(value, bool):
                lines.append(f"{key} = {str(value).lower()}")
            elif isinstance(value, tuple):
                lines.append(f"{key} = [{', '.join(repr(v) for v in value)}]")
            else:
                lines.append(f"{key} = {value!r}")
            if field.description:
                lines.append(f"#   {field.description}")
        lines.append("")
    return "\n".join(lines)


@app.command("config")
@friendly_errors
def config_command(config: ConfigOption = None) -> None:
    """Print every parameter (defaults, or those of --config) as TOML you can edit."""
    print(config_as_toml(load_config(config)))
