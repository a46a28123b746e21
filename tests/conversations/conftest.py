"""Factories for conversation tests."""
from __future__ import annotations

import pytest

from participation.extensions import db


@pytest.fixture
def make_conversation(app, make_user, make_process):
    """make_conversation(process=None, statements=3, **fields) -> (conversation_id, [statement ids], facilitator)."""
    from participation.conversations import services
    from participation.conversations.models import Conversation
    from participation.core.models import User
    from participation.processes.models import Process

    def factory(process=None, statements: int = 3, seeds: int = 0, **fields):
        process = process or make_process()
        facilitator = make_user("facilitator", process_id=process.id)
        with app.app_context():
            actor = db.session.get(User, facilitator.id)
            data = {"topic": {"ja": "駅前広場", "en": "Station square"}, **fields}
            conversation = services.create_conversation(actor, db.session.get(Process, process.id), data)
            for key in ("allow_anonymous", "moderation"):
                if key in fields:
                    setattr(conversation, key, fields[key])
            texts = [f"意見その{i}です。" for i in range(1, statements + 1)]
            created = services.add_seed_statements(actor, conversation, texts) if texts else []
            for statement in created[seeds:]:
                statement.is_seed = False
            db.session.commit()
            ids = [s.id for s in created]
            conversation_id = db.session.get(Conversation, conversation.id).id
        return conversation_id, ids, facilitator

    return factory
