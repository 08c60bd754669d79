"""The rule language, pure: condition trees, fact types, the `when` parser, reason templates
and the engine's own connecting phrases. Imports nothing above engine.models.
"""
