"""The application: the command line, the pipeline that runs questionnaire -> model -> decision ->
report, the progress bar and the background worker."""
