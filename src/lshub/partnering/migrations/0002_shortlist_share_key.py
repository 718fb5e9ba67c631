"""Shortlists are addressed by a random share key instead of their number."""

from django.db import migrations, models

import lshub.partnering.models


def give_keys(apps, schema_editor):
    Shortlist = apps.get_model("partnering", "Shortlist")
    for shortlist in Shortlist.objects.filter(key__isnull=True):
        shortlist.key = lshub.partnering.models.new_share_key()
        shortlist.save(update_fields=["key"])


class Migration(migrations.Migration):
    dependencies = [("partnering", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="shortlist",
            name="key",
            field=models.CharField(editable=False, max_length=32, null=True, verbose_name="share key"),
        ),
        migrations.RunPython(give_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="shortlist",
            name="key",
            field=models.CharField(
                default=lshub.partnering.models.new_share_key,
                editable=False,
                max_length=32,
                unique=True,
                verbose_name="share key",
            ),
        ),
    ]
