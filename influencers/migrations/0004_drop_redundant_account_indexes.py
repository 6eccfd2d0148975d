# The single-column account_id indexes of posts and follower snapshots duplicate the leading column of
# their unique (account, external_id) / (account, date) indexes. Dropping them speeds up imports and
# the engine's writes. Only the indexes go: AlterField alone would also drop and re-validate the
# foreign keys (a full scan of the biggest tables), so the database side is plain DROP INDEX.

import django.db.models.deletion
from django.db import migrations, models

INDEXES = {
    "influencers_post": "influencers_post_account_id_67358e74",
    "influencers_followersnapshot": "influencers_followersnapshot_account_id_46840388",
}


class Migration(migrations.Migration):

    dependencies = [
        ("influencers", "0003_discovery_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="followersnapshot",
                    name="account",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="snapshots",
                        to="influencers.socialaccount",
                    ),
                ),
                migrations.AlterField(
                    model_name="post",
                    name="account",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="posts",
                        to="influencers.socialaccount",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql=f'DROP INDEX IF EXISTS "{index}"',
                    reverse_sql=f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" ("account_id")',
                )
                for table, index in INDEXES.items()
            ],
        ),
    ]
