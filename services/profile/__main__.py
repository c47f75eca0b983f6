"""`python -m services.profile`: runs one instance, configured from the environment."""

from c360.entrypoint import run_from_environment
from services.profile.bootstrap import bootstrap
from services.profile.settings import ProfileSettings

if __name__ == "__main__":
    run_from_environment("profile", ProfileSettings, bootstrap)
