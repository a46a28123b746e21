"""perf proposals: proposal counters per process and state, comments rendered once and threaded
by root, bigram search index (replaces the trigram index).

Revision ID: c4a9e7f6b8d1
Revises: b3f8d6e5a7c9
Create Date: 2026-11-23 08:10:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = 'c4a9e7f6b8d1'
down_revision = 'b3f8d6e5a7c9'
branch_labels = None
depends_on = None

# SQLite: bigram tokens as text (FTS5 indexes them); PostgreSQL: a tsvector with positions (GIN).
GRAMS = sa.Text().with_variant(postgresql.TSVECTOR(), 'postgresql')
STATES = "'published', 'evaluating', 'accepted', 'rejected', 'withdrawn'"

# SQLite: FTS5 over the bigram tokens of proposal_search (external content, kept by triggers).
SQLITE_BIGRAM = [
    "CREATE VIRTUAL TABLE proposals_fts_bigram USING fts5(grams, content='proposal_search', "
    "content_rowid='proposal_id', tokenize='ascii')",
    "CREATE TRIGGER proposals_fts_bigram_insert AFTER INSERT ON proposal_search BEGIN "
    "INSERT INTO proposals_fts_bigram(rowid, grams) VALUES (new.proposal_id, new.grams); END",
    "CREATE TRIGGER proposals_fts_bigram_delete AFTER DELETE ON proposal_search BEGIN "
    "INSERT INTO proposals_fts_bigram(proposals_fts_bigram, rowid, grams) "
    "VALUES ('delete', old.proposal_id, old.grams); END",
    "CREATE TRIGGER proposals_fts_bigram_update AFTER UPDATE ON proposal_search BEGIN "
    "INSERT INTO proposals_fts_bigram(proposals_fts_bigram, rowid, grams) "
    "VALUES ('delete', old.proposal_id, old.grams); "
    "INSERT INTO proposals_fts_bigram(rowid, grams) VALUES (new.proposal_id, new.grams); END",
]

# The trigram index of the first proposals migration, replaced (recreated on downgrade).
SQLITE_TRIGRAM = [
    "CREATE VIRTUAL TABLE proposals_fts USING fts5(title, body, content='proposals', "
    "content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER proposals_fts_insert AFTER INSERT ON proposals BEGIN "
    "INSERT INTO proposals_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER proposals_fts_delete AFTER DELETE ON proposals BEGIN "
    "INSERT INTO proposals_fts(proposals_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER proposals_fts_update AFTER UPDATE OF title, body ON proposals BEGIN "
    "INSERT INTO proposals_fts(proposals_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO proposals_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "INSERT INTO proposals_fts(proposals_fts) VALUES ('rebuild')",
]


def _drop_trigram(dialect):
    if dialect == "sqlite":
        for name in ("proposals_fts_insert", "proposals_fts_delete", "proposals_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS proposals_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_proposals_search_trgm")


def _backfill_comments(bind):
    from participation.core.sanitize import resident_html

    comments = sa.table("proposal_comments", sa.column("id", sa.Integer), sa.column("body", sa.Text),
                        sa.column("body_html", sa.Text))
    last = 0
    while True:
        rows = bind.execute(sa.select(comments.c.id, comments.c.body).where(comments.c.id > last)
                            .order_by(comments.c.id).limit(2000)).all()
        if not rows:
            break
        for comment_id, body in rows:
            bind.execute(comments.update().where(comments.c.id == comment_id)
                         .values(body_html=str(resident_html(body)) if body else ""))
        last = rows[-1][0]
    # Threads: a reply's root is its parent's root, or its parent (depth 2 first, then depth 3).
    op.execute("UPDATE proposal_comments SET root_id = parent_id WHERE depth = 2")
    op.execute("UPDATE proposal_comments SET root_id = (SELECT p.parent_id FROM proposal_comments p "
               "WHERE p.id = proposal_comments.parent_id) WHERE depth = 3")
    op.execute("UPDATE proposal_comments SET replies_count = (SELECT count(*) FROM proposal_comments r "
               "WHERE r.root_id = proposal_comments.id) WHERE parent_id IS NULL")


def _backfill_counters():
    # What the public sees: comments neither deleted nor hidden; proposals not hidden.
    op.execute("UPDATE proposals SET comments_count = (SELECT count(*) FROM proposal_comments c "
               "WHERE c.proposal_id = proposals.id AND c.deleted_at IS NULL AND c.hidden_at IS NULL)")
    op.execute("UPDATE proposals SET counted_state = state, counted_supports = supports_count, "
               "counted_comments = comments_count WHERE hidden_at IS NULL")
    op.execute("INSERT INTO proposal_counters (process_id, state, proposals, supports, comments) "
               "SELECT process_id, state, count(*), coalesce(sum(supports_count), 0), "
               "coalesce(sum(comments_count), 0) FROM proposals WHERE hidden_at IS NULL "
               "GROUP BY process_id, state")


def _backfill_search(bind):
    from participation.proposals.search import index_text

    proposals = sa.table("proposals", sa.column("id", sa.Integer), sa.column("title", sa.String),
                         sa.column("body", sa.Text))
    search = sa.table("proposal_search", sa.column("proposal_id", sa.Integer), sa.column("grams", GRAMS))
    last = 0
    while True:
        rows = bind.execute(sa.select(proposals.c.id, proposals.c.title, proposals.c.body)
                            .where(proposals.c.id > last).order_by(proposals.c.id).limit(2000)).all()
        if not rows:
            break
        bind.execute(search.insert(), [{"proposal_id": pid, "grams": index_text(title, body, bind.dialect.name)}
                                       for pid, title, body in rows])
        last = rows[-1][0]


def upgrade():
    bind = op.get_bind()
    dialect = bind.dialect.name
    _drop_trigram(dialect)

    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('counted_state', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('counted_supports', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('counted_comments', sa.Integer(), nullable=False, server_default='0'))

    with op.batch_alter_table('proposal_comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('root_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('replies_count', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('body_html', sa.Text(), nullable=False, server_default=''))
        batch_op.create_foreign_key(batch_op.f('fk_proposal_comments_root_id_proposal_comments'),
                                    'proposal_comments', ['root_id'], ['id'], ondelete='CASCADE')
        batch_op.create_index('ix_proposal_comments_top', ['proposal_id', 'parent_id', 'created_at', 'id'],
                              unique=False)
        batch_op.create_index('ix_proposal_comments_root', ['root_id', 'created_at', 'id'], unique=False)

    op.create_table('proposal_counters',
    sa.Column('process_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('proposals', sa.Integer(), nullable=False),
    sa.Column('supports', sa.Integer(), nullable=False),
    sa.Column('comments', sa.Integer(), nullable=False),
    sa.CheckConstraint('proposals >= 0 AND supports >= 0 AND comments >= 0',
                       name=op.f('ck_proposal_counters_counts_positive')),
    sa.CheckConstraint(f"state IN ({STATES})", name=op.f('ck_proposal_counters_state_valid')),
    sa.ForeignKeyConstraint(['process_id'], ['processes.id'],
                            name=op.f('fk_proposal_counters_process_id_processes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('process_id', 'state', name=op.f('pk_proposal_counters'))
    )
    op.create_table('proposal_search',
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('grams', GRAMS, nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'],
                            name=op.f('fk_proposal_search_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('proposal_id', name=op.f('pk_proposal_search'))
    )
    if dialect == "sqlite":
        for statement in SQLITE_BIGRAM:
            op.execute(statement)

    _backfill_comments(bind)
    _backfill_counters()
    _backfill_search(bind)
    if dialect == "postgresql":  # after the backfill: one index build instead of 100,000 updates
        op.execute("CREATE INDEX ix_proposals_search_bigram ON proposal_search USING gin (grams)")
        op.execute("ANALYZE proposal_search")


def downgrade():
    bind = op.get_bind()
    dialect = bind.dialect.name
    if dialect == "sqlite":
        for name in ("proposals_fts_bigram_insert", "proposals_fts_bigram_delete", "proposals_fts_bigram_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS proposals_fts_bigram")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_proposals_search_bigram")
    op.drop_table('proposal_search')
    op.drop_table('proposal_counters')
    with op.batch_alter_table('proposal_comments', schema=None) as batch_op:
        batch_op.drop_index('ix_proposal_comments_root')
        batch_op.drop_index('ix_proposal_comments_top')
        batch_op.drop_constraint(batch_op.f('fk_proposal_comments_root_id_proposal_comments'), type_='foreignkey')
        batch_op.drop_column('body_html')
        batch_op.drop_column('replies_count')
        batch_op.drop_column('root_id')
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_column('counted_comments')
        batch_op.drop_column('counted_supports')
        batch_op.drop_column('counted_state')
    if dialect == "sqlite":
        for statement in SQLITE_TRIGRAM:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute("CREATE INDEX ix_proposals_search_trgm ON proposals "
                   "USING gin ((title || ' ' || body) gin_trgm_ops)")
