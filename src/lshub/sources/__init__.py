"""Sources: parse public open data, keep each raw record staged, load trials."""
