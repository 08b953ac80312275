"""What a process does once before it serves: the work of its first request done ahead.

A freshly started web worker spends most of a second on its first request: importing every
view through the URLconf, reading each language's catalog, compiling the templates. `portico
web` runs `warm_up()` in its main process after loading the application, before granian forks
the workers, so every worker, and every worker started again later (its lifetime or memory
limit), begins with all of that in memory.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template import engines
from django.template.utils import get_app_template_dirs
from django.urls import get_resolver
from django.utils.translation import trans_real

import portico

TEMPLATE_SUFFIXES = frozenset({".html", ".txt", ".css"})


def warm_up() -> int:
    """Load the URLconf (every view and its reverse table), the catalogs and Portico's own
    templates (the cached loader keeps them); answers how many templates were compiled. No
    database connection is opened."""
    resolver = get_resolver()
    for _prefix, namespace in [("", resolver), *resolver.namespace_dict.values()]:
        namespace.reverse_dict  # noqa: B018 — builds the reverse table
    for code, _name in settings.LANGUAGES:
        trans_real.translation(code)
    return _compile_templates()


def _compile_templates() -> int:
    root = Path(portico.__file__).resolve().parent
    compiled = 0
    engine = engines["django"]
    directories = [*engine.engine.dirs, *get_app_template_dirs("templates")]  # type: ignore[attr-defined]
    for directory in map(Path, directories):
        if not directory.resolve().is_relative_to(root):
            continue  # the admin's and libraries' templates: compiled when first used
        for path in directory.rglob("*"):
            if path.suffix in TEMPLATE_SUFFIXES and path.is_file():
                engine.get_template(path.relative_to(directory).as_posix())
                compiled += 1
    return compiled
