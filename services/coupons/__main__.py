"""`python -m services.coupons`: runs one instance, configured from the environment."""

from c360.entrypoint import run_from_environment
from services.coupons.bootstrap import bootstrap
from services.coupons.settings import CouponsSettings

if __name__ == "__main__":
    run_from_environment("coupons", CouponsSettings, bootstrap)
