from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0008_webhooks"),
    ]

    operations = [
        migrations.AddField(
            model_name="match",
            name="explanation_parts",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
    ]
