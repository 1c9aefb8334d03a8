"""The providers' specs, the catalog of models, their capabilities, and the request parameters
a person sets."""
