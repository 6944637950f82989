# Who is on duty now (operations' duty_shifts, for the dispatch API and the on-duty board): published shifts by start.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('scheduling', '0004_roster_applying'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='shift',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['starts_at'],
                               name='scheduling_shift_pub_start'),
        ),
    ]
