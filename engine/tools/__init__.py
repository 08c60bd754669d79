"""What ops leads run on a knowledge base: explanations, scenarios, journey pictures, coverage
and JSON Schemas. Results are data; render/ turns them into text.
"""
