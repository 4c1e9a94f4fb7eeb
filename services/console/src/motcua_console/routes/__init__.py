"""The console's routes, one module per screen."""
