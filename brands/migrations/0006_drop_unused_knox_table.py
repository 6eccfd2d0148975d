from django.db import migrations


class Migration(migrations.Migration):
    """knox's own migrations create `knox_authtoken` even though KNOX_TOKEN_MODEL swaps it for
    brands.ApiToken (its initial migration does not mark the model swappable). The empty table's
    foreign key to the user table would block `flush` (TRUNCATE) on PostgreSQL, so it goes."""

    dependencies = [
        ("brands", "0005_email_confirmation"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [migrations.RunSQL("DROP TABLE IF EXISTS knox_authtoken", migrations.RunSQL.noop)]
