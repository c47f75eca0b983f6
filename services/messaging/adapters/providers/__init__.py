"""Delivery providers behind one small interface, one per channel, chosen by configuration."""
