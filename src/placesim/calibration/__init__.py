"""Whole-place calibration, kept apart from validation: the targets, the procedure that
sets hazards from published rates, and the page that reports both (``placesim
calibrate``, docs/calibration.md)."""
