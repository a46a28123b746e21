"""Budgets and accountability: budgets, projects, ballots, results

Phases get `allow_budget_votes` (the budget voting capability). Budgets of a process hold projects
(linked to the proposals they came from); residents fill one ballot per budget and check it out.
Results (what the city will do) have statuses with progress, child results, dated timeline entries
and links to the proposals, projects and street issues they answer. Verified residents: one
verification per account and method (letter code, census match), the letter requests (only a keyed
hash of the mailed code is kept) and the census entries (keyed hashes only, one account each);
budgets may require verification.

Revision ID: e9c5a3b2d4f6
Revises: d8b4f2a1c3e5
Create Date: 2026-11-23 06:02:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'e9c5a3b2d4f6'
down_revision = 'd8b4f2a1c3e5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("phases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("allow_budget_votes", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table("phases", schema=None) as batch_op:
        batch_op.alter_column("allow_budget_votes", server_default=None)

    op.create_table(
        "budgets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("process_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("rule", sa.String(length=20), nullable=False),
        sa.Column("min_percent", sa.Integer(), nullable=False),
        sa.Column("min_projects", sa.Integer(), nullable=True),
        sa.Column("max_projects", sa.Integer(), nullable=True),
        sa.Column("exclusive", sa.Boolean(), nullable=False),
        sa.Column("results_live", sa.Boolean(), nullable=False),
        sa.Column("requires_verification", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("ballots_count", sa.Integer(), nullable=False),
        sa.Column("selected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rule IN ('total', 'minimum', 'projects', 'both')", name=op.f("ck_budgets_rule_valid")),
        sa.CheckConstraint("total > 0", name=op.f("ck_budgets_total_positive")),
        sa.CheckConstraint("min_percent >= 0 AND min_percent <= 100", name=op.f("ck_budgets_min_percent_range")),
        sa.CheckConstraint("min_projects IS NULL OR max_projects IS NULL OR min_projects <= max_projects",
                           name=op.f("ck_budgets_projects_ordered")),
        sa.ForeignKeyConstraint(["process_id"], ["processes.id"], name=op.f("fk_budgets_process_id_processes"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budgets")),
    )
    with op.batch_alter_table("budgets", schema=None) as batch_op:
        batch_op.create_index("ix_budgets_process_position", ["process_id", "position"], unique=False)

    op.create_table(
        "budget_projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("budget_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
        sa.Column("cost", sa.BigInteger(), nullable=False),
        sa.Column("area", sa.String(length=100), nullable=True),
        sa.Column("category", sa.String(length=100), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("image_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("votes_count", sa.Integer(), nullable=False),
        sa.Column("selected", sa.Boolean(), nullable=False),
        sa.Column("selection_note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("cost > 0", name=op.f("ck_budget_projects_cost_positive")),
        sa.CheckConstraint("votes_count >= 0", name=op.f("ck_budget_projects_votes_positive")),
        sa.ForeignKeyConstraint(["budget_id"], ["budgets.id"], name=op.f("fk_budget_projects_budget_id_budgets"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["image_id"], ["uploads.id"], name=op.f("fk_budget_projects_image_id_uploads"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_projects")),
    )
    with op.batch_alter_table("budget_projects", schema=None) as batch_op:
        batch_op.create_index("ix_budget_projects_budget_position", ["budget_id", "position"], unique=False)

    op.create_table(
        "budget_project_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["budget_projects.id"],
                                name=op.f("fk_budget_project_proposals_project_id_budget_projects"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposals.id"],
                                name=op.f("fk_budget_project_proposals_proposal_id_proposals"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_project_proposals")),
        sa.UniqueConstraint("project_id", "proposal_id",
                            name=op.f("uq_budget_project_proposals_project_id_proposal_id")),
    )
    with op.batch_alter_table("budget_project_proposals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_budget_project_proposals_proposal_id"), ["proposal_id"], unique=False)

    op.create_table(
        "budget_ballots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("budget_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("checked_out_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["budget_id"], ["budgets.id"], name=op.f("fk_budget_ballots_budget_id_budgets"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_budget_ballots_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_ballots")),
        sa.UniqueConstraint("budget_id", "user_id", name=op.f("uq_budget_ballots_budget_id_user_id")),
    )
    with op.batch_alter_table("budget_ballots", schema=None) as batch_op:
        batch_op.create_index("ix_budget_ballots_user_checked_out", ["user_id", "checked_out_at"], unique=False)

    op.create_table(
        "budget_ballot_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ballot_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["ballot_id"], ["budget_ballots.id"],
                                name=op.f("fk_budget_ballot_items_ballot_id_budget_ballots"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["project_id"], ["budget_projects.id"],
                                name=op.f("fk_budget_ballot_items_project_id_budget_projects"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_ballot_items")),
        sa.UniqueConstraint("ballot_id", "project_id", name=op.f("uq_budget_ballot_items_ballot_id_project_id")),
    )
    with op.batch_alter_table("budget_ballot_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_budget_ballot_items_project_id"), ["project_id"], unique=False)

    op.create_table(
        "result_statuses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("process_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name=op.f("ck_result_statuses_progress_range")),
        sa.ForeignKeyConstraint(["process_id"], ["processes.id"],
                                name=op.f("fk_result_statuses_process_id_processes"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_result_statuses")),
    )
    with op.batch_alter_table("result_statuses", schema=None) as batch_op:
        batch_op.create_index("ix_result_statuses_process_position", ["process_id", "position"], unique=False)

    op.create_table(
        "results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("process_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
        sa.Column("area", sa.String(length=100), nullable=True),
        sa.Column("category", sa.String(length=100), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("status_id", sa.Integer(), nullable=True),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name=op.f("ck_results_progress_range")),
        sa.CheckConstraint("start_date IS NULL OR end_date IS NULL OR start_date <= end_date",
                           name=op.f("ck_results_dates_ordered")),
        sa.ForeignKeyConstraint(["parent_id"], ["results.id"], name=op.f("fk_results_parent_id_results"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["process_id"], ["processes.id"], name=op.f("fk_results_process_id_processes"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["status_id"], ["result_statuses.id"],
                                name=op.f("fk_results_status_id_result_statuses"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_results")),
    )
    with op.batch_alter_table("results", schema=None) as batch_op:
        batch_op.create_index("ix_results_process_parent", ["process_id", "parent_id"], unique=False)

    op.create_table(
        "result_timeline_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("text", sa.JSON(), nullable=False),
        sa.Column("image_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["image_id"], ["uploads.id"],
                                name=op.f("fk_result_timeline_entries_image_id_uploads"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["result_id"], ["results.id"],
                                name=op.f("fk_result_timeline_entries_result_id_results"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_result_timeline_entries")),
    )
    with op.batch_alter_table("result_timeline_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_result_timeline_entries_result_id"), ["result_id"], unique=False)

    op.create_table(
        "result_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.Column("target_type", sa.String(length=30), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["result_id"], ["results.id"], name=op.f("fk_result_links_result_id_results"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_result_links")),
        sa.UniqueConstraint("result_id", "target_type", "target_id",
                            name=op.f("uq_result_links_result_id_target_type_target_id")),
    )
    with op.batch_alter_table("result_links", schema=None) as batch_op:
        batch_op.create_index("ix_result_links_target", ["target_type", "target_id"], unique=False)


    op.create_table(
        "verifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("method IN ('letter', 'census')", name=op.f("ck_verifications_method_valid")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_verifications_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verifications")),
        sa.UniqueConstraint("user_id", "method", name=op.f("uq_verifications_user_id_method")),
    )
    op.create_table(
        "verification_letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("exported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_verification_letters_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification_letters")),
    )
    with op.batch_alter_table("verification_letters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_verification_letters_user_id"), ["user_id"], unique=False)
    op.create_table(
        "census_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_census_entries_user_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_census_entries")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_census_entries_key_hash")),
        sa.UniqueConstraint("user_id", name=op.f("uq_census_entries_user_id")),
    )


def downgrade():
    for table in ("census_entries", "verification_letters", "verifications", "result_links", "result_timeline_entries", "results", "result_statuses",
                  "budget_ballot_items", "budget_ballots", "budget_project_proposals", "budget_projects",
                  "budgets"):
        op.drop_table(table)
    with op.batch_alter_table("phases", schema=None) as batch_op:
        batch_op.drop_column("allow_budget_votes")
