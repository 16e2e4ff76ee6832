from alembic.script import ScriptDirectory

from customlabels.db.migrate import alembic_config, current_revision, head_revision


def test_the_quick_head_lookup_agrees_with_alembic(ctx):
    script = ScriptDirectory.from_config(alembic_config(ctx.db.engine))
    assert head_revision() == script.get_current_head()


def test_a_new_database_is_migrated_to_the_head(ctx):
    assert current_revision(ctx.db.engine) == head_revision()
