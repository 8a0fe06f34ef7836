"""Layer 6, questions: the query library, the guard every query passes, the notebook API."""
