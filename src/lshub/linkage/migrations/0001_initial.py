# Review queue and merge journal.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('registry', '0002_search_index'),
        ('sources', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Merge',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('merged_id', models.BigIntegerField(verbose_name='merged organisation id')),
                ('merged_slug', models.CharField(max_length=120, verbose_name='merged organisation key')),
                ('merged_name', models.CharField(max_length=300, verbose_name='merged organisation name')),
                ('journal', models.JSONField(default=dict, verbose_name='journal')),
                ('created', models.DateTimeField(auto_now_add=True, verbose_name='merged at')),
                ('undone_at', models.DateTimeField(blank=True, null=True, verbose_name='undone at')),
                ('kept', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='merges', to='registry.organisation', verbose_name='kept')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'merge',
                'verbose_name_plural': 'merges',
                'ordering': ['-created', '-id'],
            },
        ),
        migrations.CreateModel(
            name='ReviewItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('match', 'possible match'), ('conflict', 'conflicting value')], default='match', max_length=10, verbose_name='kind')),
                ('candidate', models.JSONField(default=dict, verbose_name='candidate')),
                ('source', models.CharField(blank=True, max_length=80, verbose_name='source')),
                ('record_id', models.CharField(blank=True, max_length=200, verbose_name='record id')),
                ('probability', models.FloatField(blank=True, null=True, verbose_name='probability')),
                ('reasons', models.JSONField(blank=True, default=list, verbose_name='reasons')),
                ('status', models.CharField(choices=[('open', 'open'), ('accepted', 'accepted'), ('rejected', 'rejected'), ('merged', 'merged into another organisation'), ('created', 'created a new organisation')], db_index=True, default='open', max_length=10, verbose_name='status')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                ('created', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('note', models.TextField(blank=True, verbose_name='note')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                ('proposed', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='review_items', to='registry.organisation', verbose_name='proposed organisation')),
                ('resolved', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='resolved_review_items', to='registry.organisation', verbose_name='resolved to')),
                ('staged', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='review_items', to='sources.stagedrecord', verbose_name='staged record')),
            ],
            options={
                'verbose_name': 'review item',
                'verbose_name_plural': 'review queue',
                'ordering': ['-created', '-id'],
                'indexes': [models.Index(fields=['status', 'kind'], name='linkage_review_status_kind')],
            },
        ),
    ]
