"""`python -m services.messaging`: runs one instance, configured from the environment."""

from c360.entrypoint import run_from_environment
from services.messaging.bootstrap import bootstrap
from services.messaging.settings import MessagingSettings

if __name__ == "__main__":
    run_from_environment("messaging", MessagingSettings, bootstrap)
