"""Reading derived state (written by workers/)."""
