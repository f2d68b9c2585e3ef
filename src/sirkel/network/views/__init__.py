"""Network views, split by part: register and map, snapshots and metrics, import and export."""
