"""Ringkas: shared settings, the job store, the batch script and the command line."""
