"""Reading definitions: a TOML file, or a preset shipped with the bot by its name."""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from services.programmes import errors
from services.programmes.errors import ProgrammeError
from services.programmes.schema import Programme, Programmes

PRESETS_DIR = Path(__file__).with_name("presets")


def load_programme(path: str | Path) -> Programme:
    """Read and validate a definition; any problem raises ProgrammeError naming file and line."""
    path = Path(path)
    return _validated(path, _read(path))


def list_presets() -> list[str]:
    """The ids of the programmes shipped with the bot."""
    return sorted(file.stem for file in PRESETS_DIR.glob("*.toml"))


def preset_path(name: str) -> Path:
    path = PRESETS_DIR / f"{name}.toml"
    if name not in list_presets():
        known = ", ".join(list_presets())
        raise ProgrammeError(path, [f"{path}: no preset {name!r}; presets: {known}"])
    return path


def load_preset(name: str) -> Programme:
    """The preset `name`, validated; its id must be its file's name."""
    path = preset_path(name)
    text = _read(path)
    programme = _validated(path, text)
    if programme.id != name:
        raise ProgrammeError(path, [errors.id_differs(path, text, programme.id, name)])
    return programme


def load_presets(names: Sequence[str]) -> Programmes:
    """The presets PROGRAMME lists, each validated; every problem of every file is reported."""
    problems: list[str] = []
    loaded: list[Programme] = []
    for name in dict.fromkeys(names):
        try:
            loaded.append(load_preset(name))
        except ProgrammeError as error:
            problems.extend(error.problems)
    if problems or not loaded:
        raise ProgrammeError(PRESETS_DIR, problems or ["PROGRAMME names no preset"])
    return Programmes(loaded)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProgrammeError(path, [errors.unreadable(path, exc)]) from exc
    except UnicodeDecodeError as exc:
        raise ProgrammeError(path, [errors.not_utf8(path)]) from exc


def _validated(path: Path, text: str) -> Programme:
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProgrammeError(path, [errors.broken_toml(path, text, exc)]) from exc
    try:
        return Programme.model_validate(data)
    except ValidationError as exc:
        raise ProgrammeError(path, errors.invalid(path, text, exc)) from exc
