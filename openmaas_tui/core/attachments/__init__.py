"""Files attached to a prompt: images read and recognised, and checked against each provider."""
