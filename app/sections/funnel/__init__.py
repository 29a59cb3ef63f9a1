"""The funnel explorer: CVR models on impression → click → conversion, against the true probabilities."""
SECTION = "funnel"
