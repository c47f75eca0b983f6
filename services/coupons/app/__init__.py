"""Use cases of the coupons service, over repositories and clients wired in bootstrap."""
