"""What the tests share beyond fixtures: helpers to drive the app and to serve it."""
