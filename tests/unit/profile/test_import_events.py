"""A staged registration rebuilt after a crash is the very event the import would have published."""

from __future__ import annotations

from datetime import UTC, datetime

from customer360.events.v1 import profile_events_pb2

from c360.events import parse_envelope, unpack
from services.profile.adapters.import_outbox import StagedEvent
from services.profile.app.import_customers import ImportCustomers, registration_rebuilder
from services.profile.domain.customer import ProfileRules, Registration, new_customer
from services.profile.proto_mapping import customer_registered

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
TOPIC = "profile.events"


def test_a_rebuilt_registration_is_the_event_the_import_built_id_time_actor_trace_and_all() -> None:
    customer = new_customer(Registration(first_name="Ana", mobile="081234567890"), ProfileRules(), "c1", NOW, "ABC2345")
    imports = ImportCustomers(None, None, None, ProfileRules(), TOPIC, None)  # type: ignore[arg-type]
    built = imports._event(customer, customer_registered(customer), "import:j1", NOW)
    built_envelope = parse_envelope(built.value)
    staged = StagedEvent(built.event_id, "import:j1", NOW, built.correlation_id, {"traceparent": "00-ab-cd-01"})

    rebuilt = registration_rebuilder(TOPIC)(customer, staged)

    assert parse_envelope(rebuilt.value) == built_envelope
    assert (rebuilt.event_id, rebuilt.topic, rebuilt.key) == (built.event_id, TOPIC, "c1")
    assert rebuilt.trace_headers == {"traceparent": "00-ab-cd-01"}
    payload = unpack(parse_envelope(rebuilt.value), profile_events_pb2.CustomerRegistered)
    assert payload is not None
    assert (payload.customer.id, payload.customer.mobile) == ("c1", "+6281234567890")
