from django.db import migrations

from influencers.taxonomy import NICHES


def seed_niches(apps, schema_editor):
    Niche = apps.get_model("influencers", "Niche")
    for slug, name in NICHES:
        Niche.objects.update_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("influencers", "0001_initial")]

    operations = [migrations.RunPython(seed_niches, migrations.RunPython.noop)]
