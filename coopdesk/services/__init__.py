"""Use cases that both the window and the command line call."""
