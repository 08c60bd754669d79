"""Build time: YAML read with marks, file discovery, validation, compilation into a matcher,
journey graphs, and the immutable KnowledgeBase value with its runtime index.
"""
