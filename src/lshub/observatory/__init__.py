"""The observatory: indicator definitions, geographies, observations and derived figures."""
