"""`python -m services.loyalty`: runs one instance, configured from the environment."""

from c360.entrypoint import run_from_environment
from services.loyalty.bootstrap import bootstrap
from services.loyalty.settings import LoyaltySettings

if __name__ == "__main__":
    run_from_environment("loyalty", LoyaltySettings, bootstrap)
