"""Query shapes built and compiled once per process, run with new values on every request.

Django builds a queryset (resolving every lookup and expression) and compiles it to SQL on
every evaluation. For the few queries every portal page runs, only the values change from one
request to the next, never the shape, and building plus compiling cost several times more than
running the SQL (issue 18: most of a page's time). A `Prepared` query is built once, with a
sample value for each argument, compiled once per thread and database connection; each call
puts the new values where the samples were and runs the same SQL, through Django's own result
iteration (model instances, `select_related`, `prefetch_related`, `.values()` rows, converters).

    persons_of = Prepared(
        lambda user_id: ContactPerson.objects.filter(user_id=user_id).select_related("contact"),
        user_id=-90_001,
    )
    persons = persons_of.rows(user_id=user.pk)

Rules (checked when the shape is compiled, so a misuse fails in the first test that runs it):
each argument is a scalar (int, str, date, UUID, Decimal) that appears as a query parameter,
and its sample value appears nowhere else in the query. Anything that changes the SQL itself (a
list's length, LIMIT/OFFSET, an optional filter) is part of the shape: build one `Prepared` per
variant, or pass the variant as the `shape` key (`rows(shape=("link",), ...)`), which builds
and compiles that variant once as well. Filters and slices chained onto a prepared query are not
possible: `rows()` answers a list.

Several prepared queries of one page run in one round trip with `together` (a UNION ALL of
the queries, each in columns of its own): `bound()` gives a query with its values, unrun; a
selector answers a `Read` (the bound query and what to make of its rows), and a page runs its
reads with `read_together`.
"""

from __future__ import annotations

import copy
import datetime
import inspect
import threading
import uuid
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet, signals
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query import ModelIterable, ValuesIterable, get_related_populators
from django.db.models.query_utils import DeferredAttribute
from django.utils import timezone

T = TypeVar("T")
MAX_SHAPES = 512
"""Compiled variants one prepared query keeps per thread."""
Adapt = Callable[[Any], Any]


def _same(value: Any) -> Any:
    return value


def _text(value: Any) -> str:
    return str(value)


def _hex(value: Any) -> str:
    return value.hex if isinstance(value, uuid.UUID) else uuid.UUID(str(value)).hex


def _naive_text(value: datetime.datetime) -> str:
    return str(timezone.make_naive(value, connections[DEFAULT_DB_ALIAS].timezone))


ADAPTERS: tuple[Adapt, ...] = (_same, _text, _hex, _naive_text)
"""How a backend may pass a value to the driver: as it is, as text (dates and decimals on
SQLite), as 32 hex digits (UUIDs on SQLite), as text in the database's time zone (aware
datetimes on SQLite)."""


@dataclass(frozen=True)
class _Slot:
    name: str
    positions: tuple[int, ...]
    adapt: Adapt


@dataclass(frozen=True)
class _Compiled:
    queryset: QuerySet[Any]
    compiler: Any
    sql: str
    params: tuple[Any, ...]
    slots: tuple[_Slot, ...]
    width: int
    """How many columns the SQL answers."""
    converters: dict[tuple[int, ...], Any] = field(default_factory=dict)
    """The compiler's result converters per selected columns, looked up once (on every
    evaluation Django asks the backend and each column's field again)."""
    instances: _Instances | _Values | None = None
    """How rows become model instances or `.values()` dictionaries, worked out once; None for
    any other kind of rows (a prefetch, `.values_list()`), which go through Django's own result
    iteration."""

    @classmethod
    def of(
        cls,
        queryset: QuerySet[Any],
        compiler: Any,
        sql: str,
        params: tuple[Any, ...],
        slots: tuple[_Slot, ...],
    ) -> _Compiled:
        instances = _Instances.of(queryset, compiler) or _Values.of(queryset, compiler)
        return cls(queryset, compiler, sql, params, slots, _width(compiler), instances=instances)

    def get_converters(self, expressions: list[Any]) -> Any:
        key = tuple(map(id, expressions))
        found = self.converters.get(key)
        if found is None:
            found = self.converters[key] = self.compiler.get_converters(expressions)
        return found


class Prepared(Generic[T]):
    """`build(**arguments)` answers the queryset; `samples` gives one sample per argument."""

    def __init__(self, build: Callable[..., QuerySet[Any]], **samples: Any) -> None:
        self.build = build
        self.samples = samples
        self._local = threading.local()

    def rows(self, *, shape: Hashable = None, **values: Any) -> list[T]:
        """The rows of the query with `values` in place of the samples."""
        return self.bound(shape=shape, **values).rows()

    def bound(self, *, shape: Hashable = None, **values: Any) -> Bound[T]:
        """The query with `values` in place of the samples, not run yet (see `together`)."""
        if values.keys() != self.samples.keys():
            raise TypeError(f"expected the arguments {sorted(self.samples)}, got {sorted(values)}")
        compiled = self._compiled(shape)
        if compiled is None:
            return Bound(None, ())  # a shape that can match nothing (an empty slice, `.none()`)
        params = list(compiled.params)
        for slot in compiled.slots:
            value = slot.adapt(values[slot.name])
            for position in slot.positions:
                params[position] = value
        return Bound(compiled, tuple(params))

    def first(self, *, shape: Hashable = None, **values: Any) -> T | None:
        found = self.rows(shape=shape, **values)
        return found[0] if found else None

    def _compiled(self, shape: Hashable) -> _Compiled | None:
        # Per thread (a compiler holds its thread's connection) and per connection.
        cache: dict[tuple[Hashable, int], _Compiled | None]
        cache = self._local.__dict__.setdefault("cache", {})
        key = (shape, id(connections[DEFAULT_DB_ALIAS]))
        if key in cache:
            return cache[key]
        if len(cache) >= MAX_SHAPES:
            cache.clear()  # many variants (a long list's pages): start again
        arguments = self.samples if shape is None else {"shape": shape, **self.samples}
        found = cache[key] = self._compile(self.build(**arguments))
        return found

    def _compile(self, queryset: QuerySet[Any]) -> _Compiled | None:
        found = _compile(queryset)
        if found is None:
            return None
        compiler, sql, params = found
        slots = []
        taken: set[int] = set()
        for name, sample in self.samples.items():
            for adapt in ADAPTERS:
                try:
                    wanted = adapt(sample)
                except (TypeError, ValueError, AttributeError):
                    continue
                positions = tuple(
                    i for i, p in enumerate(params) if type(p) is type(wanted) and p == wanted
                )
                if positions:
                    break
            if not positions:
                raise ImproperlyConfigured(
                    f"{self.build!r}: the sample {name}={sample!r} is not a parameter of {sql}"
                )
            if taken & set(positions):
                raise ImproperlyConfigured(f"{self.build!r}: samples share a value ({name})")
            taken |= set(positions)
            slots.append(_Slot(name, positions, adapt))
        return _Compiled.of(queryset, compiler, sql, params, tuple(slots))


def _compile(queryset: QuerySet[Any]) -> tuple[Any, str, tuple[Any, ...]] | None:
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    return compiler, sql, tuple(params)


def _width(compiler: Any) -> int:
    """The columns the compiled SQL answers; 0 when they are not only the selected ones (the
    ordering's extra columns), which `together` then runs alone."""
    return 0 if compiler.has_extra_select else len(compiler.select)


def bind(queryset: QuerySet[Any]) -> Bound[Any]:
    """An ordinary queryset as a `Bound` query (compiled now, for this call only), so that it
    can run in a `together` with prepared ones."""
    found = _compile(queryset)
    if found is None:
        return Bound(None, ())
    compiler, sql, params = found
    return Bound(_Compiled.of(queryset, compiler, sql, params, ()), params)


@dataclass(frozen=True)
class Bound(Generic[T]):
    """A compiled query with this call's parameters: run alone by `rows()`, or with others in
    one round trip by `together`."""

    compiled: _Compiled | None
    params: tuple[Any, ...]

    def rows(self, fetched: list[tuple[Any, ...]] | None = None) -> list[T]:
        """The rows, through Django's own result iteration; `fetched`: the raw rows already
        read (by `together`) instead of running the SQL."""
        if self.compiled is None:
            return []
        instances = self.compiled.instances
        if instances is None:
            queryset = self.compiled.queryset.all()
            pinned = _Pinned(self.compiled, self.params, fetched)
            queryset.query.get_compiler = pinned  # type: ignore[method-assign]
            return list(queryset)
        if fetched is None:
            with connections[instances.db].cursor() as cursor:
                cursor.execute(self.compiled.sql, self.params)
                fetched = cursor.fetchall()
        return instances.make(fetched)


def _selected(compiler: Any) -> list[Any]:
    """The expressions of the columns a compiled query answers (its ordering's extra ones
    left out), as Django's result iteration takes them."""
    return [column[0] for column in compiler.select[: compiler.col_count]]


@dataclass(frozen=True)
class _Instances:
    """Model instances from a compiled query's rows, as Django's `ModelIterable` makes them
    (`from_db`, `select_related`'s populators, annotations), with everything that depends only
    on the query's shape worked out once: Django works it out again on every evaluation, which
    costs a page's small queries as much as running them."""

    db: str
    maker: _Maker
    init_list: tuple[str, ...]
    start: int
    end: int
    populators: tuple[Any, ...]
    annotations: tuple[tuple[str, int], ...]
    compiler: Any
    converters: Any

    @classmethod
    def of(cls, queryset: Any, compiler: Any) -> _Instances | None:
        """The plan for `queryset` compiled by `compiler`, or None where Django's own iteration
        does more than make instances (values rows, prefetches, a related manager's known
        objects, composite fields)."""
        fields = _selected(compiler)
        if (
            queryset._iterable_class is not ModelIterable
            or queryset._prefetch_related_lookups
            or queryset._known_related_objects
            or compiler.has_composite_fields(fields)
            or not compiler.klass_info
        ):
            return None
        klass_info, select = compiler.klass_info, compiler.select
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        init_list = tuple(column[0].target.attname for column in select[start:end])
        return cls(
            db=queryset.db,
            maker=_Maker.of(klass_info["model"], init_list),
            init_list=init_list,
            start=start,
            end=end,
            populators=_made_quickly(
                # The stubs describe a later Django's signature (a fetch mode argument).
                get_related_populators(klass_info, select, queryset.db)  # type: ignore[call-arg]
            ),
            annotations=tuple((compiler.annotation_col_map or {}).items()),
            compiler=compiler,
            converters=compiler.get_converters(fields),
        )

    def make(self, fetched: list[tuple[Any, ...]]) -> list[Any]:
        found = []
        make = self.maker.quick()
        for row in _converted(self.compiler, self.converters, fetched):
            instance = make(self.db, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, instance)
            for name, position in self.annotations:
                setattr(instance, name, row[position])
            found.append(instance)
        return found


@dataclass(frozen=True)
class _Values:
    """`.values()` dictionaries from a compiled query's rows, as Django's `ValuesIterable`
    makes them, the names and converters worked out once."""

    db: str
    names: tuple[str, ...]
    compiler: Any
    converters: Any

    @classmethod
    def of(cls, queryset: Any, compiler: Any) -> _Values | None:
        fields = _selected(compiler)
        query = queryset.query
        if (
            queryset._iterable_class is not ValuesIterable
            or queryset._prefetch_related_lookups
            or compiler.has_extra_select
            or compiler.has_composite_fields(fields)
        ):
            return None
        names = query.selected or (
            *query.extra_select,
            *query.values_select,
            *query.annotation_select,
        )
        return cls(queryset.db, tuple(names), compiler, compiler.get_converters(fields))

    def make(self, fetched: list[tuple[Any, ...]]) -> list[Any]:
        names = self.names
        rows = _converted(self.compiler, self.converters, fetched)
        return [dict(zip(names, row, strict=True)) for row in rows]


def _converted(compiler: Any, converters: Any, fetched: list[tuple[Any, ...]]) -> Any:
    """The rows with the compiler's converters applied (dates, decimals, UUIDs on SQLite)."""
    return compiler.apply_converters(fetched, converters) if converters else fetched


_PLAIN_ATTRIBUTES = (type(None), DeferredAttribute, ForeignKeyDeferredAttribute)


@dataclass(frozen=True)
class _Maker:
    """`model.from_db` for one query's columns, made without `Model.__init__` where all that
    would do is set each value (4-5 times quicker; a list page makes 25 instances): the model
    and its bases keep Django's `__init__` and `from_db`, and nothing listens to the model's
    init signals. A plain field's value goes straight into the instance's `__dict__` (a foreign
    key's id would clear only a cached object, and a new instance has none); a column whose
    attribute does more when set (a country, a file) is set through it, as `__init__` does."""

    model: type[Model]
    django_init: bool
    through: frozenset[str]
    """The columns set through their attribute."""

    @classmethod
    def of(cls, model: type[Model], names: Sequence[str]) -> _Maker:
        kept = {"__init__": Model.__init__, "from_db": Model.__dict__["from_db"]}
        own = model.__mro__[: model.__mro__.index(Model)]
        return cls(
            model,
            django_init=all(base.__dict__.get(k, v) is v for base in own for k, v in kept.items()),
            through=frozenset(
                name
                for name in names
                if type(inspect.getattr_static(model, name, None)) not in _PLAIN_ATTRIBUTES
            ),
        )

    def quick(self) -> Callable[[str, Sequence[str], Sequence[Any]], Model]:
        """How to make the instances now: `made`, or Django's `from_db` where it would do more
        (checked once for a query's rows)."""
        model = self.model
        if (
            not self.django_init
            or signals.pre_init.has_listeners(model)
            or signals.post_init.has_listeners(model)
        ):
            return model.from_db
        return self.made

    def from_db(self, db: str, names: Sequence[str], values: Sequence[Any]) -> Model:
        """As `model.from_db` (a populator's call, one related instance)."""
        return self.quick()(db, names, values)

    def made(self, db: str, names: Sequence[str], values: Sequence[Any]) -> Model:
        model = self.model
        instance = model.__new__(model)
        state = instance._state = ModelState()
        state.adding, state.db = False, db
        if not self.through:
            instance.__dict__.update(zip(names, values, strict=True))
            return instance
        for name, value in zip(names, values, strict=True):
            if name in self.through:
                setattr(instance, name, value)
            else:
                instance.__dict__[name] = value
        return instance


def _made_quickly(populators: list[Any]) -> tuple[Any, ...]:
    """`select_related`'s populators (Django's own), each making its instances with a
    `_Maker` (they call `model_cls.from_db`)."""
    for populator in populators:
        populator.model_cls = _Maker.of(populator.model_cls, populator.init_list)
        _made_quickly(populator.related_populators)
    return tuple(populators)


MAX_BATCHES = 256


@dataclass(frozen=True)
class _Batch:
    sql: str
    typing_row: bool
    """Whether the SQL starts with the row that gives PostgreSQL each column's type (its
    parameters then come twice)."""


_batches: dict[tuple[str, ...], _Batch] = {}
"""The combined SQL per database and parts' SQL (`together`)."""


def together(*queries: Bound[Any]) -> list[list[Any]]:
    """The rows of each query, as `query.rows()` would answer them, read in one round trip.

    The queries run as one UNION ALL: part i answers its number, then NULL in the columns of
    the other parts and its own columns in its place (so no column mixes two queries' types),
    each part a subquery that keeps its own ORDER BY and LIMIT. Both databases run the parts of
    a UNION ALL one after another and answer each part's rows in its own order. The combined
    SQL is made once per set of shapes."""
    parts = [q for q in queries if q.compiled is not None and q.compiled.width]
    if len(parts) < 2:
        return [q.rows() for q in queries]
    compiled = [q.compiled for q in parts if q.compiled is not None]
    connection = connections[DEFAULT_DB_ALIAS]
    key = (connection.vendor, *(c.sql for c in compiled))
    widths = [c.width for c in compiled]
    batch = _batches.get(key)
    if batch is None:
        if len(_batches) >= MAX_BATCHES:
            _batches.clear()
        typed = connection.vendor == "postgresql"
        batch = _Batch(_union([c.sql for c in compiled], widths, typing_row=typed), typed)
    params = tuple(p for q in parts for p in q.params)
    with connection.cursor() as cursor:
        cursor.execute(batch.sql, params + params if batch.typing_row else params)
        fetched = cursor.fetchall()
        if key not in _batches:
            _batches[key] = _typed(batch, cursor, [c.sql for c in compiled], widths)
    starts = [1 + sum(widths[:n]) for n in range(len(parts))]
    split: list[list[tuple[Any, ...]]] = [[] for _ in parts]
    for row in fetched:
        number = row[0]
        start = starts[number]
        split[number].append(row[start : start + widths[number]])
    answers = {id(q): q.rows(rows) for q, rows in zip(parts, split, strict=True)}
    return [answers[id(q)] if id(q) in answers else q.rows() for q in queries]


def _union(
    sqls: list[str], widths: list[int], *, typing_row: bool = False, types: Sequence[str] = ()
) -> str:
    """`together`'s SQL: only Django's compiled SQL of each part, every value a parameter.
    `types`: each column's PostgreSQL type, given to the NULLs that stand in for it."""
    total, before, selects = sum(widths), 0, []
    if typing_row:
        # PostgreSQL types a UNION's columns pair by pair from the left, and two NULLs make
        # text: a first part that answers no row gives every column its query's type.
        every = ", ".join(f"({sql}) part{n}" for n, sql in enumerate(sqls))
        columns = ", ".join(f"part{n}.*" for n in range(len(sqls)))
        selects.append(f"SELECT -1, {columns} FROM {every} WHERE false")  # noqa: S608
    nulls = [f"NULL::{name}" for name in types] or ["NULL"] * total
    for number, (sql, width) in enumerate(zip(sqls, widths, strict=True)):
        columns = ", ".join(
            [str(number), *nulls[:before], f"part{number}.*", *nulls[before + width :]]
        )
        selects.append(f"SELECT {columns} FROM ({sql}) part{number}")  # noqa: S608
        before += width
    return " UNION ALL ".join(selects)


def _typed(batch: _Batch, cursor: Any, sqls: list[str], widths: list[int]) -> _Batch:
    """The batch without its typing row once its first run told each column's type: the row
    doubled the work of planning the query (PostgreSQL plans every part in it too). Kept as it
    is when a column's type has no plain name (a type the driver does not know)."""
    if not batch.typing_row:
        return batch
    known = cursor.cursor.adapters.types
    types = []
    for column in cursor.description[1:]:
        info = known.get(column.type_code)
        if info is None or info.oid != column.type_code:
            return batch
        types.append(info.name)
    return _Batch(_union(sqls, widths, types=types), typing_row=False)


def attach(instance: Model, name: str, rows: list[Any]) -> None:
    """Give `instance.<name>.all()` these rows without a query, as `prefetch_related` would:
    for a reverse foreign key or a many-to-many read by a prepared query of its own (a
    prefetch builds and compiles its query again on every call). Filters chained onto the
    manager still query."""
    manager: Any = getattr(instance, name)
    queryset = manager.get_queryset()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    if hasattr(manager, "prefetch_cache_name"):  # many-to-many
        key = manager.prefetch_cache_name
    else:
        key = manager.field.remote_field.cache_name
        for row in rows:
            manager.field.set_cached_value(row, instance)
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[key] = queryset


R = TypeVar("R")
S = TypeVar("S")


class Read(Generic[R]):
    """A selector's answer made from one bound query's rows (or from other reads' answers,
    `Read.of`): run alone (`run()`), or with a page's other reads in one round trip
    (`read_together`)."""

    def __init__(self, query: Bound[Any], answer: Callable[[list[Any]], R]) -> None:
        self.queries: tuple[Bound[Any], ...] = (query,)
        self._answer: Callable[[list[list[Any]]], R] = lambda found: answer(found[0])

    @classmethod
    def of(cls, reads: tuple[Read[Any], ...], answer: Callable[..., R]) -> Read[R]:
        """One answer made from several reads' answers, their queries run with the others."""
        read: Read[R] = cls.__new__(cls)
        read.queries = tuple(query for part in reads for query in part.queries)

        def answered(found: list[list[Any]]) -> R:
            answers, at = [], 0
            for part in reads:
                answers.append(part.answer(found[at : at + len(part.queries)]))
                at += len(part.queries)
            return answer(*answers)

        read._answer = answered
        return read

    def answer(self, found: list[list[Any]]) -> R:
        """The answer from the rows of each of `queries`."""
        return self._answer(found)

    def run(self) -> R:
        return self.answer(together(*self.queries))

    def then(self, answer: Callable[[R], S]) -> Read[S]:
        """The same queries, the answer passed through `answer`."""
        return Read.of((self,), answer)


def read_together(*reads: Read[Any]) -> list[Any]:
    """Each read's answer, in order, from one round trip (`together`)."""
    return Read.of(reads, lambda *answers: list(answers)).run()


class _Pinned:
    """`Query.get_compiler` of a prepared query: a copy of the compiled compiler whose SQL is
    the prepared SQL with this call's parameters, and whose converters are the compiled ones."""

    def __init__(
        self,
        compiled: _Compiled,
        params: tuple[Any, ...],
        fetched: list[tuple[Any, ...]] | None = None,
    ) -> None:
        self.compiled = compiled
        self.params = params
        self.fetched = fetched

    def __call__(self, using: Any = None, connection: Any = None, elide_empty: bool = True) -> Any:
        pinned = copy.copy(self.compiled.compiler)
        sql, params = self.compiled.sql, self.params
        pinned.as_sql = lambda *args, **kwargs: (sql, params)
        pinned.get_converters = self.compiled.get_converters
        fetched = self.fetched
        if fetched is not None:
            # Rows already read: the one chunk the compiler's MULTI result would have given.
            pinned.execute_sql = lambda *args, **kwargs: [fetched] if fetched else []
        return pinned
