"""The live customerTimeline subscription, fed by the profile service's `profile.timeline` topic."""
