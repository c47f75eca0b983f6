"""The contract partners read in our docs is the one the service enforces, and the product's."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PRODUCT_CONTRACTS = REPO.parent / "shared" / "contracts"


def test_docs_service_and_product_purchase_schemas_are_identical() -> None:
    docs = (REPO / "docs" / "contracts" / "purchase-event.schema.json").read_text()
    service = (REPO / "services" / "loyalty" / "contracts" / "purchase-event.schema.json").read_text()
    assert docs == service
    assert docs == (PRODUCT_CONTRACTS / "purchase-event.schema.json").read_text()


def test_docs_example_is_the_product_example() -> None:
    docs = (REPO / "docs" / "contracts" / "purchase-event.example.json").read_text()
    assert docs == (PRODUCT_CONTRACTS / "purchase-event.example.json").read_text()
