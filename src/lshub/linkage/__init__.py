"""Entity resolution: records from sources resolved onto the registry's organisations."""
