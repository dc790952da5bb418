"""The cost/effort model: parameters, distributions, COCOMO II, evaluation."""
