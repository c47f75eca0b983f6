"""Pure rules of campaigns and coupons: no I/O."""
