"""Prepared queries (core.prepared, issue 18): built and compiled once, run with new values;
the rows are what the ORM answers for the same queryset."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import QuerySet, signals
from django.db.models.functions import Upper
from django.test.utils import CaptureQueriesContext

from portico.contacts.models import Contact, ContactPerson
from portico.contacts.scope import PortalScope, ScopedQuery
from portico.core.prepared import Prepared
from portico.orgs.models import Organisation

pytestmark = pytest.mark.django_db

built: list[dict[str, Any]] = []


def persons_at(slug: str, contact_id: int) -> QuerySet[ContactPerson]:
    built.append({"slug": slug, "contact_id": contact_id})
    return (
        ContactPerson.objects.filter(organisation__slug=slug, contact_id=contact_id)
        .select_related("contact", "organisation__portal_preferences")
        .order_by("pk")
    )


PERSONS = Prepared(persons_at, slug="\x00sample", contact_id=-5)


def test_rows_are_the_orms_rows_and_the_shape_is_built_once(
    org: Organisation,
    other_org: Organisation,
    customer_a_person: ContactPerson,
    other_org_person: ContactPerson,
) -> None:
    built.clear()
    for person in (customer_a_person, other_org_person, customer_a_person):
        slug, contact_id = person.organisation.slug, person.contact_id
        with CaptureQueriesContext(connection) as queries:
            rows = PERSONS.rows(slug=slug, contact_id=contact_id)
        expected = list(persons_at(slug, contact_id))
        assert [p.pk for p in rows] == [p.pk for p in expected] == [person.pk]
        assert rows[0].contact.display_name == person.contact.display_name
        assert (
            rows[0].organisation.portal_preferences.pk
            == expected[0].organisation.portal_preferences.pk
        )
        assert len(queries) == 1
    # built once with the samples (then once per ORM comparison above)
    assert built.count({"slug": "\x00sample", "contact_id": -5}) == 1
    assert PERSONS.rows(slug="nowhere", contact_id=contact_id) == []


def test_values_dates_and_converters(customer_a: Contact) -> None:
    since = Prepared(
        lambda day, pk: Contact.objects.filter(pk=pk, created_at__date__gte=day).values(
            "pk", "currency"
        ),
        day=datetime.date(1001, 2, 3),
        pk=-7,
    )
    assert since.rows(day=datetime.date(2000, 1, 1), pk=customer_a.pk) == [
        {"pk": customer_a.pk, "currency": customer_a.currency}
    ]
    assert since.rows(day=datetime.date(9000, 1, 1), pk=customer_a.pk) == []


def test_a_sample_that_is_not_a_parameter_is_refused() -> None:
    fixed = Prepared(lambda pk: Contact.objects.filter(pk=1), pk=-9)
    with pytest.raises(ImproperlyConfigured):
        fixed.rows(pk=3)
    with pytest.raises(TypeError):
        PERSONS.rows(slug="x")


def test_a_scoped_query_reads_only_its_customer(
    customer_a_person: ContactPerson, customer_b_person: ContactPerson
) -> None:
    persons = ScopedQuery(
        lambda scope: ContactPerson.objects.filter(
            organisation=scope.organisation, contact=scope.contact
        )
    )
    for person in (customer_a_person, customer_b_person):
        scope = PortalScope(person.organisation, person.contact, person)
        assert [p.pk for p in persons.rows(scope)] == [person.pk]


def test_a_shape_that_matches_nothing_answers_no_rows(customer_a: Contact) -> None:
    empty = Prepared(lambda pk: Contact.objects.filter(pk=pk)[0:0], pk=-3)
    assert empty.rows(pk=customer_a.pk) == []


def test_queries_run_together_answer_their_own_rows_in_one_round_trip(
    customer_a: Contact, customer_a_person: ContactPerson, org: Organisation
) -> None:
    from django.db.models import CharField, F, Value

    from portico.core.prepared import bind, together

    # given queries of different shapes: models with a join, values, a UNION of values, none
    named = Prepared(
        lambda pk: (
            ContactPerson.objects.filter(contact_id=pk)
            .select_related("contact")
            .order_by("-pk")[:5]
        ),
        pk=-11,
    )
    values = Prepared(
        lambda pk: Contact.objects.filter(pk=pk).values("pk", "currency", "created_at"), pk=-12
    )
    text = CharField()
    union = Prepared(
        lambda pk: (
            Contact.objects.filter(pk=pk)
            .order_by()
            .values_list(Value("contact", output_field=text), F("display_name"))
            .union(
                ContactPerson.objects.filter(contact_id=pk)
                .order_by()
                .values_list(Value("person", output_field=text), F("email")),
                all=True,
            )
        ),
        pk=-13,
    )
    ordinary = Contact.objects.filter(organisation=org).order_by("pk").values_list("pk", flat=True)
    queries = (
        named.bound(pk=customer_a.pk),
        values.bound(pk=customer_a.pk),
        union.bound(pk=customer_a.pk),
        bind(ordinary),
        named.bound(pk=-1),  # no rows
        bind(Contact.objects.none()),
    )

    # when they run together
    with CaptureQueriesContext(connection) as captured:
        answered = together(*queries)

    # then each answers what it answers alone, in one query
    assert len(captured) == 1
    alone = [query.rows() for query in queries]
    assert answered == alone
    assert [p.pk for p in answered[0]] == [customer_a_person.pk]
    assert answered[0][0].contact.display_name == customer_a.display_name
    assert answered[1][0]["created_at"] == customer_a.created_at
    assert sorted(answered[2]) == sorted(
        [("contact", customer_a.display_name), ("person", customer_a_person.email)]
    )
    assert answered[3] == list(ordinary) and answered[4] == answered[5] == []


def _fields(instance: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(instance).items() if not k.startswith("_")}


def test_instances_are_made_as_the_orm_makes_them(customer_a_person: ContactPerson) -> None:
    """Instances are made from the rows with the plan worked out at compile time (not
    Django's iteration): the same values and types, related objects, annotations, deferred
    fields; a prefetch still goes through Django's own iteration."""

    def build(pk: int) -> QuerySet[ContactPerson]:
        return (
            ContactPerson.objects.filter(pk=pk)
            .select_related("contact", "organisation")
            .annotate(shouted=Upper("email"))
        )

    annotated = Prepared(build, pk=-11)
    deferred = Prepared(lambda pk: ContactPerson.objects.filter(pk=pk).only("email"), pk=-12)
    prefetched = Prepared(
        lambda pk: Contact.objects.filter(pk=pk).prefetch_related("persons"), pk=-13
    )
    [made] = annotated.rows(pk=customer_a_person.pk)
    [orm] = build(customer_a_person.pk)
    assert _fields(made) == _fields(orm) and made.shouted == customer_a_person.email.upper()
    assert _fields(made.contact) == _fields(orm.contact)
    assert _fields(made.organisation) == _fields(orm.organisation)
    assert made._state.db == "default" and not made._state.adding
    [only] = deferred.rows(pk=customer_a_person.pk)
    assert only.get_deferred_fields() >= {"first_name"} and only.email == customer_a_person.email
    [contact] = prefetched.rows(pk=customer_a_person.contact_id)
    with CaptureQueriesContext(connection) as queries:
        assert customer_a_person in contact.persons.all()
    assert len(queries) == 0


def test_instances_made_without_init_are_the_orms_and_listeners_still_hear_them(
    customer_a: Contact,
) -> None:
    """Instances are made without `Model.__init__` where it would only set the values: a
    country column still goes through its attribute (a `Country`, as the ORM gives), and a
    model someone listens to (`post_init`) is made by Django as before."""
    contacts = Prepared(lambda pk: Contact.objects.filter(pk=pk), pk=-14)
    [made] = contacts.rows(pk=customer_a.pk)
    orm = Contact.objects.get(pk=customer_a.pk)
    assert _fields(made) == _fields(orm) and type(made.billing_country) is type(orm.billing_country)
    assert made._state.db == "default" and not made._state.adding and made == orm
    heard: list[Any] = []

    def listener(sender: type, instance: Any, **kwargs: Any) -> None:
        heard.append(instance)

    signals.post_init.connect(listener, sender=Contact)
    try:
        [again] = contacts.rows(pk=customer_a.pk)
    finally:
        signals.post_init.disconnect(listener, sender=Contact)
    assert heard == [again] and _fields(again) == _fields(orm)


def test_values_rows_are_the_orms(customer_a: Contact) -> None:
    def build(pk: int) -> QuerySet[Any]:
        return Contact.objects.filter(pk=pk).annotate(shouted=Upper("display_name"))

    for shape in (("display_name", "shouted", "created_at"), ("pk",)):
        prepared = Prepared(lambda pk, shape=shape: build(pk).values(*shape), pk=-15)
        assert prepared.rows(pk=customer_a.pk) == list(build(customer_a.pk).values(*shape))
