"""Coupons: the coupons section of customer360, campaigns and issuance."""
