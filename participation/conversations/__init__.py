"""Conversations: statements, votes, opinion groups and consensus (the engine is in `engine`)."""
