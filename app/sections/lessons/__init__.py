"""Lessons: a guided course through multi-task learning for recommenders (texts in `lessons/<lang>/`),
with predict-then-run experiments that open the other sections with a preset loaded."""
SECTION = "lessons"
