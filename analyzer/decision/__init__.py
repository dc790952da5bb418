"""The decision: criteria scores, recommendation, reasons, reversals, sensitivity."""
