"""Coupons service: owns coupon campaigns and every coupon a customer holds.

Concurrency rests on unique `_id` inserts only, because FerretDB 1.24 (the local
database) applies a filter-guarded update as an unguarded read-modify-write:
limits are slot documents (`adapters/mongo_limits.py`), each change of a coupon
is a claim document per version that also carries the change's events
(`adapters/mongo_coupon_changes.py`), and hot paths look documents up by `_id`,
since any other filter scans the whole collection there.
"""
