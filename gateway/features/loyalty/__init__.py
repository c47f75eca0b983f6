"""Points, purchases and metrics: the loyalty sections of customer360 and their mutations."""
