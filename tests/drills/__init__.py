"""Long drills (marker ``slow``): run with ``bash scripts/drills.sh``, not by scripts/test.sh."""
