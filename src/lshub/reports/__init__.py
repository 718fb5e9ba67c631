"""The fact sheet: the region's life-sciences briefing rebuilt from data, in HTML, PDF and JSON."""
