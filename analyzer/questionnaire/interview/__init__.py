"""The interview (``analyzer ask``): the questions, answer parsing, the session that saves as it
goes, and the terminal prompter."""
