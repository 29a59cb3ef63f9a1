"""The Playground: one configuration, trained live (a job of one run), with a run history, classroom
mode and a study panel that repeats the configuration over seeds and relatedness values."""
SECTION = "playground"
