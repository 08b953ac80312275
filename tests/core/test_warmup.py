"""What `portico web` does before forking its workers (`portico.core.warmup`):
the first request's work done ahead, without touching the database."""

from __future__ import annotations

from django.conf import settings
from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader
from django.utils.translation import trans_real

from portico.core.warmup import warm_up


def test_warm_up_compiles_the_templates_and_loads_the_catalogs_without_a_query() -> None:
    compiled = warm_up()  # no django_db mark: a query would fail the test

    assert compiled > 100  # every template of Portico's apps (not the libraries')
    engine = engines["django"].engine  # type: ignore[attr-defined]
    cached = [loader for loader in engine.template_loaders if isinstance(loader, CachedLoader)]
    if cached:  # DEBUG off: the cached loader keeps what was compiled
        assert "portal/base.html" in cached[0].get_template_cache
    assert {code for code, _ in settings.LANGUAGES} <= set(trans_real._translations)
