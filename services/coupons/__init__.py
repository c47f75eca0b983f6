"""Coupons service: owns coupon campaigns and every coupon a customer holds."""
