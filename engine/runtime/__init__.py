"""Run time: client coercion, derived facts and recommend()/evaluate(), a pure function of
(knowledge base, client, as_of).
"""
