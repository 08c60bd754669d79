"""The only place text for people is made and the only import of rich: one reporter per
output format (table, markdown, json, text) and the words of both languages.
"""
