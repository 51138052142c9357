"""Every helper the tests share, one module per concern.

Test modules import helpers from here (never from another test module or a conftest), and
conftest files keep only fixtures, built from these helpers."""
